import assert from 'node:assert/strict';
import { createAirflowActivities, type AirflowActivities } from '../../src/activities/airflow';
import { restartRunId } from '../../src/activities/airflow/restart';
import { FailureType } from '../../src/activities/errors';
import { assertFailure } from '../activities/assert-failure';
import { AirflowStandIn } from './airflow-stand-in';

const RUNNING = 'v1/dag-run-running.json';
const SCHEDULED_RUN = 'scheduled__2026-12-03T00:00:00+00:00';

describe('Airflow client /api/v1', () => {
  let airflow: AirflowStandIn;
  let activities: AirflowActivities;

  beforeEach(async () => {
    airflow = await AirflowStandIn.start('v1');
    activities = createAirflowActivities({
      baseUrl: `${airflow.baseUrl}/`,
      apiVersion: 'v1',
      usernameEnv: 'AIRFLOW_USER',
      passwordEnv: 'AIRFLOW_PASSWORD',
      env: { AIRFLOW_USER: 'slo', AIRFLOW_PASSWORD: 'pw-secret-1' },
      fetchTimeoutMs: 2000,
    });
  });

  afterEach(async () => {
    await airflow.close();
  });

  it('reads a run with basic auth', async () => {
    airflow.addRun(RUNNING, {});

    const status = await activities.readDagRun({ dagId: 'etl_daily', dagRunId: SCHEDULED_RUN });

    assert.equal(status.state, 'running');
    assert.equal(status.startDate, '2026-12-04T00:00:02.118201+00:00');
    assert.equal(airflow.requestsTo('POST', '/auth/token').length, 0);
    const expected = `Basic ${Buffer.from('slo:pw-secret-1').toString('base64')}`;
    assert.equal(airflow.requestsTo('GET', '/api/v1/dags')[0]?.headers.authorization, expected);
  });

  it('counts a scheduled run from its data interval end', async () => {
    const dueSecondsAgo = 120;
    const due = new Date(Date.now() - dueSecondsAgo * 1000).toISOString();
    const dayBefore = new Date(Date.now() - (86_400 + dueSecondsAgo) * 1000).toISOString();
    airflow.addRun(RUNNING, {
      logical_date: dayBefore,
      data_interval_end: due,
      start_date: new Date(Date.now() - 30_000).toISOString(),
    });

    const overdue = await activities.findOverdueDagRuns({ dagIds: ['etl_daily'], maxRunDurationSeconds: 60 });

    assert.equal(overdue.length, 1);
    assert.equal(overdue[0]?.reason, 'end-to-end-exceeded');
    assert.equal(overdue[0]?.queuedAt, due);
    assert.ok(overdue[0]!.elapsedSeconds >= dueSecondsAgo, String(overdue[0]?.elapsedSeconds));
  });

  it('restarts without a logical date', async () => {
    airflow.addRun(RUNNING, {});
    const request = { incidentId: 'etl-pipeline-20261204T000002Z', dagId: 'etl_daily', dagRunId: SCHEDULED_RUN };

    const first = await activities.restartDagRun(request);
    const second = await activities.restartDagRun(request);

    assert.equal(first.newRunId, restartRunId(request.incidentId, SCHEDULED_RUN));
    assert.equal(first.alreadyApplied, false);
    assert.equal(second.alreadyApplied, true);
    const trigger = JSON.parse(airflow.requestsTo('POST', '/api/v1/dags/etl_daily/dagRuns')[0]!.body);
    assert.equal('logical_date' in trigger, false);
    assert.deepEqual(trigger.conf, { hang: true });
  });

  it('fails a missing run with the problem detail', async () => {
    await assertFailure(activities.readDagRun({ dagId: 'etl_daily', dagRunId: 'nope' }), {
      nonRetryable: true,
      type: FailureType.NotFound,
      includes: ['GET /api/v1/dags/etl_daily/dagRuns/nope', "DagRun ID: 'nope' not found"],
    });
  });

  it('fails a rejected login without retrying', async () => {
    const wrong = createAirflowActivities({
      baseUrl: airflow.baseUrl,
      apiVersion: 'v1',
      usernameEnv: 'U',
      passwordEnv: 'P',
      env: { U: 'slo', P: 'not-the-password' },
    });

    await assertFailure(wrong.readDagRun({ dagId: 'etl_daily', dagRunId: SCHEDULED_RUN }), {
      nonRetryable: true,
      type: FailureType.Forbidden,
      includes: ['HTTP 401', 'Unauthorized'],
      excludes: ['not-the-password'],
    });
    assert.equal(airflow.stub.requests.length, 1);
  });
});
