import { createHash } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Runbook, ServiceRunbook } from '../../runbook/schema';
import { startOrSignalRemediation } from '../../webhook/temporal-dispatch';
import { remediationWorkflowId } from '../../workflows/remediation/ids';
import type { AlertRef } from '../../workflows/remediation/types';
import { FailureType } from '../errors';
import { activityLogger } from './activity-log';
import type {
  EtlWatchdogActivities,
  OverdueDagRun,
  RemediationStartOutcome,
  StartDagRunRemediationRequest,
  StartDagRunRemediationResult,
} from './watchdog-types';

export interface WatchdogActivityOptions {
  /** Temporal client the sagas are started with. */
  client: Client;
  /** Task queue of the remediation workers. */
  taskQueue: string;
  /** Base URL of the Temporal Web UI, for links in pages and messages. */
  webUiBaseUrl: string;
  /** The runbook the worker loaded; the saga gets the row from here, not from the schedule's input. */
  runbook: Runbook;
}

function shortHash(text: string, length: number): string {
  return createHash('sha256').update(text).digest('hex').slice(0, length);
}

/**
 * Turns a DAG run id such as `scheduled__2026-12-04T00:00:00+00:00` into the incident key of the saga's
 * workflow id. Characters other than letters, digits, `_`, `.` and `-` become `-`. When that changed the id,
 * a hash of the original is appended, so two run ids that differ only in such characters keep distinct keys.
 */
export function incidentKeyForRun(dagRunId: string): string {
  const safe = dagRunId.replace(/[^A-Za-z0-9_.-]/g, '-').slice(0, 120);
  return safe === dagRunId ? safe : `${safe}-${shortHash(dagRunId, 8)}`;
}

/** Builds the alert the watchdog raises for an overdue run, in the shape Alertmanager alerts arrive in. */
export function buildDagRunAlert(row: ServiceRunbook, run: OverdueDagRun, nowIso: string): AlertRef {
  const summary =
    `DAG run ${run.dagId}/${run.dagRunId} is overdue (${run.reason}): ` +
    `${Math.round(run.elapsedSeconds)} s against a threshold of ${run.budgetSeconds} s, state ${run.state}`;
  return {
    // Alertmanager fingerprints are 16 hex digits; this one is stable for the DAG run.
    fingerprint: shortHash(`${run.dagId}/${run.dagRunId}`, 16),
    // A run that never started counts from when it was queued.
    startsAt: run.startDate ?? run.queuedAt ?? nowIso,
    labels: { ...row.alertLabels, dag_id: run.dagId, dag_run_id: run.dagRunId },
    annotations: { summary, reason: run.reason },
  };
}

function findWatchdogRow(runbook: Runbook, serviceId: string): ServiceRunbook {
  const row = runbook.services.find((service) => service.id === serviceId);
  if (!row) {
    throw ApplicationFailure.nonRetryable(
      `service ${serviceId} is not in the worker's runbook; delete its watchdog schedule or restore the row`,
      FailureType.NotFound,
    );
  }
  if (row.trigger.source !== 'airflow-watchdog') {
    throw ApplicationFailure.nonRetryable(
      `service ${serviceId} has trigger source ${row.trigger.source}, not airflow-watchdog`,
      FailureType.InvalidRequest,
    );
  }
  return row;
}

/** Returns whether the workflow id has a run, open or closed, and whether that run is open. */
async function findRun(client: Client, workflowId: string): Promise<'none' | 'open' | 'closed'> {
  try {
    const description = await client.workflow.getHandle(workflowId).describe();
    return description.status.name === 'RUNNING' ? 'open' : 'closed';
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return 'none';
    throw error;
  }
}

/**
 * Creates the `startDagRunRemediation` activity, which starts one saga per overdue DAG run. The workflow id
 * carries the run id and is never reused. A later check of the same run therefore signals the open saga, and a
 * run whose saga has ended gets no second one.
 */
export function createWatchdogActivities(
  options: WatchdogActivityOptions,
): Pick<EtlWatchdogActivities, 'startDagRunRemediation'> {
  return {
    async startDagRunRemediation(request: StartDagRunRemediationRequest): Promise<StartDagRunRemediationResult> {
      const row = findWatchdogRow(options.runbook, request.serviceId);
      const incidentKey = incidentKeyForRun(request.run.dagRunId);
      const workflowId = remediationWorkflowId(row.id, incidentKey);
      const existing = await findRun(options.client, workflowId);
      let outcome: RemediationStartOutcome = existing === 'open' ? 'signaled' : 'started';
      if (existing === 'closed') {
        outcome = 'already-closed';
      } else {
        const alert = buildDagRunAlert(row, request.run, new Date().toISOString());
        try {
          await startOrSignalRemediation(options, row, alert, incidentKey);
        } catch (error) {
          // A saga for this run closed between the describe and the start; the id is not reused.
          if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
          outcome = 'already-closed';
        }
      }
      activityLogger()?.info('ETL watchdog handled an overdue DAG run', {
        serviceId: row.id,
        dagId: request.run.dagId,
        dagRunId: request.run.dagRunId,
        reason: request.run.reason,
        workflowId,
        outcome,
      });
      return { workflowId, outcome };
    },
  };
}
