import { retryAfterMs } from '../http-failure';

/**
 * Returns how long to wait before the next request after GitHub rejected one for a rate limit, in ms, or
 * undefined when the response is no rate-limit response. GitHub sends 403 or 429 for both kinds of limit: the
 * primary limit with `x-ratelimit-remaining: 0` and the reset time in epoch seconds in `x-ratelimit-reset`, and a
 * secondary limit with `retry-after` in seconds or only an error message that names it.
 */
export function rateLimitDelayMs(status: number, headers: Headers, body: string, nowMs: number): number | undefined {
  if (status !== 403 && status !== 429) return undefined;
  const retryAfter = retryAfterMs(headers.get('retry-after'));
  if (retryAfter !== undefined) return retryAfter;
  if (headers.get('x-ratelimit-remaining') === '0') {
    const reset = Number(headers.get('x-ratelimit-reset'));
    // One extra second, because GitHub's reset time has second resolution and the clocks may differ.
    return Number.isInteger(reset) && reset > 0 ? Math.max(0, reset * 1000 - nowMs) + 1000 : 60_000;
  }
  // GitHub documents a wait of at least one minute for a secondary limit without retry-after, which a 403 shows
  // only in its message.
  return status === 429 || /secondary rate limit/i.test(body) ? 60_000 : undefined;
}
