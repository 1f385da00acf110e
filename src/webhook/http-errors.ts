/** A request the webhook rejects; `reason` labels the rejection metric and the log. */
export class RequestRejection extends Error {
  override name = 'RequestRejection';

  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}
