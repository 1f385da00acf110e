import { Context } from '@temporalio/activity';

export interface PollOptions<T> {
  /** Pause between reads, in milliseconds. */
  intervalMs: number;
  /** Reads the current state from the external system. */
  read(): Promise<T>;
  isDone(state: T): boolean;
  /** Heartbeat details for a state: a retried attempt reads them back from `activityInfo().heartbeatDetails`. */
  details(state: T): unknown;
}

/**
 * Reads a state until it is done, heartbeating after every read. The pause between reads is the activity
 * context's sleep, which rejects with a CancelledFailure once the activity is cancelled, so a cancelled
 * activity stops polling within one interval of the heartbeat that brought the cancellation.
 */
export async function pollUntilDone<T>(options: PollOptions<T>): Promise<T> {
  const context = Context.current();
  for (;;) {
    const state = await options.read();
    context.heartbeat(options.details(state));
    if (options.isDone(state)) return state;
    await context.sleep(options.intervalMs);
  }
}
