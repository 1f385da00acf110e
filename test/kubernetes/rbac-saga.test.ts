import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api } from '@kubernetes/client-node';
import { Worker } from '@temporalio/worker';
import { parse, stringify } from 'yaml';
import { createChatActivities } from '../../src/activities/chat/slack-webhook';
import type { IncidentRecord, IndicatorReading, IndicatorRequest } from '../../src/activities/contracts';
import { FailureType } from '../../src/activities/errors';
import { createIncidentLogActivities } from '../../src/activities/incident-log';
import { createKubernetesActivities } from '../../src/activities/kubernetes';
import { createPagingActivities } from '../../src/activities/paging/pagerduty';
import { parseRunbook } from '../../src/runbook/load';
import type { ServiceRunbook } from '../../src/runbook/schema';
import { startOrSignalRemediation } from '../../src/webhook/temporal-dispatch';
import type { remediationSaga } from '../../src/workflows';
import { HttpStub } from '../activities/http-stub';
import {
  createDeployment,
  deleteNamespace,
  imageOf,
  loadKubeConfigFrom,
  readDeploymentOf,
  setImage,
  type DeploymentFixture,
} from '../support/kubernetes';
import { sharedTemporal } from '../support/temporal';
import { adminKubeConfig, bindWorkerRole } from './cluster';

const RUNBOOK = join(__dirname, '../../config/runbook.yaml');

/**
 * Copies the shipped GenAI API row (services[0] of config/runbook.yaml) with its own id, alert labels and
 * deployment namespace, and windows and acknowledgement timeouts short enough for a test. The copy goes through
 * the runbook schema, as the worker's runbook does.
 */
function genaiRowFor(id: string, namespace: string): ServiceRunbook {
  const runbook = parse(readFileSync(RUNBOOK, 'utf8'));
  const row = runbook.services[0];
  row.id = id;
  row.alertLabels = { service: id };
  row.deployment = { namespace, name: 'genai-api' };
  row.verify = { completionTimeout: '30s', window: '1s' };
  for (const level of row.escalation.levels) level.ackTimeout = '1s';
  return parseRunbook(stringify({ version: 1, services: [row] }), `${RUNBOOK} services[0], copied`).services[0]!;
}

/** Creates a measureIndicator stand-in for Prometheus that reports a breach on every read and records each request. */
function breachedIndicator(requests: IndicatorRequest[]) {
  return async (request: IndicatorRequest): Promise<IndicatorReading> => {
    requests.push(request);
    return { value: 0.4, query: request.query, evaluatedAt: new Date().toISOString() };
  };
}

