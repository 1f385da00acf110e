import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { gatePipeline } from '../workflows/gates/pipeline';
import { pipelineWorkflowId, repositorySlug, shortRef } from '../workflows/gates/pipeline-ids';
import type { GatePipelineInput } from '../workflows/gates/pipeline-types';

export interface PipelineStarter {
  client: Client;
  /** Task queue of the gate workers, ci-gates unless configured otherwise. */
  taskQueue: string;
}

export interface StartedPipeline {
  workflowId: string;
  runId: string;
  /** False when a run with this id existed already, such as for a duplicate webhook delivery. */
  started: boolean;
}

/**
 * Starts a pipeline under its deterministic workflow id. The id rejects duplicates even after the first run
 * closed, so a redelivered webhook or a second push of the same commit joins the existing run. The result
 * then names that run with `started: false`.
 */
export async function startPipeline(
  starter: PipelineStarter,
  input: GatePipelineInput,
  memo: Record<string, string> = {},
): Promise<StartedPipeline> {
  const workflowId = pipelineWorkflowId(input.trigger, input.target, input.gates);
  try {
    const handle = await starter.client.workflow.start<typeof gatePipeline>('gatePipeline', {
      workflowId,
      taskQueue: starter.taskQueue,
      args: [input],
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      workflowIdConflictPolicy: 'FAIL',
      memo,
      staticSummary: `${input.trigger} gates of ${repositorySlug(input.target)}@${shortRef(input.target.headSha)}`,
    });
    return { workflowId, runId: handle.firstExecutionRunId, started: true };
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    const existing = await starter.client.workflow.getHandle(workflowId).describe();
    return { workflowId, runId: existing.runId, started: false };
  }
}
