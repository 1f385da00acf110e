import { createHash } from 'node:crypto';
import type { RestartDagRunRequest, RestartDagRunResult } from '../contracts';
import type { AirflowClient } from './client';
import { FINISHED_STATES } from './dag-run';

/** Characters Airflow accepts in a run id by default (`[scheduler] allowed_run_id_pattern`, 2.x and 3.x). */
const RUN_ID_UNSAFE = /[^A-Za-z0-9_.~:+-]/g;

/**
 * Derives the id of the replacement run from the incident and the aborted run, so every retry of the restart
 * names the same run. The hash of the aborted run id keeps two runs restarted under one incident id apart.
 */
export function restartRunId(incidentId: string, abortedRunId: string): string {
  const suffix = createHash('sha256').update(abortedRunId).digest('hex').slice(0, 8);
  return `slo_restart__${incidentId.replace(RUN_ID_UNSAFE, '-')}__${suffix}`;
}

/**
 * Marks the stuck run failed, which makes Airflow stop its running tasks, and triggers a replacement with the
 * same conf. A run that already finished is left as it is. The replacement is a manual run not tied to the old
 * run's data interval, because Airflow (2.x and 3.3) allows one run per DAG and logical date.
 */
export async function restartDagRun(
  client: AirflowClient,
  request: RestartDagRunRequest,
): Promise<RestartDagRunResult> {
  const newRunId = restartRunId(request.incidentId, request.dagRunId);
  const run = await client.getDagRun(request);
  if (!FINISHED_STATES.has(run.state)) await client.setDagRunState(request, 'failed');
  const outcome = await client.triggerDagRun(request.dagId, {
    dagRunId: newRunId,
    conf: run.conf,
    // Airflow 3.3 stores notes in a column of 1000 characters.
    note: `Started by SLO remediation incident ${request.incidentId} in place of run ${request.dagRunId}.`.slice(
      0,
      1000,
    ),
  });
  return { abortedRunId: request.dagRunId, newRunId, alreadyApplied: outcome === 'exists' };
}
