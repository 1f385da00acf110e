import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WorkflowFailedError, WorkflowUpdateFailedError } from '@temporalio/client';
import { BAD_REVISION_INCIDENT, readRevision } from '../../src/activities/kubernetes/annotations';
import {
  acknowledgeSignal,
  acknowledgeUpdate,
  alertFiringSignal,
  statusQuery,
} from '../../src/workflows/remediation/messages';
import { signalAlertResolved } from '../../src/webhook/temporal-dispatch';
import {
  createDeployment,
  deleteNamespace,
  imageOf,
  loadKubeConfigFrom,
  localClusterKubeconfig,
  readDeploymentOf,
  setImage,
  type DeploymentFixture,
} from '../support/kubernetes';
import { alertFor, recordHistory, rowFor, startRun, startSagaHarness, type SagaHarness } from './saga-harness';

describe('remediation saga', function () {
  this.timeout(180_000);
  let harness: SagaHarness;
  const kubeConfig = () => loadKubeConfigFrom(localClusterKubeconfig());
  const fixtures: DeploymentFixture[] = [];

  /** A Deployment at revision 2 (image v2) whose revision 1 (image v1) is the rollback target. */
  async function deploymentWithTwoRevisions(namespace: string): Promise<DeploymentFixture> {
    const fixture = await createDeployment(kubeConfig(), namespace, 'genai-api', 'genai:v1');
    fixtures.push(fixture);
    await setImage(fixture, 'genai:v2');
    return fixture;
  }

  before(async () => {
    harness = await startSagaHarness(kubeConfig(), 'saga-tests');
  });

  after(async () => {
    await harness?.stop();
    await Promise.all(fixtures.map(deleteNamespace));
  });

  beforeEach(() => {
    harness.pagerDuty.requests.length = 0;
    harness.slack.requests.length = 0;
  });

  it('mitigates and verifies a confirmed breach', async () => {
    const fixture = await deploymentWithTwoRevisions('saga-mitigated');
    const row = rowFor(harness.baseRow, 'saga-mitigated');
    harness.indicator.script(row.id, [0.25, 0.04]);

    const handle = await startRun(harness, row);
    const result = await handle.result();
    await recordHistory(handle, 'mitigated');

    assert.equal(result.outcome, 'mitigated', JSON.stringify(result.timeline, null, 2));
    const deployment = await readDeploymentOf(fixture);
    assert.equal(imageOf(deployment), 'genai:v1');
    assert.equal(deployment.spec?.replicas, 4);
    assert.equal(readRevision(deployment.metadata?.annotations), 3);
    const replicaSets = await fixture.apps.listNamespacedReplicaSet({ namespace: fixture.namespace });
    const bad = replicaSets.items.filter((replicaSet) => replicaSet.metadata?.annotations?.[BAD_REVISION_INCIDENT]);
    assert.deepEqual(
      bad.map((replicaSet) => replicaSet.spec?.template?.spec?.containers[0]?.image),
      ['genai:v2'],
    );
    assert.equal(harness.pagerDuty.requests.length, 0);
    assert.ok(result.timeline.some((entry) => /rolled back .* from revision 2 to revision 1/.test(entry.event)));
    assert.ok(result.timeline.some((entry) => /scaled .* from 2 to 4 replicas/.test(entry.event)));
    const record = JSON.parse(
      readFileSync(join(harness.incidentLogDir, 'saga-mitigated-20261204T101500Z.json'), 'utf8'),
    );
    assert.equal(record.status, 'mitigated');
    assert.ok(record.closedAt);
    assert.match(record.runUrl, /\/workflows\/slo-remediation-saga-mitigated\//);
  });

  it('ends a false alarm without acting', async () => {
    const fixture = await deploymentWithTwoRevisions('saga-false-alarm');
    const row = rowFor(harness.baseRow, 'saga-false-alarm');
    harness.indicator.script(row.id, [0.06]);

    const handle = await startRun(harness, row);
    const result = await handle.result();
    await recordHistory(handle, 'false-alarm');

    assert.equal(result.outcome, 'not-confirmed');
    const deployment = await readDeploymentOf(fixture);
    assert.equal(imageOf(deployment), 'genai:v2');
    assert.equal(deployment.spec?.replicas, 2);
    assert.equal(harness.pagerDuty.requests.length, 0);
  });

  it('escalates when mitigation fails', async () => {
    const fixture = await createDeployment(kubeConfig(), 'saga-no-previous', 'genai-api', 'genai:v1');
    fixtures.push(fixture);
    const row = rowFor(harness.baseRow, 'saga-no-previous');
    harness.indicator.script(row.id, [0.3]);

    const handle = await startRun(harness, row);
    const result = await handle.result();
    await recordHistory(handle, 'mitigation-fails');

    assert.equal(result.outcome, 'escalated');
    assert.ok(result.timeline.some((entry) => /no earlier good revision/.test(entry.event)));
    const events = harness.pagerDuty.requests.map((request) => JSON.parse(request.body));
    assert.equal(events.length, 3);
    assert.deepEqual(
      events
        .slice(0, 2)
        .map((event) => event.dedup_key)
        .sort(),
      ['saga-no-previous-20261204T101500Z/ml-ops', 'saga-no-previous-20261204T101500Z/sre'],
    );
    assert.equal(events[2].dedup_key, 'saga-no-previous-20261204T101500Z/sre-managers', 'level 2 pages last');
    assert.ok(
      result.timeline.some((entry) => /no acknowledgement of level 1 within 1s; paging level 2/.test(entry.event)),
    );
    assert.match(events[0].payload.summary, /kubernetes\.rollback failed/);
    assert.equal(harness.slack.requests.length, 1);
    assert.match(harness.slack.requests[0]!.body, /workflows\/slo-remediation-saga-no-previous\//);
    assert.equal((await readDeploymentOf(fixture)).spec?.replicas, 2, 'scale-up must not run after a failed rollback');
  });

  it('compensates and escalates when the rollout never completes', async () => {
    const fixture = await createDeployment(kubeConfig(), 'saga-stuck', 'genai-api', 'genai:v0');
    fixtures.push(fixture);
    // Revision 2 can never be scheduled; revision 3 is healthy. A rollback to 2 therefore never completes.
    await setImage(fixture, 'genai:v1', { nodeSelector: { pool: 'does-not-exist' }, wait: false });
    await setImage(fixture, 'genai:v2', { nodeSelector: {} });
    const row = rowFor(harness.baseRow, 'saga-stuck', { verify: { completionTimeout: 5_000, window: 1_000 } });
    harness.indicator.script(row.id, [0.4]);

    const handle = await startRun(harness, row);
    const result = await handle.result();
    await recordHistory(handle, 'rollout-stuck');

    assert.equal(result.outcome, 'escalated', JSON.stringify(result.timeline, null, 2));
    assert.ok(result.timeline.some((entry) => /did not complete/.test(entry.event)));
    assert.ok(result.timeline.some((entry) => /compensated: scale .* back to 2 replicas/.test(entry.event)));
    assert.ok(result.timeline.some((entry) => /compensated: restore .* to revision 3/.test(entry.event)));
    const deployment = await readDeploymentOf(fixture);
    assert.equal(imageOf(deployment), 'genai:v2');
    assert.equal(deployment.spec?.replicas, 2);
    assert.equal(harness.pagerDuty.requests.length, 3);
  });

  it('stops when the alert resolves before mitigation', async () => {
    const fixture = await deploymentWithTwoRevisions('saga-resolved');
    const row = rowFor(harness.baseRow, 'saga-resolved');
    let release!: (value: number) => void;
    harness.indicator.script(row.id, [new Promise<number>((resolve) => (release = resolve))]);

    const handle = await startRun(harness, row);
    while (harness.indicator.requests.every((request) => request.serviceId !== row.id)) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.equal(await signalAlertResolved(harness.dispatch, row, 'fp-saga-resolved', '2026-12-04T10:21:00Z'), true);
    const status = await handle.query(statusQuery);
    assert.equal(status.alertResolvedAt, '2026-12-04T10:21:00Z');
    release(0.3);
    const result = await handle.result();
    await recordHistory(handle, 'resolved-mid-run');

    assert.equal(result.outcome, 'resolved-before-mitigation');
    assert.equal(imageOf(await readDeploymentOf(fixture)), 'genai:v2');
  });

  it('fails the run when no page can be delivered', async () => {
    await createDeployment(kubeConfig(), 'saga-page-fails', 'genai-api', 'genai:v1').then((f) => fixtures.push(f));
    const row = rowFor(harness.baseRow, 'saga-page-fails');
    harness.indicator.script(row.id, [0.3]);
    const respond = harness.pagerDuty.respond;
    harness.pagerDuty.respond = () => ({
      status: 400,
      body: {
        status: 'invalid event',
        message: 'Event object is invalid',
        errors: ["Length of 'routing_key' is incorrect (should be 32 characters)"],
      },
    });
    try {
      const handle = await startRun(harness, row);
      await assert.rejects(handle.result(), (error: Error) => {
        assert.ok(error instanceof WorkflowFailedError);
        assert.match(String(error.cause?.message), /no page could be delivered/);
        return true;
      });
      const status = await handle.query(statusQuery);
      assert.equal(status.outcome, 'escalation-failed');
    } finally {
      harness.pagerDuty.respond = respond;
    }
  });

  it('stops paging once someone acknowledges', async () => {
    await createDeployment(kubeConfig(), 'saga-acknowledged', 'genai-api', 'genai:v1').then((f) => fixtures.push(f));
    const base = rowFor(harness.baseRow, 'saga-acknowledged');
    const levels = base.escalation.levels.map((level) => ({ ...level, ackTimeout: 60_000 }));
    const row = { ...base, escalation: { ...base.escalation, levels } };
    harness.indicator.script(row.id, [0.3]);

    const handle = await startRun(harness, row);
    while ((await handle.query(statusQuery)).escalationLevel !== 1)
      await new Promise((resolve) => setTimeout(resolve, 100));
    const early = await handle.executeUpdate(acknowledgeUpdate, { args: [{ by: 'alice@example.com', note: 'on it' }] });
    const again = await handle.executeUpdate(acknowledgeUpdate, { args: [{ by: 'bob@example.com' }] });
    const result = await handle.result();

    assert.deepEqual(early, { accepted: true, level: 1, message: 'acknowledged level 1' });
    assert.equal(again.accepted, false);
    assert.equal(result.outcome, 'escalated');
    assert.equal(harness.pagerDuty.requests.length, 2, 'level 2 must not be paged');
    assert.ok(
      result.timeline.some((entry) => entry.event === 'alice@example.com acknowledged the level 1 page: on it'),
    );
    assert.equal((await handle.query(statusQuery)).acknowledgedBy, 'alice@example.com');
  });

  it('rejects an acknowledgement without a name', async () => {
    await createDeployment(kubeConfig(), 'saga-ack-invalid', 'genai-api', 'genai:v1').then((f) => fixtures.push(f));
    const base = rowFor(harness.baseRow, 'saga-ack-invalid');
    const row = {
      ...base,
      escalation: { ...base.escalation, levels: [{ ...base.escalation.levels[0]!, ackTimeout: 60_000 }] },
    };
    harness.indicator.script(row.id, [0.3]);
    const handle = await startRun(harness, row);
    while ((await handle.query(statusQuery)).escalationLevel !== 1)
      await new Promise((resolve) => setTimeout(resolve, 100));
    await assert.rejects(handle.executeUpdate(acknowledgeUpdate, { args: [{ by: ' ' }] }), (error: Error) => {
      assert.ok(error instanceof WorkflowUpdateFailedError);
      assert.match(String(error.cause?.message), /acknowledge needs "by"/);
      return true;
    });
    await handle.signal(acknowledgeSignal, { by: 'carol' });
    assert.equal((await handle.result()).outcome, 'escalated');
  });

  it('checks a newer alert in a new run', async () => {
    await deploymentWithTwoRevisions('saga-follow-up');
    const row = rowFor(harness.baseRow, 'saga-follow-up');
    let release!: (value: number) => void;
    harness.indicator.script(row.id, [new Promise<number>((resolve) => (release = resolve)), 0.02]);

    const handle = await startRun(harness, row);
    const firstRunId = (await handle.describe()).runId;
    while (harness.indicator.requests.every((request) => request.serviceId !== row.id)) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await handle.signal(alertFiringSignal, { ...alertFor(row.id), startsAt: '2026-12-04T10:15:00.000Z' });
    await handle.signal(alertFiringSignal, { ...alertFor(row.id, 'fp-again'), startsAt: '2026-12-04T11:00:00.000Z' });
    release(0.01);
    const result = await handle.result();

    assert.equal(result.outcome, 'not-confirmed');
    const first = await harness.dispatch.client.workflow.getHandle(handle.workflowId, firstRunId).describe();
    assert.equal(first.status.name, 'CONTINUED_AS_NEW');
    const status = await handle.query(statusQuery);
    assert.equal(status.incidentId, 'saga-follow-up-20261204T110000Z');
    assert.match(status.timeline[0]!.event, /alert fp-again firing since 2026-12-04T11:00:00.000Z/);
  });

  it('answers the status query with phase and timeline', async () => {
    await deploymentWithTwoRevisions('saga-status');
    const row = rowFor(harness.baseRow, 'saga-status');
    harness.indicator.script(row.id, [0.01]);
    const handle = await startRun(harness, row, alertFor(row.id, 'fp-status'));
    await handle.result();
    const status = await handle.query(statusQuery);
    assert.equal(status.phase, 'done');
    assert.equal(status.outcome, 'not-confirmed');
    assert.equal(status.incidentId, 'saga-status-20261204T101500Z');
    assert.equal(status.firingDeliveries, 1);
    assert.match(status.timeline[0]!.event, /alert fp-status firing since/);
  });
});
