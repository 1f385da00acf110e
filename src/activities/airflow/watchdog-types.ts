// Request and result shapes of the ETL watchdog and its activities. Types only, so the watchdog workflow can
// import them without pulling Node.js modules into its bundle.
import type { DagRunStatus } from '../contracts';

/**
 * Why a DAG run counts as overdue, each measured against the row's threshold:
 * - `running-too-long`: the run has been running longer than the threshold.
 * - `queued-too-long`: the run was queued longer than the threshold ago and has not started (missed SLA).
 * - `end-to-end-exceeded`: the run started late, and queue wait plus run time exceed the threshold (missed SLA).
 */
export type OverdueReason = 'running-too-long' | 'queued-too-long' | 'end-to-end-exceeded';

export interface OverdueDagRun extends DagRunStatus {
  reason: OverdueReason;
  /** When the run was queued; see AirflowDagRun.queuedAt for Airflow 2.x. */
  queuedAt: string | null;
  /** The threshold the run exceeded, in seconds. */
  budgetSeconds: number;
  /** Seconds counted against the threshold: run time for running-too-long, time since queued otherwise. */
  elapsedSeconds: number;
}

export interface FindOverdueDagRunsRequest {
  dagIds: string[];
  /** The row's threshold: longest acceptable time from queued to finished, in seconds. */
  maxRunDurationSeconds: number;
}

/** One airflow-watchdog row as the watchdog checks it. */
export interface WatchdogTarget {
  serviceId: string;
  dagId: string;
  maxRunDurationSeconds: number;
}

export interface EtlWatchdogInput {
  targets: WatchdogTarget[];
}

export interface StartDagRunRemediationRequest {
  serviceId: string;
  run: OverdueDagRun;
}

/**
 * `started`: this call started the saga. `signaled`: the saga for this DAG run was open, and the call sent it
 * another firing signal. `already-closed`: the saga for this DAG run has ended, and none is started again.
 */
export type RemediationStartOutcome = 'started' | 'signaled' | 'already-closed';

export interface StartDagRunRemediationResult {
  workflowId: string;
  outcome: RemediationStartOutcome;
}

export interface EtlWatchdogResult {
  /** Overdue runs found, over all targets. */
  overdue: number;
  /** Sagas this check started. */
  started: string[];
  /** Targets whose check failed, with the reason; the other targets were still checked. */
  failedTargets: { serviceId: string; error: string }[];
}

/** Activities the ETL watchdog schedules, by name. */
export interface EtlWatchdogActivities {
  findOverdueDagRuns(request: FindOverdueDagRunsRequest): Promise<OverdueDagRun[]>;
  startDagRunRemediation(request: StartDagRunRemediationRequest): Promise<StartDagRunRemediationResult>;
}
