/**
 * Describes why a fetch call failed, such as `timed out after 5000 ms` or `ECONNREFUSED`, for a failure
 * message. Each of `secrets` found in the text is replaced with `[redacted]`, because undici puts the URL in
 * some messages and a webhook URL is a credential.
 */
export function describeFetchError(error: unknown, timeoutMs: number, secrets: string[] = []): string {
  let text: string;
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  if (error instanceof DOMException && error.name === 'TimeoutError') text = `timed out after ${timeoutMs} ms`;
  else if (cause && typeof cause.code === 'string') text = cause.code;
  else if (cause && typeof cause.message === 'string') text = cause.message;
  else text = (error as Error).message;
  return redact(text, secrets);
}

/** Replaces each non-empty secret in `text` with `[redacted]`. */
export function redact(text: string, secrets: string[]): string {
  return secrets
    .filter((secret) => secret !== '')
    .reduce((result, secret) => result.split(secret).join('[redacted]'), text);
}
