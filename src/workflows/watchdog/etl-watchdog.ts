import { ActivityFailure, ApplicationFailure, log } from '@temporalio/workflow';
import type { EtlWatchdogInput, EtlWatchdogResult, WatchdogTarget } from '../../activities/airflow/watchdog-types';
import { airflow, dispatch } from './activities';

/**
 * Checks each target's DAG for runs past the row's threshold and starts one remediation saga per overdue run.
 * A Temporal Schedule runs it every `checkEvery`. A target whose check fails does not stop the others; the run
 * fails at the end so the failure shows in the schedule's recent actions.
 */
export async function etlWatchdog(input: EtlWatchdogInput): Promise<EtlWatchdogResult> {
  const result: EtlWatchdogResult = { overdue: 0, started: [], failedTargets: [] };
  for (const target of input.targets) {
    try {
      await checkTarget(target, result);
    } catch (error) {
      const message = describeError(error);
      log.warn('ETL watchdog check failed', { serviceId: target.serviceId, dagId: target.dagId, error: message });
      result.failedTargets.push({ serviceId: target.serviceId, error: message });
    }
  }
  if (result.failedTargets.length > 0) {
    const services = result.failedTargets.map((failed) => failed.serviceId).join(', ');
    throw ApplicationFailure.nonRetryable(`ETL watchdog check failed for ${services}`, 'WatchdogCheckFailed', result);
  }
  return result;
}

async function checkTarget(target: WatchdogTarget, result: EtlWatchdogResult): Promise<void> {
  const overdue = await airflow.findOverdueDagRuns({
    dagIds: [target.dagId],
    maxRunDurationSeconds: target.maxRunDurationSeconds,
  });
  result.overdue += overdue.length;
  for (const run of overdue) {
    const started = await dispatch.startDagRunRemediation({ serviceId: target.serviceId, run });
    if (started.outcome === 'started') result.started.push(started.workflowId);
  }
}

/** Returns the message of an activity failure's cause, because its own message is only `Activity task failed`. */
function describeError(error: unknown): string {
  if (error instanceof ActivityFailure && error.cause) return error.cause.message;
  return error instanceof Error ? error.message : String(error);
}
