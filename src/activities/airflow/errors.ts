import { ApplicationFailure } from '@temporalio/common';
import { FailureType, failureForStatus } from '../errors';
import { redact } from '../http-failure';
import { errorBodySchema } from './api-schemas';

/** Extracts Airflow's explanation from an error body: `detail` (both versions) or `title`, else the raw text. */
export function describeErrorBody(text: string): string {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return text.trim().slice(0, 500);
  }
  const parsed = errorBodySchema.safeParse(json);
  if (!parsed.success) return text.trim().slice(0, 500);
  const { detail, title } = parsed.data;
  if (typeof detail === 'string') return detail;
  if (Array.isArray(detail)) {
    return detail.map((issue) => (issue.loc ? `${issue.loc.join('.')}: ${issue.msg}` : issue.msg)).join('; ');
  }
  if (detail) return JSON.stringify(detail);
  return title ?? text.trim().slice(0, 500);
}

/**
 * Converts an Airflow error response into an ApplicationFailure naming the method, the URL path and Airflow's
 * detail. 400, 401, 403, 404 and 422 are non-retryable; 5xx, 408, 409 and 429 retry. `secrets` are redacted.
 */
export function airflowHttpFailure(
  method: string,
  path: string,
  status: number,
  body: string,
  secrets: string[],
): ApplicationFailure {
  return failureForStatus('Airflow', `${method} ${path}`, status, redact(describeErrorBody(body), secrets));
}

/** Creates the failure for a 2xx response whose body does not have the documented shape. */
export function invalidResponse(method: string, path: string, problem: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(
    `Airflow ${method} ${path} returned a body that does not match its API reference: ${problem.slice(0, 300)}`,
    FailureType.InvalidResponse,
  );
}
