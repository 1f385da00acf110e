import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { DagRunStatus, WaitForDagRunRequest } from '../contracts';
import { FailureType } from '../errors';
import type { AirflowClient } from './client';
import { toDagRunStatus } from './dag-run';

/**
 * Polls the run until it succeeds, heartbeating its state on each poll. Fails as DagRunFailed when Airflow
 * reports it failed, and as CompletionTimeout once the request's deadline passes; both are non-retryable.
 */
export async function waitForDagRun(
  client: AirflowClient,
  request: WaitForDagRunRequest,
  pollIntervalMs: number,
): Promise<DagRunStatus> {
  const context = Context.current();
  const name = `${request.dagId}/${request.dagRunId}`;
  for (;;) {
    const status = toDagRunStatus(await client.getDagRun(request), Date.now());
    if (status.state === 'success') return status;
    if (status.state === 'failed') {
      throw ApplicationFailure.nonRetryable(
        `DAG run ${name} failed after ${status.durationSeconds ?? 0} s; see its task logs in Airflow`,
        FailureType.DagRunFailed,
        status,
      );
    }
    if (Date.now() >= request.deadline) {
      throw ApplicationFailure.nonRetryable(
        `DAG run ${name} did not finish by ${new Date(request.deadline).toISOString()}: still ${status.state}`,
        FailureType.CompletionTimeout,
        status,
      );
    }
    context.heartbeat({ state: status.state });
    await context.sleep(Math.min(pollIntervalMs, Math.max(0, request.deadline - Date.now())));
  }
}
