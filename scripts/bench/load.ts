import { setMaxListeners } from 'node:events';
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { PlannedDelivery } from './deliveries';

/** Outcome of one POST. */
export interface DeliveryResult {
  index: number;
  serviceId: string;
  incident: number;
  /** Wall-clock time the request was sent, in Unix milliseconds with a fraction. */
  sentAtMs: number;
  /** Time from sending the request to reading the whole response, in milliseconds. */
  latencyMs: number;
  /** HTTP status, or 0 when no response arrived. */
  status: number;
  /** Run the webhook started or signaled, from the 202 body. */
  runId: string | undefined;
  error: string | undefined;
}

/** Unix milliseconds with the sub-millisecond fraction of the monotonic clock. */
export function wallClockMs(): number {
  return performance.timeOrigin + performance.now();
}

interface HttpResponse {
  status: number;
  body: string;
}

function post(agent: Agent, url: URL, body: string, signal: AbortSignal): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      url,
      {
        method: 'POST',
        agent,
        signal,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
        response.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

function readRunId(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { runs?: { runId?: string }[] };
    return parsed.runs?.[0]?.runId;
  } catch {
    return undefined;
  }
}

/**
 * Sends one delivery and records its outcome. A failed request becomes an `error` in the result instead of an
 * exception, so one failed POST does not stop the others.
 */
export async function sendDelivery(
  agent: Agent,
  url: URL,
  delivery: PlannedDelivery,
  signal: AbortSignal,
): Promise<DeliveryResult> {
  const sentAtMs = wallClockMs();
  const started = performance.now();
  const base = { index: delivery.index, serviceId: delivery.serviceId, incident: delivery.incident, sentAtMs };
  try {
    const response = await post(agent, url, delivery.body, signal);
    const latencyMs = performance.now() - started;
    const runId = response.status === 202 ? readRunId(response.body) : undefined;
    const error = response.status === 202 ? undefined : `HTTP ${response.status}: ${response.body.slice(0, 200)}`;
    return { ...base, latencyMs, status: response.status, runId, error };
  } catch (error) {
    return { ...base, latencyMs: performance.now() - started, status: 0, runId: undefined, error: String(error) };
  }
}

/**
 * Sends the deliveries in plan order with at most `concurrency` in flight, over keep-alive connections as
 * Alertmanager's HTTP client does. Returns the results in plan order.
 */
export async function sendAll(
  url: URL,
  deliveries: PlannedDelivery[],
  concurrency: number,
  signal: AbortSignal,
): Promise<DeliveryResult[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  // Every request in flight listens on the signal, which is more than Node's default warning limit of 10.
  setMaxListeners(concurrency + 10, signal);
  const results: DeliveryResult[] = new Array(deliveries.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(concurrency, deliveries.length) }, async () => {
    while (next < deliveries.length && !signal.aborted) {
      const delivery = deliveries[next]!;
      next += 1;
      results[delivery.index] = await sendDelivery(agent, url, delivery, signal);
    }
  });
  try {
    await Promise.all(lanes);
  } finally {
    agent.destroy();
  }
  if (signal.aborted) throw new Error(`sending stopped after ${next} of ${deliveries.length} deliveries`);
  return results;
}
