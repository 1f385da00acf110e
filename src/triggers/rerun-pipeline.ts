import type { Client } from '@temporalio/client';
import type { GateName } from '../gates/contracts';
import type { gatePipeline } from '../workflows/gates/pipeline';
import { pipelineStatusQuery } from '../workflows/gates/pipeline-messages';
import { planPipeline } from '../workflows/gates/pipeline-plan';

export interface RerunOptions {
  /** Gates to run again; every gate that did not pass when absent. */
  gates?: GateName[];
}

export interface RerunResult {
  workflowId: string;
  runId: string;
  rerun: GateName[];
  reused: GateName[];
}

/** A re-run that cannot start, such as of a pipeline that is still running; the message gives the next step. */
export class RerunError extends Error {
  override name = 'RerunError';
}

/**
 * Re-runs gates of a finished pipeline as a new run under the same workflow id. The previous run's input and
 * verdicts come from its status query. Passing verdicts of the gates not re-run travel in `reuse`, so those
 * gates do not run again and the new run's verdict still covers every gate.
 */
export async function rerunPipeline(
  client: Client,
  workflowId: string,
  options: RerunOptions = {},
): Promise<RerunResult> {
  const handle = client.workflow.getHandle<typeof gatePipeline>(workflowId);
  const description = await handle.describe();
  if (description.status.name === 'RUNNING') {
    throw new RerunError(`pipeline ${workflowId} is still running; wait for its verdict, then re-run its gates`);
  }
  const previous = await handle.query(pipelineStatusQuery);
  const gates = planPipeline(previous.input).map((planned) => planned.gate);
  const unknown = (options.gates ?? []).filter((gate) => !gates.includes(gate));
  if (unknown.length > 0) {
    throw new RerunError(
      `pipeline ${workflowId} has no gates ${unknown.join(', ')}; its gates are ${gates.join(', ')}`,
    );
  }
  const passed = previous.gates.filter((gate) => gate.verdict?.status === 'pass');
  const rerun = options.gates ?? gates.filter((gate) => !passed.some((entry) => entry.gate === gate));
  if (rerun.length === 0) {
    throw new RerunError(`every gate of pipeline ${workflowId} passed; name the gates to run again`);
  }
  const reuse = passed.filter((entry) => !rerun.includes(entry.gate)).map((entry) => entry.verdict!);
  const started = await client.workflow.start<typeof gatePipeline>('gatePipeline', {
    workflowId,
    taskQueue: description.taskQueue,
    args: [{ ...previous.input, gates, reuse }],
    // The first run closed, and the webhook's REJECT_DUPLICATE applies to its own starts only.
    workflowIdReusePolicy: 'ALLOW_DUPLICATE',
    workflowIdConflictPolicy: 'FAIL',
    staticSummary: `re-run of ${rerun.join(', ')}`,
  });
  return { workflowId, runId: started.firstExecutionRunId, rerun, reused: reuse.map((verdict) => verdict.gate) };
}
