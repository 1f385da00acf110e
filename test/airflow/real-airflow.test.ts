import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { Worker } from '@temporalio/worker';
import { AirflowClient, createAirflowActivities, createWatchdogActivities } from '../../src/activities/airflow';
import { incidentKeyForRun } from '../../src/activities/airflow/start-remediation';
import type { EtlWatchdogInput, OverdueDagRun } from '../../src/activities/airflow/watchdog-types';
import { loadRunbook } from '../../src/runbook/load';
import { AirflowServer, defaultAirflowVenv, hasAirflow } from '../../src/stack/airflow';
import { proportionalSetSizeKiB } from '../../src/stack/process-tree';
import { remediationWorkflowId } from '../../src/workflows/remediation/ids';
import { etlWatchdog } from '../../src/workflows/watchdog/etl-watchdog';
import { sharedTemporal } from '../support/temporal';
import { FAILING_SAGA_ACTIVITIES } from './saga-stubs';

const CREDENTIALS = { AIRFLOW_TEST_USER: 'slo-test', AIRFLOW_TEST_PASSWORD: 'airflow-test-password-1' };
const BUDGET_SECONDS = 5;
const TASK_QUEUE = 'airflow-watchdog-test';

function airflowMissing(): string | undefined {
  if (hasAirflow(defaultAirflowVenv())) return undefined;
  return `no Airflow in ${defaultAirflowVenv()}: run scripts/install-airflow.sh`;
}

/** Calls `find` until it returns the runs named in `runIds`, for at most `timeoutMs`. */
async function waitForOverdue(
  find: () => Promise<OverdueDagRun[]>,
  runIds: string[],
  timeoutMs: number,
): Promise<OverdueDagRun[]> {
  const deadline = Date.now() + timeoutMs;
  let overdue = await find();
  while (!runIds.every((id) => overdue.some((run) => run.dagRunId === id)) && Date.now() < deadline) {
    await delay(500);
    overdue = await find();
  }
  return overdue;
}

