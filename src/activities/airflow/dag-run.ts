import type { DagRunStatus } from '../contracts';
import type { DagRunV1, DagRunV2 } from './api-schemas';

/** A DAG run in the terms both API versions share. Timestamps are ISO 8601 strings as Airflow sent them. */
export interface AirflowDagRun {
  dagId: string;
  dagRunId: string;
  /** queued, running, success or failed. */
  state: string;
  /** scheduled, manual, backfill and so on; null when the response omits it. */
  runType: string | null;
  /**
   * When the run was queued, the start of its end-to-end time. Airflow 3 reports queued_at. Airflow 2.x does not, so the later of logical_date and data_interval_end is used instead. That is the trigger time of a
   * manual run and the time a scheduled run became due.
   */
  queuedAt: string | null;
  startDate: string | null;
  endDate: string | null;
  conf: Record<string, unknown> | null;
}

export function fromV2(run: DagRunV2): AirflowDagRun {
  return {
    dagId: run.dag_id,
    dagRunId: run.dag_run_id,
    state: run.state,
    runType: run.run_type,
    queuedAt: run.queued_at ?? run.run_after ?? null,
    startDate: run.start_date,
    endDate: run.end_date,
    conf: run.conf ?? null,
  };
}

export function fromV1(run: DagRunV1): AirflowDagRun {
  return {
    dagId: run.dag_id,
    dagRunId: run.dag_run_id,
    state: run.state,
    runType: run.run_type ?? null,
    queuedAt: latest(run.logical_date ?? null, run.data_interval_end ?? null),
    startDate: run.start_date,
    endDate: run.end_date,
    conf: run.conf ?? null,
  };
}

function latest(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return Date.parse(a) >= Date.parse(b) ? a : b;
}

/** States after which Airflow no longer changes a run by itself. */
export const FINISHED_STATES: ReadonlySet<string> = new Set(['success', 'failed']);

/** Seconds from `from` to `to`, or null when `from` is unknown. */
export function secondsBetween(from: string | null, to: number): number | null {
  if (from === null) return null;
  const start = Date.parse(from);
  return Number.isNaN(start) ? null : Math.max(0, (to - start) / 1000);
}

/**
 * Converts a run to the contract's status. The duration is end to end, as the SLO counts it: from queueing (or
 * from the start when the queue time is unknown) to now while the run is active, and to its end once finished.
 */
export function toDagRunStatus(run: AirflowDagRun, nowMs: number): DagRunStatus {
  const end = run.endDate !== null && FINISHED_STATES.has(run.state) ? Date.parse(run.endDate) : nowMs;
  return {
    dagId: run.dagId,
    dagRunId: run.dagRunId,
    state: run.state,
    queuedAt: run.queuedAt,
    startDate: run.startDate,
    endDate: run.endDate,
    durationSeconds: secondsBetween(run.queuedAt ?? run.startDate, end),
  };
}
