import { proxyActivities } from '@temporalio/workflow';
import type { GateVerdict } from '../../gates/contracts';
import type { ApiContractGateActivities, ApiContractGateInput } from '../../activities/gates/api-contract';
import { NON_RETRYABLE_TOOL_FAILURES, runToolGate } from './tool-gate';

export type { ApiContractGateInput } from '../../activities/gates/api-contract';

const DEFAULT_TIMEOUT_MS = 20 * 60_000;

/**
 * API contract gate of the testing matrix (Schemathesis, on pull requests): runs every operation of the
 * target's OpenAPI document against `target.baseUrl` and blocks on any schema violation or server error.
 * An unreachable target is retried three times, 10 seconds apart at first, then gives an `error` verdict.
 */
export async function apiContractGate(input: ApiContractGateInput): Promise<GateVerdict> {
  const timeoutMs = input.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const { runApiContractTests } = proxyActivities<ApiContractGateActivities>({
    startToCloseTimeout: timeoutMs + 2 * 60_000,
    heartbeatTimeout: '1m',
    retry: {
      initialInterval: '10s',
      backoffCoefficient: 2,
      maximumInterval: '1m',
      maximumAttempts: 3,
      nonRetryableErrorTypes: NON_RETRYABLE_TOOL_FAILURES,
    },
  });
  return runToolGate('api-contract', () => runApiContractTests(input));
}
