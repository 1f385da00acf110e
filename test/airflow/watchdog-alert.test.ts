import { join } from 'node:path';
import assert from 'node:assert/strict';
import { buildDagRunAlert, incidentKeyForRun } from '../../src/activities/airflow/start-remediation';
import type { OverdueDagRun } from '../../src/activities/airflow/watchdog-types';
import { loadRunbook } from '../../src/runbook/load';

const row = loadRunbook(join(__dirname, '..', '..', 'config', 'runbook.yaml')).services.find(
  (service) => service.id === 'etl-pipeline',
)!;

function overdueRun(fields: Partial<OverdueDagRun>): OverdueDagRun {
  return {
    dagId: 'etl_daily',
    dagRunId: 'scheduled__2026-12-04T00:00:00+00:00',
    state: 'running',
    startDate: '2026-12-04T00:00:03Z',
    endDate: null,
    durationSeconds: 1000,
    reason: 'running-too-long',
    queuedAt: '2026-12-04T00:00:01Z',
    budgetSeconds: 900,
    elapsedSeconds: 1000,
    ...fields,
  };
}

describe('ETL watchdog alert', () => {
  it('labels the alert with the row and the run', () => {
    const alert = buildDagRunAlert(row, overdueRun({}), '2026-12-04T00:20:00Z');

    assert.deepEqual(alert.labels, {
      service: 'etl-pipeline',
      dag_id: 'etl_daily',
      dag_run_id: 'scheduled__2026-12-04T00:00:00+00:00',
    });
    assert.equal(alert.startsAt, '2026-12-04T00:00:03Z');
    assert.match(alert.fingerprint, /^[0-9a-f]{16}$/);
    assert.match(alert.annotations.summary!, /running-too-long\): 1000 s against a threshold of 900 s/);
  });

  it('keeps the fingerprint per run', () => {
    const first = buildDagRunAlert(row, overdueRun({}), '2026-12-04T00:20:00Z');
    const again = buildDagRunAlert(row, overdueRun({ elapsedSeconds: 1060 }), '2026-12-04T00:21:00Z');
    const other = buildDagRunAlert(row, overdueRun({ dagRunId: 'manual__x' }), '2026-12-04T00:21:00Z');

    assert.equal(first.fingerprint, again.fingerprint);
    assert.notEqual(first.fingerprint, other.fingerprint);
  });

  it('starts a never-started run at its queue time', () => {
    const alert = buildDagRunAlert(row, overdueRun({ state: 'queued', startDate: null }), '2026-12-04T00:20:00Z');

    assert.equal(alert.startsAt, '2026-12-04T00:00:01Z');
  });

  it('sanitises run ids into incident keys', () => {
    assert.equal(incidentKeyForRun('manual_run.1-a'), 'manual_run.1-a');
    const key = incidentKeyForRun('scheduled__2026-12-04T00:00:00+00:00');
    assert.match(key, /^scheduled__2026-12-04T00-00-00-00-00-[0-9a-f]{8}$/);
    assert.notEqual(incidentKeyForRun('a:b'), incidentKeyForRun('a+b'));
  });
});