describe('ETL row against a real Airflow', function () {
  this.timeout(300_000);
  let stateDir: string;
  let airflow: AirflowServer;
  let client: AirflowClient;
  let activities: ReturnType<typeof createAirflowActivities>;
  let worker: Worker | undefined;
  let running: Promise<void> | undefined;
  const stamp = Date.now().toString(36);
  const stuckRun = `stuck-${stamp}`;
  const otherRun = `other-${stamp}`;
  const incidentId = `etl-pipeline-test-${stamp}`;

  before(async function () {
    const missing = airflowMissing();
    if (missing && process.env.AIRFLOW_TESTS !== 'required') {
      console.log(`    skipped: ${missing}; set AIRFLOW_TESTS=required to fail instead`);
      this.skip();
    }
    stateDir = mkdtempSync(join(tmpdir(), 'airflow-test-'));
    const started = Date.now();
    airflow = await AirflowServer.start({
      stateDir,
      dagsFolder: join(__dirname, '..', 'fixtures', 'airflow', 'dags'),
      username: CREDENTIALS.AIRFLOW_TEST_USER,
      password: CREDENTIALS.AIRFLOW_TEST_PASSWORD,
      waitForDags: ['etl_daily'],
    });
    console.log(`    Airflow ready in ${((Date.now() - started) / 1000).toFixed(1)} s at ${airflow.baseUrl}`);
    const options = {
      baseUrl: airflow.baseUrl,
      apiVersion: 'v2' as const,
      usernameEnv: 'AIRFLOW_TEST_USER',
      passwordEnv: 'AIRFLOW_TEST_PASSWORD',
      env: CREDENTIALS,
    };
    client = new AirflowClient(options);
    activities = createAirflowActivities(options);
  });

  after(async () => {
    await terminateOpenSagas();
    if (worker) {
      worker.shutdown();
      await running;
    }
    if (airflow) {
      console.log(
        `    Airflow memory (PSS) before stop: ${(proportionalSetSizeKiB(airflow.processTree()) / 1024).toFixed(0)} MiB`,
      );
      await airflow.stop(2000);
    }
    if (stateDir) rmSync(stateDir, { recursive: true, force: true });
  });

  /** Ends the sagas this test started that are still open, so they do not outlive the worker. */
  async function terminateOpenSagas(): Promise<void> {
    const { client } = await sharedTemporal();
    const query = `WorkflowType = 'remediationSaga' AND ExecutionStatus = 'Running' AND WorkflowId STARTS_WITH 'slo-remediation-etl-pipeline-'`;
    for await (const execution of client.workflow.list({ query })) {
      if (execution.workflowId.includes(stamp))
        await client.workflow.getHandle(execution.workflowId).terminate('test ended');
    }
  }

  it('finds a hanging run past a 5 s budget', async () => {
    await client.triggerDagRun('etl_daily', { dagRunId: stuckRun, conf: { hang: true }, note: 'test' });
    await client.triggerDagRun('etl_daily', { dagRunId: otherRun, conf: { hang: true }, note: 'test' });

    const find = () => activities.findOverdueDagRuns({ dagIds: ['etl_daily'], maxRunDurationSeconds: BUDGET_SECONDS });
    const overdue = await waitForOverdue(find, [stuckRun, otherRun], 60_000);

    const stuck = overdue.find((run) => run.dagRunId === stuckRun);
    assert.ok(stuck, `run ${stuckRun} not reported overdue: ${JSON.stringify(overdue)}`);
    assert.ok(['running-too-long', 'end-to-end-exceeded', 'queued-too-long'].includes(stuck.reason), stuck.reason);
    assert.ok(stuck.elapsedSeconds > BUDGET_SECONDS);
    assert.equal(stuck.budgetSeconds, BUDGET_SECONDS);
  });

  it('restarts the hanging run once', async () => {
    const request = { incidentId, dagId: 'etl_daily', dagRunId: stuckRun };

    const first = await activities.restartDagRun(request);
    const second = await activities.restartDagRun(request);

    assert.equal(first.alreadyApplied, false);
    assert.equal(second.alreadyApplied, true);
    assert.equal(second.newRunId, first.newRunId);
    assert.equal((await activities.readDagRun(request)).state, 'failed');
    const replacement = await client.getDagRun({ dagId: 'etl_daily', dagRunId: first.newRunId });
    assert.ok(['queued', 'running'].includes(replacement.state), replacement.state);
    assert.deepEqual(replacement.conf, { hang: true });
  });

  it('starts one saga per overdue run when run twice', async () => {
    const temporal = await sharedTemporal();
    const runbook = loadRunbook(join(__dirname, '..', '..', 'config', 'runbook.yaml'));
    worker = await Worker.create({
      connection: temporal.nativeConnection,
      taskQueue: TASK_QUEUE,
      workflowsPath: require.resolve('./watchdog-workflows'),
      // The saga's activities fail at once: this test checks how many sagas start, not what they do.
      activities: {
        ...FAILING_SAGA_ACTIVITIES,
        findOverdueDagRuns: activities.findOverdueDagRuns,
        ...createWatchdogActivities({
          client: temporal.client,
          taskQueue: TASK_QUEUE,
          webUiBaseUrl: 'http://127.0.0.1:8233',
          runbook,
        }),
      },
    });
    running = worker.run();
    const input: EtlWatchdogInput = {
      targets: [{ serviceId: 'etl-pipeline', dagId: 'etl_daily', maxRunDurationSeconds: BUDGET_SECONDS }],
    };
    // The replacement run hangs too, because it copies the conf {hang: true}, so it is the second overdue run next to otherRun.
    const replacementRun = (await activities.restartDagRun({ incidentId, dagId: 'etl_daily', dagRunId: stuckRun }))
      .newRunId;
    const find = () => activities.findOverdueDagRuns({ dagIds: ['etl_daily'], maxRunDurationSeconds: BUDGET_SECONDS });
    const overdue = await waitForOverdue(find, [otherRun, replacementRun], 60_000);
    const overdueIds = overdue.map((run) => run.dagRunId).sort();
    assert.deepEqual(overdueIds, [otherRun, replacementRun].sort());

    const first = await temporal.client.workflow.execute(etlWatchdog, {
      taskQueue: TASK_QUEUE,
      workflowId: `etl-watchdog-test-${stamp}-1`,
      args: [input],
    });
    const second = await temporal.client.workflow.execute(etlWatchdog, {
      taskQueue: TASK_QUEUE,
      workflowId: `etl-watchdog-test-${stamp}-2`,
      args: [input],
    });

    const sagaIds = overdueIds.map((runId) => remediationWorkflowId('etl-pipeline', incidentKeyForRun(runId)));
    assert.equal(first.overdue, 2);
    assert.deepEqual([...first.started].sort(), [...sagaIds].sort());
    assert.equal(second.overdue, 2);
    assert.deepEqual(second.started, []);
    for (const workflowId of sagaIds) {
      const executions = [];
      for await (const execution of temporal.client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) {
        executions.push(execution);
      }
      assert.equal(executions.length, 1, `${workflowId} has ${executions.length} executions`);
      assert.equal(executions[0]?.type, 'remediationSaga');
      const description = await temporal.client.workflow.getHandle(workflowId).describe();
      assert.equal(description.runId, executions[0]?.runId);
    }
  });
});
