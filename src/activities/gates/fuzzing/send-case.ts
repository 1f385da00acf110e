import type { FuzzCase, FuzzObservation } from './types';

/** Response bytes kept per case; enough for any response schema, small enough for many cases in memory. */
const MAX_BODY_BYTES = 1024 * 1024;

export const CASE_ID_HEADER = 'x-fuzz-case-id';

async function readCapped(response: Response): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.length;
    if (size >= MAX_BODY_BYTES) {
      await reader.cancel();
      break;
    }
  }
  return Buffer.concat(chunks).subarray(0, MAX_BODY_BYTES).toString('utf8');
}

function describeError(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  if (cause && typeof cause.code === 'string') return cause.code;
  if (cause && typeof cause.message === 'string') return cause.message;
  return (error as Error).message;
}

/**
 * Sends one case and records the response and its latency: the time until the whole body has arrived. Rejects only
 * when `cancel` aborts, with the abort reason; timeouts and connection failures are observations.
 */
export async function sendCase(
  baseUrl: string,
  fuzzCase: FuzzCase,
  timeoutMs: number,
  cancel: AbortSignal,
): Promise<FuzzObservation> {
  const started = performance.now();
  const timeout = AbortSignal.timeout(timeoutMs);
  const headers: Record<string, string> = { [CASE_ID_HEADER]: fuzzCase.id, 'user-agent': 'slo-autopilot-fuzzer' };
  if (fuzzCase.contentType) headers['content-type'] = fuzzCase.contentType;
  try {
    const response = await fetch(new URL(fuzzCase.path, baseUrl), {
      method: 'POST',
      headers,
      body: fuzzCase.body,
      signal: AbortSignal.any([cancel, timeout]),
      redirect: 'manual',
    });
    const body = await readCapped(response);
    return {
      status: response.status,
      latencyMs: Math.round(performance.now() - started),
      body,
      headers: [...response.headers].map(([name, value]) => `${name}: ${value}`).join('\n'),
    };
  } catch (error) {
    if (cancel.aborted) throw cancel.reason;
    const latencyMs = Math.round(performance.now() - started);
    if (timeout.aborted) {
      return {
        latencyMs,
        body: '',
        headers: '',
        failure: { kind: 'timeout', message: `no response within ${timeoutMs} ms` },
      };
    }
    return { latencyMs, body: '', headers: '', failure: { kind: 'connection', message: describeError(error) } };
  }
}
