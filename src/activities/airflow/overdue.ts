import { secondsBetween, toDagRunStatus, type AirflowDagRun } from './dag-run';
import type { OverdueDagRun } from './watchdog-types';

/** States of runs that can still become overdue; finished runs are judged by the saga, not the watchdog. */
export const UNFINISHED_STATES = ['queued', 'running'];

/**
 * Judges one unfinished run against the threshold. The SLO is end to end, so time spent queued counts as well
 * as run time. Backfill runs are skipped: they re-process past intervals and wait behind max_active_runs by
 * design, so their queue time does not measure the pipeline's SLO.
 */
export function judgeOverdue(run: AirflowDagRun, budgetSeconds: number, nowMs: number): OverdueDagRun | undefined {
  if (run.runType === 'backfill' || !UNFINISHED_STATES.includes(run.state)) return undefined;
  const status = toDagRunStatus(run, nowMs);
  const overdue = (reason: OverdueDagRun['reason'], elapsedSeconds: number): OverdueDagRun => ({
    ...status,
    reason,
    queuedAt: run.queuedAt,
    budgetSeconds,
    elapsedSeconds,
  });

  const runTime = run.state === 'running' ? secondsBetween(run.startDate, nowMs) : null;
  if (runTime !== null && runTime > budgetSeconds) return overdue('running-too-long', runTime);
  const sinceQueued = secondsBetween(run.queuedAt, nowMs);
  if (sinceQueued === null || sinceQueued <= budgetSeconds) return undefined;
  return overdue(run.state === 'queued' ? 'queued-too-long' : 'end-to-end-exceeded', sinceQueued);
}
