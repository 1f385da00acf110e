import { ApiException } from '@kubernetes/client-node';
import { ApplicationFailure } from '@temporalio/common';
import { failureForStatus } from '../errors';

/** Reads the `message` of a Kubernetes Status body, which names the field or verb at fault. */
function statusMessage(body: unknown): string {
  if (typeof body === 'string') {
    try {
      return statusMessage(JSON.parse(body));
    } catch {
      return body;
    }
  }
  if (body && typeof body === 'object' && 'message' in body) return String((body as { message: unknown }).message);
  return JSON.stringify(body);
}

/** Returns true for a 409 Conflict, which a re-read and a new attempt resolve. */
export function isConflict(error: unknown): boolean {
  return error instanceof ApiException && error.code === 409;
}

/**
 * Converts a Kubernetes client error into an ApplicationFailure: 403 (RBAC), 404 and 422 are non-retryable,
 * while 409, 429, 5xx and network errors are retryable.
 */
export function toFailure(error: unknown, action: string): ApplicationFailure {
  if (error instanceof ApplicationFailure) return error;
  if (error instanceof ApiException)
    return failureForStatus('Kubernetes', action, error.code, statusMessage(error.body));
  const message = error instanceof Error ? error.message : String(error);
  return ApplicationFailure.retryable(`Kubernetes ${action} failed: ${message}`, 'Transient');
}
