import assert from 'node:assert/strict';
import { CoreV1Api, type KubeConfig, type V1Deployment } from '@kubernetes/client-node';
import type { RolloutRequest } from '../../src/activities/contracts';
import { FailureType } from '../../src/activities/errors';
import { createKubernetesActivities } from '../../src/activities/kubernetes';
import { rollbackDeployment } from '../../src/activities/kubernetes/rollback';
import { judgeRollout } from '../../src/activities/kubernetes/rollout';
import { activityEnvironment, runActivity } from '../activities/activity-environment';
import { assertFailure } from '../activities/assert-failure';
import {
  createDeployment,
  deleteNamespace,
  imageOf,
  readDeploymentOf,
  setImage,
  type DeploymentFixture,
} from '../support/kubernetes';
import {
  adminKubeConfig,
  appsApiOf,
  conditionOf,
  countReplaces,
  editDeployment,
  NEVER_READY,
  uniqueNamespace,
  waitForDeployment,
} from './cluster';

/** Seconds the Deployment controller allows a rollout to make progress in the stuck-rollout tests. */
const PROGRESS_DEADLINE_SECONDS = 2;

describe('kubernetes rollout activities', function () {
  this.timeout(120_000);
  let kubeConfig: KubeConfig;
  let activities: ReturnType<typeof createKubernetesActivities>;
  let fixture: DeploymentFixture | undefined;

  before(() => {
    kubeConfig = adminKubeConfig();
    activities = createKubernetesActivities({ kubeConfig, rolloutPollIntervalMs: 100 });
  });

  afterEach(async () => {
    if (fixture) await deleteNamespace(fixture);
    fixture = undefined;
  });

  async function deploymentAtV1(prefix: string): Promise<DeploymentFixture> {
    fixture = await createDeployment(kubeConfig, uniqueNamespace(prefix), 'web', 'web:v1', 2);
    return fixture;
  }

  function rolloutRequest(target: DeploymentFixture, timeoutMs: number): RolloutRequest {
    return { deployment: { namespace: target.namespace, name: target.name }, deadline: Date.now() + timeoutMs };
  }

  /** Rolls out `web:v2` with pods that are scheduled but never Ready, under a short progress deadline. */
  async function rollOutNeverReady(target: DeploymentFixture): Promise<void> {
    await editDeployment(target, (deployment) => {
      const spec = deployment.spec!;
      spec.progressDeadlineSeconds = PROGRESS_DEADLINE_SECONDS;
      spec.template.metadata = {
        ...spec.template.metadata,
        annotations: { ...spec.template.metadata?.annotations, [NEVER_READY]: 'true' },
      };
      spec.template.spec!.containers[0]!.image = 'web:v2';
    });
  }

  function progressDeadlineExceeded(deployment: V1Deployment): boolean {
    return conditionOf(deployment, 'Progressing')?.reason === 'ProgressDeadlineExceeded';
  }

  it('completes a healthy rollout', async () => {
    const target = await deploymentAtV1('rollout-healthy');
    await setImage(target, 'web:v2', { wait: false });
    const environment = activityEnvironment();
    const heartbeats: unknown[] = [];
    environment.on('heartbeat', (details: unknown) => heartbeats.push(details));

    const status = await environment.run(() => activities.waitForRollout(rolloutRequest(target, 30_000)));

    assert.deepEqual(status, { revision: 2, updatedReplicas: 2, availableReplicas: 2, replicas: 2 });
    const deployment = await readDeploymentOf(target);
    assert.deepEqual(judgeRollout(deployment), { complete: true });
    assert.equal(conditionOf(deployment, 'Available')?.status, 'True');
    assert.equal(conditionOf(deployment, 'Available')?.reason, 'MinimumReplicasAvailable');
    assert.equal(conditionOf(deployment, 'Progressing')?.status, 'True');
    assert.equal(conditionOf(deployment, 'Progressing')?.reason, 'NewReplicaSetAvailable');
    for (const details of heartbeats) assert.match(JSON.stringify(details), /"waitingFor":"[^"]+"/);
  });

  it('fails when the progress deadline passes', async () => {
    const target = await deploymentAtV1('rollout-deadline');
    await rollOutNeverReady(target);
    const startedAt = Date.now();

    const failure = await assertFailure(
      runActivity(() => activities.waitForRollout(rolloutRequest(target, 60_000))),
      {
        nonRetryable: true,
        type: FailureType.RolloutStuck,
        includes: [
          `rollout of ${target.namespace}/web is stuck`,
          'ProgressDeadlineExceeded',
          'has timed out progressing',
        ],
      },
    );

    const elapsedMs = Date.now() - startedAt;
    assert.ok(elapsedMs < 30_000, `the controller's deadline took ${elapsedMs} ms: ${failure.message}`);
    const deployment = await readDeploymentOf(target);
    assert.equal(conditionOf(deployment, 'Progressing')?.status, 'False');
    assert.equal(conditionOf(deployment, 'Progressing')?.reason, 'ProgressDeadlineExceeded');
    // The old ReplicaSet still runs both replicas, so the Deployment stays available.
    assert.equal(conditionOf(deployment, 'Available')?.status, 'True');
    assert.equal(deployment.status?.availableReplicas, 2);
    assert.ok('stuck' in judgeRollout(deployment));
  });

  it('fails on the request deadline for unschedulable pods', async () => {
    const target = await deploymentAtV1('rollout-unschedulable');
    await setImage(target, 'web:v2', { nodeSelector: { 'slo-autopilot.test/unschedulable': 'true' }, wait: false });
    const startedAt = Date.now();

    await assertFailure(
      runActivity(() => activities.waitForRollout(rolloutRequest(target, 2_000))),
      {
        nonRetryable: true,
        type: FailureType.RolloutStuck,
        includes: [`rollout of ${target.namespace}/web did not complete by`, 'waiting for'],
        excludes: ['ProgressDeadlineExceeded'],
      },
    );

    const elapsedMs = Date.now() - startedAt;
    assert.ok(elapsedMs >= 2_000, `failed after ${elapsedMs} ms, before the request deadline`);
    assert.ok(elapsedMs < 10_000, `failed after ${elapsedMs} ms, long after the request deadline`);
    // The controller's own deadline (600 s in the fixture) has not passed, so it still reports progress.
    const deployment = await readDeploymentOf(target);
    assert.equal(conditionOf(deployment, 'Progressing')?.status, 'True');
    // The controller reports NewReplicaSetCreated first and ReplicaSetUpdated after its next sync; either is progress.
    assert.ok(
      ['NewReplicaSetCreated', 'ReplicaSetUpdated'].includes(String(conditionOf(deployment, 'Progressing')?.reason)),
      `Progressing reason ${conditionOf(deployment, 'Progressing')?.reason}`,
    );
    assert.equal(conditionOf(deployment, 'Available')?.status, 'True');
    const pods = await kubeConfig.makeApiClient(CoreV1Api).listNamespacedPod({ namespace: target.namespace });
    const newPods = pods.items.filter((pod) => pod.spec?.nodeSelector?.['slo-autopilot.test/unschedulable']);
    assert.ok(newPods.length > 0, 'no pod of the new revision exists');
    for (const pod of newPods) {
      const scheduled = pod.status?.conditions?.find((condition) => condition.type === 'PodScheduled');
      assert.equal(scheduled?.reason, 'Unschedulable', `pod ${pod.metadata?.name}`);
    }
  });

  it('waits out a stale deadline after a rollback', async () => {
    const target = await deploymentAtV1('rollout-rollback-stuck');
    await rollOutNeverReady(target);
    await waitForDeployment(target, progressDeadlineExceeded, 'Progressing reason ProgressDeadlineExceeded');
    const { apps, stats } = countReplaces(appsApiOf(kubeConfig));

    await runActivity(() =>
      rollbackDeployment(apps, {
        incidentId: 'web-20261204T101500Z',
        deployment: { namespace: target.namespace, name: target.name },
      }),
    );

    // The reply to the rollback's replace is the state before the controller saw the new template: a newer
    // generation, and the condition of the abandoned rollout. kubectl rollout status waits in this state
    // (k8s.io/kubectl v0.34.4, pkg/polymorphichelpers/rollout_status.go).
    const written = stats.lastReplaced!;
    assert.ok((written.status?.observedGeneration ?? 0) < (written.metadata?.generation ?? 0));
    assert.ok(progressDeadlineExceeded(written));
    assert.deepEqual(judgeRollout(written), {
      complete: false,
      waitingFor: 'the controller to observe the new spec',
    });
    const status = await runActivity(() => activities.waitForRollout(rolloutRequest(target, 30_000)));
    assert.equal(status.revision, 3);
    assert.equal(status.availableReplicas, 2);
    assert.equal(imageOf(await readDeploymentOf(target)), 'web:v1');
  });
});
