import type { GateName, GateTarget, GateTrigger } from '../../gates/contracts';

/** Workflow type of each gate; the pipeline starts gates by these names. */
export const GATE_WORKFLOW_TYPES: Record<GateName, string> = {
  'unit-tests': 'unitTestGate',
  'api-contract': 'apiContractGate',
  'adversarial-fuzzing': 'fuzzingGate',
  sast: 'sastGate',
  dast: 'dastGate',
};

export const GATE_NAMES = Object.keys(GATE_WORKFLOW_TYPES) as GateName[];

export const GATE_TRIGGERS: readonly GateTrigger[] = ['pull_request', 'push', 'nightly', 'weekly', 'manual'];

const FULL_SHA = /^[0-9a-f]{40}$/i;

/** True for a full 40-character commit SHA, as opposed to a branch name that scheduled runs use. */
export function isFullSha(ref: string): boolean {
  return FULL_SHA.test(ref);
}

function sanitize(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '');
}

/** Names the repository in ids: `acme-shop` for `acme/shop`, else the last folder of the checkout path. */
export function repositorySlug(target: GateTarget): string {
  if (target.repository) return sanitize(target.repository);
  const folders = target.repositoryPath.split(/[\\/]+/).filter(Boolean);
  return sanitize(folders[folders.length - 1] ?? 'repository') || 'repository';
}

/** Shortens a commit SHA to 7 characters; a branch name stays whole. */
export function shortRef(ref: string): string {
  return isFullSha(ref) ? ref.slice(0, 7).toLowerCase() : sanitize(ref);
}

/**
 * Workflow id of a pipeline run, such as `pipeline-pull_request-acme-shop-<40-character sha>-base-1a2b3c4`. One
 * commit and trigger give one id, so duplicate webhook deliveries start one run. A pull request adds its base,
 * because the same head against another base has other new lines to cover. Manual runs add their gate list,
 * because two manual runs of one commit may check different gates.
 */
export function pipelineWorkflowId(trigger: GateTrigger, target: GateTarget, gates?: GateName[]): string {
  const ref = isFullSha(target.headSha) ? target.headSha.toLowerCase() : sanitize(target.headSha);
  const base = `pipeline-${trigger}-${repositorySlug(target)}-${ref}${baseSuffix(target)}`;
  return trigger === 'manual' && gates?.length ? `${base}-${[...gates].sort().join('+')}` : base;
}

/** `-base-<short sha>` for a target with a base commit, empty otherwise. */
function baseSuffix(target: GateTarget): string {
  return target.baseSha ? `-base-${shortRef(target.baseSha)}` : '';
}

/**
 * Workflow id of one gate run, such as `gate-sast-acme-shop-1a2b3c4-pull_request`. The trigger keeps the pull
 * request and the push pipelines of one commit from colliding while both run.
 */
export function gateWorkflowId(gate: GateName, target: GateTarget, trigger: GateTrigger): string {
  return `gate-${gate}-${repositorySlug(target)}-${shortRef(target.headSha)}${baseSuffix(target)}-${trigger}`;
}
