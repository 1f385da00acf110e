import {
  ActivityFailure,
  ApplicationFailure,
  CancelledFailure,
  ChildWorkflowFailure,
  TerminatedFailure,
  TimeoutFailure,
} from '@temporalio/workflow';

/** Finds the failure that explains an activity or child workflow failure, below the wrappers Temporal adds. */
function rootCause(error: unknown): unknown {
  let current = error;
  while ((current instanceof ActivityFailure || current instanceof ChildWorkflowFailure) && current.cause) {
    current = current.cause;
  }
  return current;
}

/**
 * Describes why an activity or child workflow failed, in words for a verdict summary, such as `timed out
 * (START_TO_CLOSE timeout)` or `SonarQube … failed with HTTP 401: … [Forbidden]`.
 */
export function describeGateFailure(error: unknown): string {
  const cause = rootCause(error);
  if (cause instanceof TimeoutFailure) return `timed out (${cause.timeoutType} timeout)`;
  if (cause instanceof TerminatedFailure) return 'was terminated';
  if (cause instanceof CancelledFailure) return 'was cancelled';
  if (cause instanceof ApplicationFailure) return cause.type ? `${cause.message} [${cause.type}]` : cause.message;
  return cause instanceof Error ? cause.message : String(cause);
}
