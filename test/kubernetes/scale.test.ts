import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { PatchStrategy, setHeaderOptions, type KubeConfig } from '@kubernetes/client-node';
import { ApplicationFailure } from '@temporalio/common';
import type { ScaleResult, ScaleUpRequest } from '../../src/activities/contracts';
import { createKubernetesActivities } from '../../src/activities/kubernetes';
import {
  SCALE_FROM_REPLICAS,
  SCALE_INCIDENT,
  SCALE_RESTORED_INCIDENT,
  SCALE_TO_REPLICAS,
} from '../../src/activities/kubernetes/annotations';
import { scaleUpDeployment } from '../../src/activities/kubernetes/scale';
import { runActivity } from '../activities/activity-environment';
import { createDeployment, deleteNamespace, readDeploymentOf, type DeploymentFixture } from '../support/kubernetes';
import { adminKubeConfig, appsApiOf, countReplaces, editDeployment, uniqueNamespace } from './cluster';

const INCIDENT = 'web-20261204T101500Z';
const OTHER_WRITER = 'slo-autopilot.test/other-writer';

describe('kubernetes scale activities', function () {
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

  async function twoReplicas(prefix: string): Promise<DeploymentFixture> {
    fixture = await createDeployment(kubeConfig, uniqueNamespace(prefix), 'web', 'web:v1', 2);
    return fixture;
  }

  function scaleRequest(target: DeploymentFixture, step: number, maxReplicas: number): ScaleUpRequest {
    return { incidentId: INCIDENT, deployment: { namespace: target.namespace, name: target.name }, step, maxReplicas };
  }

  /** Sets an annotation with a JSON merge patch, which carries no resourceVersion and so never conflicts. */
  async function annotate(target: DeploymentFixture, value: string): Promise<void> {
    await target.apps.patchNamespacedDeployment(
      {
        name: target.name,
        namespace: target.namespace,
        body: { metadata: { annotations: { [OTHER_WRITER]: value } } },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
  }

  it('stops at maxReplicas', async () => {
    const target = await twoReplicas('scale-max');

    const result = await runActivity(() => activities.scaleUpDeployment(scaleRequest(target, 2, 3)));

    assert.deepEqual(result, { fromReplicas: 2, toReplicas: 3, alreadyApplied: false });
    const deployment = await readDeploymentOf(target);
    assert.equal(deployment.spec?.replicas, 3);
    assert.equal(deployment.metadata?.annotations?.[SCALE_INCIDENT], INCIDENT);
    assert.equal(deployment.metadata?.annotations?.[SCALE_FROM_REPLICAS], '2');
    assert.equal(deployment.metadata?.annotations?.[SCALE_TO_REPLICAS], '3');
  });

  it('reports a deployment already at the maximum', async () => {
    const target = await twoReplicas('scale-at-max');
    await editDeployment(target, (deployment) => {
      deployment.spec!.replicas = 3;
    });

    const result = await runActivity(() => activities.scaleUpDeployment(scaleRequest(target, 2, 3)));

    assert.deepEqual(result, { fromReplicas: 3, toReplicas: 3, alreadyApplied: false });
    assert.equal((await readDeploymentOf(target)).spec?.replicas, 3);
  });

  it('adds the step once per incident', async () => {
    const target = await twoReplicas('scale-repeat');
    const first = await runActivity(() => activities.scaleUpDeployment(scaleRequest(target, 2, 10)));
    const versionAfterFirst = (await readDeploymentOf(target)).metadata?.generation;

    const repeated = await runActivity(() => activities.scaleUpDeployment(scaleRequest(target, 2, 10)));

    assert.deepEqual(first, { fromReplicas: 2, toReplicas: 4, alreadyApplied: false });
    assert.deepEqual(repeated, { fromReplicas: 2, toReplicas: 4, alreadyApplied: true });
    const deployment = await readDeploymentOf(target);
    assert.equal(deployment.spec?.replicas, 4);
    assert.equal(deployment.metadata?.generation, versionAfterFirst);
  });

  it('restores the replica count once', async () => {
    const target = await twoReplicas('scale-restore');
    await runActivity(() => activities.scaleUpDeployment(scaleRequest(target, 2, 10)));
    const restoreRequest = {
      incidentId: INCIDENT,
      deployment: { namespace: target.namespace, name: target.name },
      replicas: 2,
      onlyIfCurrent: 4,
    };

    const restored = await runActivity(() => activities.restoreReplicas(restoreRequest));
    const repeated = await runActivity(() => activities.restoreReplicas(restoreRequest));

    assert.deepEqual(restored, { fromReplicas: 4, toReplicas: 2, alreadyApplied: false });
    assert.equal(repeated.alreadyApplied, true);
    const deployment = await readDeploymentOf(target);
    assert.equal(deployment.spec?.replicas, 2);
    assert.equal(deployment.metadata?.annotations?.[SCALE_RESTORED_INCIDENT], INCIDENT);
  });

  it('leaves a count someone else changed', async () => {
    const target = await twoReplicas('scale-changed');
    await runActivity(() => activities.scaleUpDeployment(scaleRequest(target, 2, 10)));
    await editDeployment(target, (deployment) => {
      deployment.spec!.replicas = 6;
    });

    const result = await runActivity(() =>
      activities.restoreReplicas({
        incidentId: INCIDENT,
        deployment: { namespace: target.namespace, name: target.name },
        replicas: 2,
        onlyIfCurrent: 4,
      }),
    );

    assert.deepEqual(result, { fromReplicas: 6, toReplicas: 6, alreadyApplied: false });
    const deployment = await readDeploymentOf(target);
    assert.equal(deployment.spec?.replicas, 6);
    assert.equal(deployment.metadata?.annotations?.[SCALE_RESTORED_INCIDENT], undefined);
  });

  it('retries a replace that lost a race', async () => {
    const target = await twoReplicas('scale-race');
    // Another client writes the Deployment after the activity's read and before its first replace, so that
    // replace carries a stale resourceVersion.
    const { apps, stats } = countReplaces(appsApiOf(kubeConfig), async (call) => {
      if (call === 1) await annotate(target, 'written-between-read-and-replace');
    });

    const result = await runActivity(() => scaleUpDeployment(apps, scaleRequest(target, 2, 10)));

    assert.deepEqual(result, { fromReplicas: 2, toReplicas: 4, alreadyApplied: false });
    assert.equal(stats.conflicts, 1);
    assert.equal(stats.replaces, 2);
    const deployment = await readDeploymentOf(target);
    assert.equal(deployment.spec?.replicas, 4);
    assert.equal(deployment.metadata?.annotations?.[OTHER_WRITER], 'written-between-read-and-replace');
    assert.equal(deployment.metadata?.annotations?.[SCALE_INCIDENT], INCIDENT);
  });

  it('keeps both writes under a concurrent writer', async () => {
    const target = await twoReplicas('scale-contention');
    let written = 0;
    let writing = true;
    const writer = (async () => {
      const stopAt = Date.now() + 1_000;
      while (Date.now() < stopAt) {
        await annotate(target, String(written + 1));
        written += 1;
      }
      writing = false;
    })();
    while (written < 3) await delay(5);
    // The first replace waits until the other client has written at least once after the activity's read, so
    // the run has at least one 409 however the two interleave. The writer sends one patch at a time, and the
    // patch in flight during the read may have been stored before it, so the wait is for two more replies.
    // Later attempts race freely.
    const { apps, stats } = countReplaces(appsApiOf(kubeConfig), async (call) => {
      const seen = written;
      while (call === 1 && writing && written < seen + 2) await delay(1);
    });

    // Five conflicts in a row end one activity attempt with a retryable failure. Temporal then starts another
    // attempt, and so does this loop.
    let result: ScaleResult | undefined;
    for (let attempt = 1; !result; attempt++) {
      try {
        result = await runActivity(() => scaleUpDeployment(apps, scaleRequest(target, 2, 10)), { attempt });
      } catch (error) {
        if (!(error instanceof ApplicationFailure) || error.nonRetryable || attempt === 10) throw error;
      }
    }
    await writer;

    assert.equal(result.toReplicas, 4);
    assert.ok(stats.conflicts >= 1, `expected at least one 409, counted ${JSON.stringify(stats)}`);
    const deployment = await readDeploymentOf(target);
    assert.equal(deployment.spec?.replicas, 4);
    assert.equal(deployment.metadata?.annotations?.[OTHER_WRITER], String(written));
    assert.equal(deployment.metadata?.annotations?.[SCALE_INCIDENT], INCIDENT);
  });
});
