import { proxyActivities } from '@temporalio/workflow';
import type { GateVerdict } from '../../gates/contracts';
import type { FuzzingGateActivities, FuzzingGateInput } from '../../activities/gates/fuzzing';
import { NON_RETRYABLE_TOOL_FAILURES, runToolGate } from './tool-gate';

export type { FuzzingGateInput } from '../../activities/gates/fuzzing';

const DEFAULT_MAX_DURATION_MS = 10 * 60_000;

/**
 * Adversarial fuzzing gate of the testing matrix (nightly, GenAI and CV endpoints): blocks on any finding of
 * medium severity or above, such as a leaked canary, a 5xx or a response that breaks the schema. The deadline is
 * fixed here, once, so an activity retried after a worker restart resumes its cases without extending the run.
 */
export async function fuzzingGate(input: FuzzingGateInput): Promise<GateVerdict> {
  const maxDurationMs = input.maxDurationMs ?? DEFAULT_MAX_DURATION_MS;
  const { runFuzzingCases } = proxyActivities<FuzzingGateActivities>({
    // One attempt may run until the deadline plus one request; retries share the schedule-to-close budget.
    startToCloseTimeout: maxDurationMs + 60_000,
    scheduleToCloseTimeout: maxDurationMs + 5 * 60_000,
    heartbeatTimeout: '30s',
    retry: {
      initialInterval: '1s',
      backoffCoefficient: 2,
      maximumInterval: '30s',
      maximumAttempts: 5,
      nonRetryableErrorTypes: NON_RETRYABLE_TOOL_FAILURES,
    },
  });
  const deadline = Date.now() + maxDurationMs;
  return runToolGate('adversarial-fuzzing', () => runFuzzingCases({ ...input, deadline }));
}
