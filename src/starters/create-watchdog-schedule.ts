import { Client, Connection, ScheduleAlreadyRunning, type ScheduleOptions } from '@temporalio/client';
import { isDeepStrictEqual } from 'node:util';
import type { EtlWatchdogInput } from '../activities/airflow/watchdog-types';
import { parseEnv, webhookEnvSchema } from '../config/env';
import { createLogger } from '../logging';
import { loadRunbook } from '../runbook/load';
import type { Runbook, ServiceRunbook } from '../runbook/schema';
import { etlWatchdog } from '../workflows/watchdog/etl-watchdog';

export interface WatchdogScheduleOptions {
  client: Client;
  runbook: Runbook;
  /** Task queue of the worker that runs etlWatchdog and its activities. */
  taskQueue: string;
}

/** `created`: the schedule was new. `updated`: its interval or targets differed from the runbook. */
export type ScheduleOutcome = 'created' | 'updated' | 'unchanged';

/** Schedule id of a row's watchdog, such as `watchdog-etl-pipeline`. */
export function watchdogScheduleId(serviceId: string): string {
  return `watchdog-${serviceId}`;
}

/** Builds the watchdog's input for one airflow-watchdog row. */
export function watchdogInputFor(row: ServiceRunbook): EtlWatchdogInput {
  const indicator = row.slo.indicator;
  if (indicator.type !== 'airflow-dag-run') {
    throw new Error(`service ${row.id} has a ${indicator.type} indicator; the ETL watchdog needs airflow-dag-run`);
  }
  return { targets: [{ serviceId: row.id, dagId: indicator.dagId, maxRunDurationSeconds: indicator.threshold }] };
}

/**
 * Builds the schedule of one row. Overlap SKIP keeps one check at a time. A check is cut off after the interval
 * (at least a minute), because the next check repeats it. After a server outage, only checks missed within the
 * last interval run late; Temporal rejects a catchup window under 10 s.
 */
export function watchdogSchedule(row: ServiceRunbook, checkEveryMs: number, taskQueue: string): ScheduleOptions {
  const scheduleId = watchdogScheduleId(row.id);
  return {
    scheduleId,
    spec: { intervals: [{ every: checkEveryMs }] },
    action: {
      type: 'startWorkflow',
      workflowType: etlWatchdog,
      workflowId: scheduleId,
      taskQueue,
      args: [watchdogInputFor(row)],
      workflowExecutionTimeout: Math.max(checkEveryMs, 60_000),
    },
    policies: { overlap: 'SKIP', catchupWindow: Math.max(checkEveryMs, 10_000) },
  };
}

/**
 * Creates the schedule of each airflow-watchdog row unless it exists. An existing schedule whose interval,
 * task queue or targets differ from the runbook is updated, so a changed threshold takes effect.
 */
export async function createWatchdogSchedules(
  options: WatchdogScheduleOptions,
): Promise<{ scheduleId: string; outcome: ScheduleOutcome }[]> {
  const results: { scheduleId: string; outcome: ScheduleOutcome }[] = [];
  for (const row of options.runbook.services) {
    if (row.trigger.source !== 'airflow-watchdog') continue;
    const schedule = watchdogSchedule(row, row.trigger.checkEvery, options.taskQueue);
    results.push({ scheduleId: schedule.scheduleId, outcome: await createOrUpdate(options.client, schedule) });
  }
  return results;
}

async function createOrUpdate(client: Client, schedule: ScheduleOptions): Promise<ScheduleOutcome> {
  try {
    await client.schedule.create(schedule);
    return 'created';
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
  }
  const handle = client.schedule.getHandle(schedule.scheduleId);
  const current = await handle.describe();
  const expected = schedule.action;
  const unchanged =
    current.action.taskQueue === expected.taskQueue &&
    isDeepStrictEqual(current.action.args, expected.args) &&
    isDeepStrictEqual(
      current.spec.intervals?.map((interval) => interval.every),
      schedule.spec.intervals?.map((interval) => interval.every),
    );
  if (unchanged) return 'unchanged';
  await handle.update((previous) => ({
    ...previous,
    spec: schedule.spec,
    action: expected,
    policies: schedule.policies,
  }));
  return 'updated';
}

async function main(): Promise<void> {
  const logger = createLogger('watchdog-schedule');
  const env = parseEnv(
    webhookEnvSchema.pick({
      TEMPORAL_ADDRESS: true,
      TEMPORAL_NAMESPACE: true,
      TEMPORAL_TASK_QUEUE: true,
      RUNBOOK_FILE: true,
    }),
    process.env,
  );
  const runbook = loadRunbook(env.RUNBOOK_FILE);
  const connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS });
  try {
    const client = new Client({ connection, namespace: env.TEMPORAL_NAMESPACE });
    const results = await createWatchdogSchedules({ client, runbook, taskQueue: env.TEMPORAL_TASK_QUEUE });
    for (const result of results) logger.info(result, 'Watchdog schedule checked');
    if (results.length === 0) logger.warn({ runbook: env.RUNBOOK_FILE }, 'The runbook has no airflow-watchdog row');
  } finally {
    await connection.close();
  }
}

if (require.main === module) {
  main().catch((error) => {
    createLogger('watchdog-schedule').fatal({ err: error }, 'Creating the watchdog schedules failed');
    process.exit(1);
  });
}
