// Turns the outcome or the failure of a tool-running gate activity into a GateVerdict. Workflow code only.
import { ActivityFailure, ApplicationFailure, TimeoutFailure, isCancellation } from '@temporalio/workflow';
import type { GateName, GateVerdict } from '../../gates/contracts';
import type { GateOutcome } from '../../activities/gates/gate-outcome';
import { ToolFailureType } from '../../activities/gates/tool-failure-types';

/** Failure types of the tool gates that another attempt cannot fix. */
export const NON_RETRYABLE_TOOL_FAILURES: string[] = [
  ToolFailureType.ToolNotFound,
  ToolFailureType.ToolFailed,
  ToolFailureType.ToolTimedOut,
  ToolFailureType.InvalidToolOutput,
  ToolFailureType.InvalidGateInput,
  ToolFailureType.MissingSecret,
];

function describeActivityFailure(failure: ActivityFailure): { message: string; type: string } {
  const cause = failure.cause;
  if (cause instanceof ApplicationFailure) return { message: cause.message, type: cause.type ?? 'Error' };
  if (cause instanceof TimeoutFailure) {
    return { message: `the gate activity timed out (${cause.timeoutType})`, type: 'ActivityTimeout' };
  }
  return { message: cause?.message ?? failure.message, type: cause?.name ?? 'ActivityFailure' };
}

/**
 * Runs a gate activity and returns its verdict with the wall time. A failed activity, after its retries, gives
 * an `error` verdict whose one finding carries the failure message and type, because a tool that gave no answer
 * blocks the change as well. Cancellation of the workflow propagates.
 */
export async function runToolGate(gate: GateName, run: () => Promise<GateOutcome>): Promise<GateVerdict> {
  const startedAt = Date.now();
  try {
    const outcome = await run();
    return { gate, ...outcome, durationMs: Date.now() - startedAt };
  } catch (error) {
    if (isCancellation(error) || !(error instanceof ActivityFailure)) throw error;
    const { message, type } = describeActivityFailure(error);
    return {
      gate,
      status: 'error',
      summary: `${gate} gate could not run: ${message.split('\n')[0]!.slice(0, 300)}`,
      findings: [{ gate, severity: 'high', title: 'Gate tool failed', detail: message.slice(0, 4000), ruleId: type }],
      durationMs: Date.now() - startedAt,
    };
  }
}
