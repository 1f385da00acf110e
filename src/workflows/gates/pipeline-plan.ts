import { ApplicationFailure } from '@temporalio/workflow';
import type { GateName, GateTrigger, GateVerdict } from '../../gates/contracts';
import { GATE_NAMES, GATE_TRIGGERS } from './pipeline-ids';
import type { GatePipelineInput } from './pipeline-types';

/** Gates each trigger runs when the input names none, after the testing matrix. */
export const TRIGGER_GATES: Record<GateTrigger, GateName[]> = {
  pull_request: ['unit-tests', 'api-contract', 'sast'],
  push: ['sast'],
  nightly: ['adversarial-fuzzing'],
  weekly: ['dast'],
  manual: [],
};

/**
 * Maximum run time of each gate workflow, in milliseconds. A gate that passes it, or that never starts because no
 * worker registers its type, ends as an `error` verdict instead of holding the pipeline open.
 */
export const GATE_TIMEOUTS_MS: Record<GateName, number> = {
  'unit-tests': 60 * 60_000,
  'api-contract': 60 * 60_000,
  'adversarial-fuzzing': 4 * 60 * 60_000,
  sast: 60 * 60_000,
  dast: 6 * 60 * 60_000,
};

export interface PlannedGate {
  gate: GateName;
  /** A passing verdict of an earlier run, used in place of running the gate again. */
  reused?: GateVerdict;
}

function invalidInput(message: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(`invalid pipeline input: ${message}`, 'InvalidRequest');
}

function gatesOf(input: GatePipelineInput): GateName[] {
  if (!GATE_TRIGGERS.includes(input.trigger)) {
    throw invalidInput(`trigger "${input.trigger}" is not one of ${GATE_TRIGGERS.join(', ')}`);
  }
  const gates = input.gates?.length ? input.gates : TRIGGER_GATES[input.trigger];
  if (gates.length === 0) throw invalidInput('a manual run needs a gates list, such as ["sast"]');
  const unknown = gates.filter((gate) => !GATE_NAMES.includes(gate));
  if (unknown.length > 0) throw invalidInput(`unknown gates ${unknown.join(', ')}; known: ${GATE_NAMES.join(', ')}`);
  return [...new Set(gates)];
}

/**
 * Lists the gates a pipeline run checks, in order, and which of them reuse a passing verdict of an earlier
 * run. Throws a non-retryable failure for input that names no gates or unknown ones.
 */
export function planPipeline(input: GatePipelineInput): PlannedGate[] {
  if (!input.target?.repositoryPath || !input.target.headSha) {
    throw invalidInput('target.repositoryPath and target.headSha are required');
  }
  return gatesOf(input).map((gate) => {
    const reused = input.reuse?.find((verdict) => verdict.gate === gate && verdict.status === 'pass');
    return reused ? { gate, reused } : { gate };
  });
}
