import { ApplicationFailure } from '@temporalio/common';
import { FailureType } from './failure-types';

export { FailureType };

/** HTTP statuses that another attempt can fix: timeouts, conflicts, throttling and server errors. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 425 || status === 429 || status >= 500;
}

/**
 * Converts an HTTP error status from an external system into an ApplicationFailure, non-retryable for the
 * statuses another attempt cannot fix (400, 401, 403, 404, 422 and the like).
 */
export function failureForStatus(system: string, action: string, status: number, body: string): ApplicationFailure {
  const message = `${system} ${action} failed with HTTP ${status}: ${body.slice(0, 500)}`;
  if (isRetryableStatus(status)) return ApplicationFailure.retryable(message, FailureType.Transient);
  const type =
    status === 401 || status === 403
      ? FailureType.Forbidden
      : status === 404
        ? FailureType.NotFound
        : FailureType.InvalidRequest;
  return ApplicationFailure.nonRetryable(message, type);
}
