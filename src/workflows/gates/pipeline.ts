import {
  CancellationScope,
  isCancellation,
  log,
  setHandler,
  startChild,
  type ChildWorkflowHandle,
  type Workflow,
} from '@temporalio/workflow';
import type { GateVerdict, PipelineVerdict } from '../../gates/contracts';
import { COMMIT_STATES, reportCommitStatus, runUrl } from './commit-statuses';
import { describeGateFailure } from './failure-summary';
import { GATE_WORKFLOW_TYPES, gateWorkflowId, repositorySlug, shortRef } from './pipeline-ids';
import { pipelineStatusQuery } from './pipeline-messages';
import { GATE_TIMEOUTS_MS, planPipeline, type PlannedGate } from './pipeline-plan';
import type { GatePipelineInput, GateRunStatus, PipelineStatus } from './pipeline-types';
import { combineStatuses, errorVerdict } from './verdict-helpers';

/**
 * Runs the gates of one trigger as child workflows, all at once, and returns one verdict with every finding.
 * A gate whose workflow fails, times out or is cancelled by someone else counts as `error`, which blocks. With
 * `commitStatus` set, each gate's state goes to GitHub as a commit status: pending when it starts, then its
 * result. Passing verdicts in `reuse` stand in for their gates, which is how a re-run skips what passed.
 */
export async function gatePipeline(input: GatePipelineInput): Promise<PipelineVerdict> {
  const plan = planPipeline(input);
  const status: PipelineStatus = {
    input,
    gates: plan.map(({ gate, reused }) =>
      reused ? { gate, state: 'reused', verdict: reused } : { gate, state: 'waiting' },
    ),
  };
  setHandler(pipelineStatusQuery, () => status);

  const verdicts = await Promise.all(
    plan.map((planned, index) => planned.reused ?? runGate(input, planned, status.gates[index]!)),
  );
  status.status = combineStatuses(verdicts.map((verdict) => verdict.status));
  log.info('Pipeline finished', {
    status: status.status,
    gates: verdicts.map((verdict) => `${verdict.gate}=${verdict.status}`).join(' '),
  });
  return { status: status.status, verdicts };
}

async function runGate(
  input: GatePipelineInput,
  planned: PlannedGate,
  gateStatus: GateRunStatus,
): Promise<GateVerdict> {
  const { gate } = planned;
  const startedAt = Date.now();
  const workflowId = gateWorkflowId(gate, input.target, input.trigger);
  gateStatus.workflowId = workflowId;
  let handle: ChildWorkflowHandle<Workflow>;
  try {
    handle = await startChild(GATE_WORKFLOW_TYPES[gate], {
      workflowId,
      args: [{ ...input.gateOptions?.[gate], target: input.target }],
      workflowExecutionTimeout: input.gateTimeoutsMs?.[gate] ?? GATE_TIMEOUTS_MS[gate],
      // Cancelling the pipeline cancels its gates, so that the scan activities can stop their scans.
      parentClosePolicy: 'REQUEST_CANCEL',
      staticSummary: `${gate} gate of ${repositorySlug(input.target)}@${shortRef(input.target.headSha)} (${input.trigger})`,
    });
  } catch (error) {
    if (isCancellation(error)) throw error;
    const verdict = errorVerdict(
      gate,
      `gate workflow ${workflowId} did not start: ${describeGateFailure(error)}`,
      startedAt,
    );
    return finish(input, gateStatus, verdict, undefined);
  }

  gateStatus.state = 'running';
  gateStatus.runId = handle.firstExecutionRunId;
  const link = runUrl(input, workflowId, handle.firstExecutionRunId);
  const pending = reportCommitStatus(input, gate, 'pending', `${gate} gate running`, link);
  const verdict = await awaitVerdict(planned, handle, workflowId, startedAt);
  // The pending status must reach GitHub before the result, or a late pending would hide the result.
  await pending;
  return finish(input, gateStatus, verdict, link);
}

async function awaitVerdict(
  planned: PlannedGate,
  handle: ChildWorkflowHandle<Workflow>,
  workflowId: string,
  startedAt: number,
): Promise<GateVerdict> {
  try {
    const result: unknown = await handle.result();
    if (isVerdict(result)) return { ...result, gate: planned.gate };
    return errorVerdict(planned.gate, `gate workflow ${workflowId} returned no verdict`, startedAt);
  } catch (error) {
    if (isCancellation(error) && CancellationScope.current().consideredCancelled) throw error;
    return errorVerdict(planned.gate, `gate workflow ${workflowId} failed: ${describeGateFailure(error)}`, startedAt);
  }
}

function isVerdict(value: unknown): value is GateVerdict {
  const verdict = value as Partial<GateVerdict> | null;
  return (
    typeof verdict === 'object' &&
    verdict !== null &&
    (verdict.status === 'pass' || verdict.status === 'block' || verdict.status === 'error') &&
    typeof verdict.summary === 'string' &&
    Array.isArray(verdict.findings)
  );
}

async function finish(
  input: GatePipelineInput,
  gateStatus: GateRunStatus,
  verdict: GateVerdict,
  link: string | undefined,
): Promise<GateVerdict> {
  gateStatus.state = 'done';
  gateStatus.verdict = verdict;
  await reportCommitStatus(input, verdict.gate, COMMIT_STATES[verdict.status], verdict.summary, link);
  return verdict;
}
