// Test-only stand-ins for the tool gates (unit tests, API contract, fuzzing), registered under the real
// workflow type names, so the pipeline tests can script each gate's outcome. Workflow code.
import { ApplicationFailure, condition, proxyActivities } from '@temporalio/workflow';
import type { GateName, GateTarget, GateVerdict } from '../../src/gates/contracts';

/** What a stub gate does: return that status, fail its workflow, or never finish. */
export type StubOutcome = 'pass' | 'block' | 'error' | 'fail' | 'hang';

export interface StubGateActivities {
  /** Returns the outcome the test scripted for this gate and commit. */
  scriptedGateOutcome(gate: GateName, headSha: string): Promise<StubOutcome>;
}

const { scriptedGateOutcome } = proxyActivities<StubGateActivities>({ startToCloseTimeout: '10s' });

async function stubGate(gate: GateName, input: { target: GateTarget }): Promise<GateVerdict> {
  const outcome = await scriptedGateOutcome(gate, input.target.headSha);
  if (outcome === 'fail') throw ApplicationFailure.nonRetryable(`stub ${gate} gate crashed`, 'StubCrash');
  if (outcome === 'hang') await condition(() => false);
  const findings =
    outcome === 'block'
      ? [{ gate, severity: 'high' as const, title: `stub ${gate} finding`, location: 'src/app.ts:1' }]
      : [];
  return {
    gate,
    status: outcome === 'hang' ? 'error' : outcome,
    summary: `stub ${gate}: ${outcome}`,
    findings,
    durationMs: 1,
  };
}

export async function unitTestGate(input: { target: GateTarget }): Promise<GateVerdict> {
  return stubGate('unit-tests', input);
}

export async function apiContractGate(input: { target: GateTarget }): Promise<GateVerdict> {
  return stubGate('api-contract', input);
}

export async function fuzzingGate(input: { target: GateTarget }): Promise<GateVerdict> {
  return stubGate('adversarial-fuzzing', input);
}
