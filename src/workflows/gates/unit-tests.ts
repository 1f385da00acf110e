import { proxyActivities } from '@temporalio/workflow';
import type { GateVerdict } from '../../gates/contracts';
import type { UnitTestGateActivities, UnitTestGateInput } from '../../activities/gates/unit-tests';
import { NON_RETRYABLE_TOOL_FAILURES, runToolGate } from './tool-gate';

export type { UnitTestGateInput } from '../../activities/gates/unit-tests';

const DEFAULT_RUNNER_TIMEOUT_MS = 15 * 60_000;

/**
 * Unit-test gate of the testing matrix (Jest and PyTest, on pull requests): blocks on any failed test and on
 * line coverage of the lines the change adds below 100%, as diff-cover measures it. Without `target.baseSha`
 * (pushes and schedules) all-line coverage is reported for information and only failed tests block, because there
 * is no change to measure.
 */
export async function unitTestGate(input: UnitTestGateInput): Promise<GateVerdict> {
  const runnerTimeoutMs = input.runnerTimeoutMs ?? DEFAULT_RUNNER_TIMEOUT_MS;
  // Both runners may run, each up to its deadline. git, report parsing and diff-cover, which has a deadline of
  // 2 minutes per coverage report, fit in the extra minutes.
  const { runUnitTests } = proxyActivities<UnitTestGateActivities>({
    startToCloseTimeout: 2 * runnerTimeoutMs + 10 * 60_000,
    heartbeatTimeout: '1m',
    retry: {
      initialInterval: '5s',
      backoffCoefficient: 2,
      maximumInterval: '1m',
      maximumAttempts: 3,
      nonRetryableErrorTypes: NON_RETRYABLE_TOOL_FAILURES,
    },
  });
  return runToolGate('unit-tests', () => runUnitTests(input));
}
