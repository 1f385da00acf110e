import assert from 'node:assert/strict';
import { createAirflowActivities, type AirflowActivities } from '../../src/activities/airflow';
import { restartRunId } from '../../src/activities/airflow/restart';
import type { DagRunStatus, WaitForDagRunRequest } from '../../src/activities/contracts';
import { FailureType } from '../../src/activities/errors';
import { activityEnvironment } from '../activities/activity-environment';
import { assertFailure } from '../activities/assert-failure';
import { AirflowStandIn } from './airflow-stand-in';
import { errorFixture } from './fixtures';

const RUNNING = 'v2/dag-run-running.json';
const PASSWORD = 'pw-secret-1';

function secondsAgo(seconds: number): string {
  return new Date(Date.now() - seconds * 1000).toISOString();
}

describe('Airflow client /api/v2', () => {
  let airflow: AirflowStandIn;
  let activities: AirflowActivities;

  beforeEach(async () => {
    airflow = await AirflowStandIn.start('v2');
    activities = createAirflowActivities({
      baseUrl: airflow.baseUrl,
      apiVersion: 'v2',
      usernameEnv: 'AIRFLOW_USER',
      passwordEnv: 'AIRFLOW_PASSWORD',
      env: { AIRFLOW_USER: 'slo', AIRFLOW_PASSWORD: PASSWORD },
      pageSize: 2,
      pollIntervalMs: 50,
      fetchTimeoutMs: 2000,
    });
  });

  afterEach(async () => {
    await airflow.close();
  });

  it('reads a running run end to end', async () => {
    const queuedAt = secondsAgo(40);
    airflow.addRun(RUNNING, { dag_run_id: 'run-1', queued_at: queuedAt, start_date: secondsAgo(30) });

    const status = await activities.readDagRun({ dagId: 'etl_daily', dagRunId: 'run-1' });

    assert.equal(status.state, 'running');
    assert.equal(status.endDate, null);
    assert.equal(status.queuedAt, queuedAt);
    assert.ok(status.durationSeconds! >= 40, String(status.durationSeconds));
    assert.ok(status.durationSeconds! < 50, String(status.durationSeconds));
  });

  it('reads a finished run end to end', async () => {
    airflow.addRun('v2/dag-run-failed.json', { dag_run_id: 'run-1' });

    const status = await activities.readDagRun({ dagId: 'etl_daily', dagRunId: 'run-1' });

    assert.equal(status.state, 'failed');
    // queued_at 16:45:13.291126 to end_date 16:45:17.664988 in the fixture.
    assert.ok(Math.abs(status.durationSeconds! - 4.373862) < 0.001, String(status.durationSeconds));
  });

  it('encodes run ids in the URL path', async () => {
    airflow.addRun(RUNNING, {});

    const status = await activities.readDagRun({ dagId: 'etl_daily', dagRunId: 'manual__2026-12-04T10:00:00+00:00' });

    assert.equal(status.dagRunId, 'manual__2026-12-04T10:00:00+00:00');
    assert.equal(
      airflow.requestsTo('GET', '/api/v2/dags')[0]?.url,
      '/api/v2/dags/etl_daily/dagRuns/manual__2026-12-04T10%3A00%3A00%2B00%3A00',
    );
  });

  it('requests one token and reuses it', async () => {
    airflow.addRun(RUNNING, { dag_run_id: 'run-1' });

    await Promise.all([1, 2, 3].map(() => activities.readDagRun({ dagId: 'etl_daily', dagRunId: 'run-1' })));
    await activities.readDagRun({ dagId: 'etl_daily', dagRunId: 'run-1' });

    const tokenRequests = airflow.requestsTo('POST', '/auth/token');
    assert.equal(tokenRequests.length, 1);
    assert.deepEqual(JSON.parse(tokenRequests[0]!.body), { username: 'slo', password: PASSWORD });
    assert.match(String(airflow.requestsTo('GET', '/api/v2')[0]?.headers.authorization), /^Bearer /);
  });

  it('renews a token before its exp', async () => {
    airflow.addRun(RUNNING, { dag_run_id: 'run-1' });
    // Two seconds of lifetime: the client renews at half of it, one second before exp.
    airflow.tokenLifetimeMs = 2000;

    await activities.readDagRun({ dagId: 'etl_daily', dagRunId: 'run-1' });
    await new Promise((resolve) => setTimeout(resolve, 1200));
    await activities.readDagRun({ dagId: 'etl_daily', dagRunId: 'run-1' });

    assert.equal(airflow.requestsTo('POST', '/auth/token').length, 2);
  });

  it('renews a token Airflow rejects as expired', async () => {
    airflow.addRun(RUNNING, { dag_run_id: 'run-1' });
    await activities.readDagRun({ dagId: 'etl_daily', dagRunId: 'run-1' });
    airflow.validTokens.clear();

    const status = await activities.readDagRun({ dagId: 'etl_daily', dagRunId: 'run-1' });

    assert.equal(status.state, 'running');
    assert.equal(airflow.requestsTo('POST', '/auth/token').length, 2);
  });

  it('renews a token signed with an old key', async () => {
    airflow.addRun(RUNNING, { dag_run_id: 'run-1' });
    airflow.inject('/api/v2/dags', { status: 403, body: errorFixture('v2', '403-invalid-token') });

    const status = await activities.readDagRun({ dagId: 'etl_daily', dagRunId: 'run-1' });

    assert.equal(status.state, 'running');
    assert.equal(airflow.requestsTo('POST', '/auth/token').length, 2);
  });

  it('renews only once per request', async () => {
    airflow.inject('/api/v2/dags', { status: 401, body: errorFixture('v2', '401-token-expired') });
    airflow.inject('/api/v2/dags', { status: 401, body: errorFixture('v2', '401-token-expired') });

    await assertFailure(activities.readDagRun({ dagId: 'etl_daily', dagRunId: 'run-1' }), {
      nonRetryable: true,
      type: FailureType.Forbidden,
      includes: ['GET /api/v2/dags/etl_daily/dagRuns/run-1', 'HTTP 401', 'Token Expired'],
    });
    assert.equal(airflow.requestsTo('POST', '/auth/token').length, 2);
    assert.equal(airflow.requestsTo('GET', '/api/v2').length, 2);
  });

  it('rejects a wrong password without naming it', async () => {
    const wrong = createAirflowActivities({
      baseUrl: airflow.baseUrl,
      apiVersion: 'v2',
      usernameEnv: 'AIRFLOW_USER',
      passwordEnv: 'AIRFLOW_PASSWORD',
      env: { AIRFLOW_USER: 'slo', AIRFLOW_PASSWORD: 'not-the-password' },
    });

    await assertFailure(wrong.readDagRun({ dagId: 'etl_daily', dagRunId: 'run-1' }), {
      nonRetryable: true,
      type: FailureType.Forbidden,
      includes: ['POST /auth/token', 'HTTP 401', 'Invalid credentials'],
      excludes: ['not-the-password'],
    });
  });

  it('names a missing credential variable', async () => {
    const missing = createAirflowActivities({
      baseUrl: airflow.baseUrl,
      apiVersion: 'v2',
      usernameEnv: 'AIRFLOW_USER',
      passwordEnv: 'AIRFLOW_PASSWORD',
      env: { AIRFLOW_USER: 'slo' },
    });

    await assertFailure(missing.readDagRun({ dagId: 'etl_daily', dagRunId: 'run-1' }), {
      nonRetryable: true,
      type: FailureType.MissingSecret,
      includes: ['AIRFLOW_PASSWORD'],
    });
    assert.equal(airflow.stub.requests.length, 0);
  });

  it('fails a missing run as NotFound with the detail', async () => {
    await assertFailure(activities.readDagRun({ dagId: 'etl_daily', dagRunId: 'nope' }), {
      nonRetryable: true,
      type: FailureType.NotFound,
      includes: ['GET /api/v2/dags/etl_daily/dagRuns/nope', 'HTTP 404', 'was not found'],
    });
  });

  it('fails a validation error as InvalidRequest with its field', async () => {
    airflow.inject('/api/v2/dags', { status: 422, body: errorFixture('v2', '422-trigger') });

    await assertFailure(activities.readDagRun({ dagId: 'etl_daily', dagRunId: 'run-1' }), {
      nonRetryable: true,
      type: FailureType.InvalidRequest,
      includes: ['HTTP 422', 'body.logical_date: Field required'],
    });
  });

  it('retries server errors without leaking the token', async () => {
    await activities.findOverdueDagRuns({ dagIds: ['etl_daily'], maxRunDurationSeconds: 60 });
    const token = String(airflow.requestsTo('GET', '/api/v2')[0]?.headers.authorization).slice('Bearer '.length);
    airflow.inject('/api/v2/dags', { status: 503, body: { detail: `upstream rejected Bearer ${token}` } });

    await assertFailure(activities.readDagRun({ dagId: 'etl_daily', dagRunId: 'run-1' }), {
      nonRetryable: false,
      type: FailureType.Transient,
      includes: ['HTTP 503', '[redacted]'],
      excludes: [token],
    });
  });

  it('retries a refused connection', async () => {
    const baseUrl = airflow.baseUrl;
    await airflow.close();
    const offline = createAirflowActivities({
      baseUrl,
      apiVersion: 'v2',
      usernameEnv: 'U',
      passwordEnv: 'P',
      env: { U: 'slo', P: PASSWORD },
    });

    await assertFailure(offline.readDagRun({ dagId: 'etl_daily', dagRunId: 'run-1' }), {
      nonRetryable: false,
      type: FailureType.Transient,
      includes: ['POST /auth/token', 'ECONNREFUSED'],
      excludes: [PASSWORD],
    });
    airflow = await AirflowStandIn.start('v2');
  });

  it('rejects a body without the documented fields', async () => {
    airflow.inject('/api/v2/dags', { status: 200, body: { dag_run_id: 'run-1' } });

    await assertFailure(activities.readDagRun({ dagId: 'etl_daily', dagRunId: 'run-1' }), {
      nonRetryable: true,
      type: FailureType.InvalidResponse,
      includes: ['GET /api/v2/dags/etl_daily/dagRuns/run-1', 'state'],
    });
  });

  it('finds overdue runs across pages', async () => {
    airflow.addRun(RUNNING, { dag_run_id: 'long', queued_at: secondsAgo(100), start_date: secondsAgo(95) });
    airflow.addRun(RUNNING, { dag_run_id: 'late', queued_at: secondsAgo(70), start_date: secondsAgo(20) });
    airflow.addRun(RUNNING, { dag_run_id: 'fresh', queued_at: secondsAgo(10), start_date: secondsAgo(9) });
    airflow.addRun('v2/dag-run-queued.json', { dag_run_id: 'stuck-queue', queued_at: secondsAgo(80) });
    airflow.addRun(RUNNING, { dag_run_id: 'backfill', run_type: 'backfill', queued_at: secondsAgo(500) });
    airflow.addRun('v2/dag-run-failed.json', { dag_run_id: 'done', queued_at: secondsAgo(900) });

    const overdue = await activities.findOverdueDagRuns({ dagIds: ['etl_daily'], maxRunDurationSeconds: 60 });

    const reasons = Object.fromEntries(overdue.map((run) => [run.dagRunId, run.reason]));
    assert.deepEqual(reasons, {
      long: 'running-too-long',
      late: 'end-to-end-exceeded',
      'stuck-queue': 'queued-too-long',
    });
    const pages = airflow.requestsTo('GET', '/api/v2/dags/etl_daily/dagRuns?');
    assert.equal(pages.length, 3);
    assert.match(pages[0]!.url, /state=queued&state=running/);
    assert.match(pages[2]!.url, /offset=4/);
    const long = overdue.find((run) => run.dagRunId === 'long')!;
    assert.equal(long.budgetSeconds, 60);
    assert.ok(long.elapsedSeconds >= 95, String(long.elapsedSeconds));
  });

  it('restarts a run with a deterministic id', async () => {
    airflow.addRun(RUNNING, { dag_run_id: 'stuck', conf: { hang: true, day: '2026-12-04' } });
    const request = { incidentId: 'etl-pipeline-20261204T101500Z', dagId: 'etl_daily', dagRunId: 'stuck' };

    const first = await activities.restartDagRun(request);
    const second = await activities.restartDagRun(request);

    const newRunId = restartRunId(request.incidentId, 'stuck');
    assert.deepEqual(first, { abortedRunId: 'stuck', newRunId, alreadyApplied: false });
    assert.deepEqual(second, { abortedRunId: 'stuck', newRunId, alreadyApplied: true });
    assert.equal(airflow.runs.get('etl_daily/stuck')?.state, 'failed');
    const patches = airflow.requestsTo('PATCH', '/api/v2/dags/etl_daily/dagRuns/stuck');
    assert.equal(patches.length, 1, 'a failed run is not patched again');
    assert.deepEqual(JSON.parse(patches[0]!.body), { state: 'failed' });
    const trigger = JSON.parse(airflow.requestsTo('POST', '/api/v2/dags/etl_daily/dagRuns')[0]!.body);
    assert.equal(trigger.dag_run_id, newRunId);
    assert.equal(trigger.logical_date, null);
    assert.deepEqual(trigger.conf, { hang: true, day: '2026-12-04' });
    assert.match(trigger.note, /incident etl-pipeline-20261204T101500Z in place of run stuck/);
  });

  it('waits for a run to succeed', async () => {
    const run = airflow.addRun(RUNNING, { dag_run_id: 'new', start_date: secondsAgo(1) });
    setTimeout(() => Object.assign(run, { state: 'success', end_date: new Date().toISOString() }), 200);
    const env = activityEnvironment();
    const heartbeats: unknown[] = [];
    env.on('heartbeat', (details: unknown) => heartbeats.push(details));

    const status = await env.run<[WaitForDagRunRequest], DagRunStatus, AirflowActivities['waitForDagRun']>(
      activities.waitForDagRun,
      { dagId: 'etl_daily', dagRunId: 'new', deadline: Date.now() + 10_000 },
    );

    assert.equal(status.state, 'success');
    assert.ok(heartbeats.length >= 1);
    assert.deepEqual(heartbeats[0], { state: 'running' });
  });

  it('fails the wait when the run fails', async () => {
    airflow.addRun('v2/dag-run-failed.json', { dag_run_id: 'new' });

    await assertFailure(
      activityEnvironment().run(activities.waitForDagRun, {
        dagId: 'etl_daily',
        dagRunId: 'new',
        deadline: Date.now() + 10_000,
      }),
      { nonRetryable: true, type: FailureType.DagRunFailed, includes: ['etl_daily/new failed'] },
    );
  });

  it('fails the wait at the deadline', async () => {
    airflow.addRun(RUNNING, { dag_run_id: 'new' });

    await assertFailure(
      activityEnvironment().run(activities.waitForDagRun, {
        dagId: 'etl_daily',
        dagRunId: 'new',
        deadline: Date.now() + 300,
      }),
      { nonRetryable: true, type: FailureType.CompletionTimeout, includes: ['etl_daily/new', 'still running'] },
    );
  });
});
