import { join } from 'node:path';
import assert from 'node:assert/strict';
import { ScheduleNotFoundError } from '@temporalio/client';
import { loadRunbook } from '../../src/runbook/load';
import type { Runbook } from '../../src/runbook/schema';
import { createWatchdogSchedules, watchdogScheduleId } from '../../src/starters/create-watchdog-schedule';
import { sharedTemporal } from '../support/temporal';

/** Loads the shipped runbook and replaces the ETL row's threshold. */
function runbookWithThreshold(threshold: number): Runbook {
  const runbook = structuredClone(loadRunbook(join(__dirname, '..', '..', 'config', 'runbook.yaml')));
  const row = runbook.services.find((service) => service.id === 'etl-pipeline')!;
  if (row.slo.indicator.type === 'airflow-dag-run') row.slo.indicator.threshold = threshold;
  return runbook;
}

describe('watchdog schedule', function () {
  this.timeout(60_000);
  const scheduleId = watchdogScheduleId('etl-pipeline');

  after(async () => {
    const { client } = await sharedTemporal();
    try {
      await client.schedule.getHandle(scheduleId).delete();
    } catch (error) {
      if (!(error instanceof ScheduleNotFoundError)) throw error;
    }
  });

  it('creates, keeps and updates the schedule', async () => {
    const { client } = await sharedTemporal();
    const taskQueue = 'watchdog-schedule-test';

    const created = await createWatchdogSchedules({ client, runbook: runbookWithThreshold(900), taskQueue });
    const again = await createWatchdogSchedules({ client, runbook: runbookWithThreshold(900), taskQueue });
    const changed = await createWatchdogSchedules({ client, runbook: runbookWithThreshold(600), taskQueue });

    assert.deepEqual(created, [{ scheduleId, outcome: 'created' }]);
    assert.deepEqual(again, [{ scheduleId, outcome: 'unchanged' }]);
    assert.deepEqual(changed, [{ scheduleId, outcome: 'updated' }]);
    const description = await client.schedule.getHandle(scheduleId).describe();
    assert.equal(description.policies.overlap, 'SKIP');
    assert.deepEqual(
      description.spec.intervals?.map((interval) => interval.every),
      [60_000],
    );
    assert.equal(description.action.workflowType, 'etlWatchdog');
    assert.equal(description.action.taskQueue, taskQueue);
    assert.deepEqual(description.action.args, [
      { targets: [{ serviceId: 'etl-pipeline', dagId: 'etl_daily', maxRunDurationSeconds: 600 }] },
    ]);
  });
});
