import { ApplicationFailure } from '@temporalio/common';
import { FailureType, failureForStatus } from '../errors';
import { describeFetchError } from '../http-failure';
import { queryResponseSchema, type QueryData } from './response';

export interface PrometheusClientOptions {
  /** Prometheus base URL, such as http://127.0.0.1:9090; a path prefix (…/prometheus) is kept. */
  baseUrl: string;
  /** Maximum time in ms for one HTTP request, including reading the body. */
  fetchTimeoutMs: number;
}

function queryUrl(baseUrl: string): URL {
  return new URL('api/v1/query', baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
}

interface RawResponse {
  status: number;
  ok: boolean;
  text: string;
}

async function postQuery(options: PrometheusClientOptions, query: string, time: Date): Promise<RawResponse> {
  const url = queryUrl(options.baseUrl);
  // POST with a form body is documented for /api/v1/query and avoids URL length limits on long queries.
  const body = new URLSearchParams({ query, time: (time.getTime() / 1000).toFixed(3) });
  try {
    const response = await fetch(url, { method: 'POST', body, signal: AbortSignal.timeout(options.fetchTimeoutMs) });
    return { status: response.status, ok: response.ok, text: await response.text() };
  } catch (error) {
    // Timeouts, refused connections and resets are worth another attempt: Prometheus may be restarting.
    throw ApplicationFailure.retryable(
      `Prometheus query request to ${url.origin} failed: ${describeFetchError(error, options.fetchTimeoutMs)}`,
      FailureType.Transient,
    );
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Evaluates `query` at `time` with `/api/v1/query` and returns the result data. Throws a non-retryable
 * ApplicationFailure for an invalid query (HTTP 400 or 422) or an unexpected response, and a retryable
 * one for timeouts, network errors and HTTP 5xx.
 */
export async function queryInstant(options: PrometheusClientOptions, query: string, time: Date): Promise<QueryData> {
  const response = await postQuery(options, query, time);
  const parsed = queryResponseSchema.safeParse(parseJson(response.text));
  if (!response.ok) {
    const detail =
      parsed.success && parsed.data.status === 'error'
        ? `${parsed.data.errorType}: ${parsed.data.error}`
        : response.text;
    throw failureForStatus('Prometheus', `query "${query}"`, response.status, detail);
  }
  if (!parsed.success) {
    throw ApplicationFailure.nonRetryable(
      `Prometheus query "${query}" returned HTTP ${response.status} with a body that is not a query response: ` +
        response.text.slice(0, 200),
      FailureType.InvalidResponse,
    );
  }
  if (parsed.data.status === 'error') {
    throw ApplicationFailure.nonRetryable(
      `Prometheus query "${query}" failed: ${parsed.data.errorType}: ${parsed.data.error}`,
      FailureType.InvalidRequest,
    );
  }
  return parsed.data.data;
}
