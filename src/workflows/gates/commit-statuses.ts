import { log, workflowInfo } from '@temporalio/workflow';
import type { CommitState } from '../../activities/gates/github/types';
import type { GateName, GateStatus } from '../../gates/contracts';
import { gitHub } from './github-activities';
import { describeGateFailure } from './failure-summary';
import { isFullSha } from './pipeline-ids';
import type { GatePipelineInput } from './pipeline-types';

/** Commit status state of each gate status: `error` keeps a broken tool apart from a real finding. */
export const COMMIT_STATES: Record<GateStatus, CommitState> = {
  pass: 'success',
  block: 'failure',
  error: 'error',
};

/** Context of a gate's commit status, such as `slo-autopilot/sast`. */
export function statusContext(gate: GateName): string {
  return `slo-autopilot/${gate}`;
}

/** Link to a gate run in the Temporal Web UI, or undefined without commit statuses. */
export function runUrl(input: GatePipelineInput, workflowId: string, runId: string): string | undefined {
  if (!input.commitStatus) return undefined;
  const base = input.commitStatus.webUiBaseUrl.replace(/\/+$/, '');
  const namespace = encodeURIComponent(workflowInfo().namespace);
  return `${base}/namespaces/${namespace}/workflows/${encodeURIComponent(workflowId)}/${encodeURIComponent(runId)}/history`;
}

/**
 * Sets the commit status of one gate, when the input requests statuses and names a GitHub repository and a full
 * commit SHA. A status that cannot be set is logged and skipped: GitHub being down must not change a verdict.
 */
export async function reportCommitStatus(
  input: GatePipelineInput,
  gate: GateName,
  state: CommitState,
  description: string,
  targetUrl: string | undefined,
): Promise<void> {
  const { repository, headSha } = input.target;
  if (!input.commitStatus || !repository || !isFullSha(headSha)) return;
  try {
    await gitHub.reportCommitStatus({
      repository,
      sha: headSha,
      state,
      context: statusContext(gate),
      description,
      targetUrl,
    });
  } catch (error) {
    log.warn('Commit status not set', { gate, state, repository, sha: headSha, error: describeGateFailure(error) });
  }
}
