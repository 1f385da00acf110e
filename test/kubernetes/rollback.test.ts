import assert from 'node:assert/strict';
import type { KubeConfig, V1ReplicaSet } from '@kubernetes/client-node';
import { createKubernetesActivities } from '../../src/activities/kubernetes';
import { BAD_REVISION_INCIDENT, readRevision } from '../../src/activities/kubernetes/annotations';
import { FailureType } from '../../src/activities/errors';
import { runActivity } from '../activities/activity-environment';
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
  adminKubeconfigPath,
  editDeployment,
  kubectl,
  uniqueNamespace,
  waitForDeployment,
} from './cluster';

describe('kubernetes rollback activities', function () {
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

  /** Creates `web` at revision 1 with the first image and rolls out each further image as the next revision. */
  async function deploymentWithImages(prefix: string, images: string[]): Promise<DeploymentFixture> {
    fixture = await createDeployment(kubeConfig, uniqueNamespace(prefix), 'web', images[0]!);
    for (const image of images.slice(1)) await setImage(fixture, image);
    return fixture;
  }

  function ref(target: DeploymentFixture) {
    return { namespace: target.namespace, name: target.name };
  }

  /** Waits until the controller has observed the latest spec, numbered it `revision` and finished its rollout. */
  function waitForRevision(target: DeploymentFixture, revision: number) {
    return waitForDeployment(
      target,
      (deployment) =>
        readRevision(deployment.metadata?.annotations) === revision &&
        (deployment.status?.observedGeneration ?? 0) >= (deployment.metadata?.generation ?? 0) &&
        deployment.status?.updatedReplicas === deployment.spec?.replicas &&
        deployment.status?.replicas === deployment.spec?.replicas &&
        deployment.status?.availableReplicas === deployment.spec?.replicas,
      `revision ${revision} rolled out`,
    );
  }

  async function replicaSetsOf(target: DeploymentFixture): Promise<V1ReplicaSet[]> {
    const list = await target.apps.listNamespacedReplicaSet({ namespace: target.namespace });
    return list.items;
  }

  async function replicaSetWithImage(target: DeploymentFixture, image: string): Promise<V1ReplicaSet> {
    const found = (await replicaSetsOf(target)).find(
      (replicaSet) => replicaSet.spec?.template?.spec?.containers[0]?.image === image,
    );
    assert.ok(found, `no ReplicaSet of ${target.namespace}/${target.name} runs ${image}`);
    return found;
  }

  it('rolls back like kubectl rollout undo', async () => {
    const target = await deploymentWithImages('rollback-undo', ['web:v1']);
    const v1Template = (await readDeploymentOf(target)).spec!.template;
    await setImage(target, 'web:v2');
    const v2ReplicaSet = await replicaSetWithImage(target, 'web:v2');

    const result = await runActivity(() =>
      activities.rollbackDeployment({ incidentId: 'web-20261204T101500Z', deployment: ref(target) }),
    );

    assert.deepEqual(result, {
      fromRevision: 2,
      fromReplicaSet: v2ReplicaSet.metadata!.name,
      toRevision: 1,
      alreadyApplied: false,
    });
    const deployment = await waitForRevision(target, 3);
    assert.deepEqual(deployment.spec?.template.spec?.containers, v1Template.spec?.containers);
    assert.deepEqual(deployment.spec?.template.metadata?.labels, { app: 'web' });
    assert.deepEqual(deployment.spec?.template, v1Template);

    const history = await kubectl(adminKubeconfigPath(), [
      'rollout',
      'history',
      `deployment/${target.name}`,
      '-n',
      target.namespace,
    ]);
    assert.equal(history.exitCode, 0, history.stderr);
    const revisions = history.stdout
      .split('\n')
      .map((line) => /^(\d+)\s/.exec(line)?.[1])
      .filter((revision) => revision !== undefined);
    assert.deepEqual(revisions, ['2', '3'], history.stdout);

    const revision3 = await kubectl(adminKubeconfigPath(), [
      'rollout',
      'history',
      `deployment/${target.name}`,
      '-n',
      target.namespace,
      '--revision=3',
    ]);
    assert.equal(revision3.exitCode, 0, revision3.stderr);
    assert.match(revision3.stdout, /Image:\s+web:v1\n/);

    const marked = await target.apps.readNamespacedReplicaSet({
      name: v2ReplicaSet.metadata!.name!,
      namespace: target.namespace,
    });
    assert.equal(marked.metadata?.annotations?.[BAD_REVISION_INCIDENT], 'web-20261204T101500Z');
  });

  it('changes nothing on a repeated incident', async () => {
    const target = await deploymentWithImages('rollback-repeat', ['web:v1', 'web:v2']);
    const request = { incidentId: 'web-20261204T101500Z', deployment: ref(target) };
    const first = await runActivity(() => activities.rollbackDeployment(request));
    const before = await waitForRevision(target, 3);

    const repeated = await runActivity(() => activities.rollbackDeployment(request));

    assert.deepEqual(repeated, { ...first, alreadyApplied: true });
    const after = await readDeploymentOf(target);
    assert.equal(readRevision(after.metadata?.annotations), 3);
    assert.equal(after.metadata?.generation, before.metadata?.generation);
    assert.equal(imageOf(after), 'web:v1');
  });

  it('skips revisions an earlier incident marked bad', async () => {
    const target = await deploymentWithImages('rollback-skip', ['web:v1', 'web:v2']);
    await runActivity(() =>
      activities.rollbackDeployment({ incidentId: 'web-20261204T101500Z', deployment: ref(target) }),
    );
    await waitForRevision(target, 3);
    await setImage(target, 'web:v4');

    // Revision 3 (web:v1) is the newest good revision. Revision 2 (web:v2) is older and marked bad.
    const second = await runActivity(() =>
      activities.rollbackDeployment({ incidentId: 'web-20261205T080000Z', deployment: ref(target) }),
    );

    assert.equal(second.fromRevision, 4);
    assert.equal(second.toRevision, 3);
    assert.equal(second.alreadyApplied, false);
    assert.equal(imageOf(await waitForRevision(target, 5)), 'web:v1');

    // Now both older revisions (4: web:v4, 2: web:v2) are marked bad. Plain `kubectl rollout undo` would return
    // to revision 4, the image just rolled away from.
    await assertFailure(
      runActivity(() => activities.rollbackDeployment({ incidentId: 'web-20261205T090000Z', deployment: ref(target) })),
      {
        nonRetryable: true,
        type: FailureType.NoPreviousRevision,
        includes: ['no earlier good revision', 'current revision 5'],
      },
    );
    assert.equal(imageOf(await readDeploymentOf(target)), 'web:v1');
  });

  it('fails without a previous revision', async () => {
    const target = await deploymentWithImages('rollback-single', ['web:v1']);
    const before = await readDeploymentOf(target);

    await assertFailure(
      runActivity(() => activities.rollbackDeployment({ incidentId: 'web-20261204T101500Z', deployment: ref(target) })),
      {
        nonRetryable: true,
        type: FailureType.NoPreviousRevision,
        includes: [`${target.namespace}/web`, 'current revision 1'],
      },
    );
    const after = await readDeploymentOf(target);
    assert.equal(after.metadata?.generation, before.metadata?.generation);
  });

  it('fails on a paused deployment', async () => {
    const target = await deploymentWithImages('rollback-paused', ['web:v1', 'web:v2']);
    await editDeployment(target, (deployment) => {
      deployment.spec!.paused = true;
    });

    await assertFailure(
      runActivity(() => activities.rollbackDeployment({ incidentId: 'web-20261204T101500Z', deployment: ref(target) })),
      { nonRetryable: true, type: FailureType.InvalidRequest, includes: ['is paused', 'kubectl rollout resume'] },
    );
    const after = await readDeploymentOf(target);
    assert.equal(imageOf(after), 'web:v2');
    const v2ReplicaSet = await replicaSetWithImage(target, 'web:v2');
    assert.equal(v2ReplicaSet.metadata?.annotations?.[BAD_REVISION_INCIDENT], undefined);
  });

  it('undoes a rollback', async () => {
    const target = await deploymentWithImages('rollback-undo-undo', ['web:v1']);
    await setImage(target, 'web:v2');
    const v2Template = (await readDeploymentOf(target)).spec!.template;
    const incidentId = 'web-20261204T101500Z';
    const rollback = await runActivity(() => activities.rollbackDeployment({ incidentId, deployment: ref(target) }));
    await waitForRevision(target, 3);
    const undoRequest = { incidentId, deployment: ref(target), replicaSet: rollback.fromReplicaSet };

    const undone = await runActivity(() => activities.undoRollback(undoRequest));

    assert.deepEqual(undone, {
      fromRevision: 3,
      fromReplicaSet: rollback.fromReplicaSet,
      toRevision: 2,
      alreadyApplied: false,
    });
    const deployment = await waitForRevision(target, 4);
    assert.deepEqual(deployment.spec?.template, v2Template);
    const restored = await target.apps.readNamespacedReplicaSet({
      name: rollback.fromReplicaSet,
      namespace: target.namespace,
    });
    assert.equal(restored.metadata?.annotations?.[BAD_REVISION_INCIDENT], undefined);
    assert.equal(readRevision(restored.metadata?.annotations), 4);

    const repeated = await runActivity(() => activities.undoRollback(undoRequest));

    assert.equal(repeated.alreadyApplied, true);
    const after = await readDeploymentOf(target);
    assert.equal(after.metadata?.generation, deployment.metadata?.generation);
  });
});