describe('remediation saga without RBAC in the namespace', function () {
  this.timeout(180_000);
  const suffix = randomBytes(3).toString('hex');
  const serviceId = `rbac-saga-${suffix}`;
  // The worker role is bound in some other namespace of this test, but not in the Deployment's.
  const unboundNamespace = `rbac-saga-unbound-${suffix}`;
  const boundNamespace = `rbac-saga-bound-${suffix}`;
  let fixture: DeploymentFixture | undefined;
  let pagerDuty: HttpStub | undefined;
  let slack: HttpStub | undefined;
  let worker: Worker | undefined;
  let running: Promise<void> | undefined;

  after(async () => {
    worker?.shutdown();
    await running;
    await pagerDuty?.close();
    await slack?.close();
    if (fixture) await deleteNamespace(fixture);
    const core = adminKubeConfig().makeApiClient(CoreV1Api);
    await core.deleteNamespace({ name: boundNamespace }).catch(() => undefined);
  });

  it('escalates a forbidden rollback', async () => {
    const admin = adminKubeConfig();
    fixture = await createDeployment(admin, unboundNamespace, 'genai-api', 'genai:v1');
    await setImage(fixture, 'genai:v2');
    const workerKubeConfig = loadKubeConfigFrom(await bindWorkerRole([boundNamespace]));

    pagerDuty = await HttpStub.start((request) => ({
      status: 202,
      body: { status: 'success', message: 'Event processed', dedup_key: JSON.parse(request.body).dedup_key },
    }));
    slack = await HttpStub.start(() => ({ status: 200, body: 'ok' }));
    const secrets = {
      PAGERDUTY_ROUTING_KEY_SRE: 'routing-key-sre-0000000000000000',
      PAGERDUTY_ROUTING_KEY_ML_OPS: 'routing-key-mlops-00000000000000',
      PAGERDUTY_ROUTING_KEY_SRE_MANAGERS: 'routing-key-managers-00000000000',
      SLACK_WEBHOOK_URL_STAKEHOLDERS: `${slack.baseUrl}/services/T000/B000/XXXX`,
    };
    const indicatorRequests: IndicatorRequest[] = [];
    const incidentLogDir = mkdtempSync(join(tmpdir(), 'slo-rbac-incidents-'));
    const temporal = await sharedTemporal();
    const taskQueue = `rbac-saga-${suffix}`;
    worker = await Worker.create({
      connection: temporal.nativeConnection,
      taskQueue,
      workflowsPath: require.resolve('../../src/workflows'),
      // Only the activities a GenAI API run schedules, so the worker needs no Airflow, Redis or GitHub settings.
      activities: {
        ...createKubernetesActivities({ kubeConfig: workerKubeConfig, rolloutPollIntervalMs: 250 }),
        ...createPagingActivities({ eventsUrl: `${pagerDuty.baseUrl}/v2/enqueue`, env: secrets }),
        ...createChatActivities({ env: secrets }),
        ...createIncidentLogActivities({ dir: incidentLogDir }),
        measureIndicator: breachedIndicator(indicatorRequests),
      },
    });
    running = worker.run();
    const row = genaiRowFor(serviceId, unboundNamespace);
    const alert = {
      fingerprint: `fp-${serviceId}`,
      startsAt: '2026-12-04T10:15:00.000Z',
      labels: { alertname: 'SloBreach', service: serviceId },
      annotations: {},
    };
    const dispatch = { client: temporal.client, taskQueue, webUiBaseUrl: 'http://127.0.0.1:8233' };

    const { workflowId } = await startOrSignalRemediation(dispatch, row, alert);
    const handle = temporal.client.workflow.getHandle<typeof remediationSaga>(workflowId);
    const result = await handle.result();

    const events = result.timeline.map((entry) => entry.event);
    assert.equal(result.outcome, 'escalated', events.join('\n'));
    assert.equal(result.reason, 'kubernetes.rollback failed');
    const forbidden = events.find((event) => event.startsWith('kubernetes.rollback failed:'));
    assert.ok(forbidden, events.join('\n'));
    assert.match(forbidden, /HTTP 403/);
    assert.match(forbidden, /cannot get resource "deployments" in API group "apps"/);
    assert.ok(forbidden.includes(`in the namespace "${unboundNamespace}"`), forbidden);
    assert.equal(indicatorRequests.length, 1);

    // Level 1 pages SRE and ML Ops. The test acknowledges no page within the 1s ackTimeout, so level 2 pages the
    // SRE managers.
    const incidentId = `${serviceId}-20261204T101500Z`;
    const pages = pagerDuty.requests.map((request) => JSON.parse(request.body));
    assert.deepEqual(pages.map((page) => page.dedup_key).sort(), [
      `${incidentId}/ml-ops`,
      `${incidentId}/sre`,
      `${incidentId}/sre-managers`,
    ]);
    for (const page of pages) assert.match(page.payload.summary, /kubernetes\.rollback failed/);
    assert.ok(
      pages[0].payload.custom_details.timeline.some((line: string) => line.includes('cannot get resource')),
      JSON.stringify(pages[0].payload.custom_details.timeline),
    );
    assert.equal(slack.requests.length, 1);

    // Forbidden is non-retryable, so the rollback ran once and the scale-up after it never ran.
    const history = (await handle.fetchHistory()).events ?? [];
    const scheduledIdsOf = (activity: string) =>
      history
        .filter((event) => event.activityTaskScheduledEventAttributes?.activityType?.name === activity)
        .map((event) => String(event.eventId));
    const rollbackIds = scheduledIdsOf('rollbackDeployment');
    assert.equal(rollbackIds.length, 1);
    const ofRollback = (scheduledEventId: unknown) => String(scheduledEventId) === rollbackIds[0];
    const started = history.find((event) => ofRollback(event.activityTaskStartedEventAttributes?.scheduledEventId));
    assert.equal(started?.activityTaskStartedEventAttributes?.attempt, 1);
    const failed = history.find((event) => ofRollback(event.activityTaskFailedEventAttributes?.scheduledEventId));
    const failure = failed?.activityTaskFailedEventAttributes?.failure?.applicationFailureInfo;
    assert.equal(failure?.type, FailureType.Forbidden);
    assert.equal(failure?.nonRetryable, true);
    assert.deepEqual(scheduledIdsOf('scaleUpDeployment'), []);

    const deployment = await readDeploymentOf(fixture);
    assert.equal(imageOf(deployment), 'genai:v2');
    assert.equal(deployment.spec?.replicas, 2);

    const record = JSON.parse(readFileSync(join(incidentLogDir, `${incidentId}.json`), 'utf8')) as IncidentRecord;
    assert.equal(record.status, 'escalated');
    assert.ok(record.timeline.some((entry) => entry.event === forbidden));
  });
});
