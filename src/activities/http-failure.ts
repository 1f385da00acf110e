import { ApplicationFailure } from '@temporalio/common';

// Helpers that turn failed HTTP calls to external systems into Temporal failures without leaking secrets.

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

/** Converts a Retry-After header in seconds to milliseconds; undefined when absent or not whole seconds. */
export function retryAfterMs(header: string | null): number | undefined {
  if (header === null || !/^\d+$/.test(header.trim())) return undefined;
  return Number(header.trim()) * 1000;
}

/**
 * Returns a retryable failure whose nextRetryDelay is the Retry-After time, so Temporal waits that long before
 * the next attempt in place of the retry policy's backoff. Non-retryable failures and responses without the
 * header pass through unchanged.
 */
export function withRetryAfter(failure: ApplicationFailure, retryAfterHeader: string | null): ApplicationFailure {
  const delay = retryAfterMs(retryAfterHeader);
  if (failure.nonRetryable || delay === undefined) return failure;
  return ApplicationFailure.create({
    message: failure.message,
    type: failure.type ?? undefined,
    nextRetryDelay: delay,
  });
}
