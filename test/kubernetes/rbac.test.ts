import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ApiException,
  AuthorizationV1Api,
  CoreV1Api,
  RbacAuthorizationV1Api,
  type KubeConfig,
} from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { FailureType } from '../../src/activities/errors';
import { createKubernetesActivities } from '../../src/activities/kubernetes';
import { runActivity } from '../activities/activity-environment';
import { assertFailure } from '../activities/assert-failure';
import {
  createDeployment,
  deleteNamespace,
  imageOf,
  loadKubeConfigFrom,
  readDeploymentOf,
  setImage,
  type DeploymentFixture,
} from '../support/kubernetes';
import { adminKubeConfig, appsApiOf, bindWorkerRole, kubectl, uniqueNamespace, workerMay } from './cluster';

const MANIFEST = join(__dirname, '../../deploy/kubernetes/worker-rbac.yaml');
const WORKER = 'system:serviceaccount:slo-autopilot:slo-autopilot-worker';

/** The rules the worker's ClusterRole must contain, no more and no less. */
const EXPECTED_RULES = [
  { apiGroups: ['apps'], resources: ['deployments'], verbs: ['get', 'list', 'watch', 'update', 'patch'] },
  { apiGroups: ['apps'], resources: ['replicasets'], verbs: ['get', 'list', 'watch', 'patch'] },
  { apiGroups: ['apps'], resources: ['deployments/scale'], verbs: ['get', 'update', 'patch'] },
  { apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'update', 'patch'] },
];

interface ManifestObject {
  kind: string;
  metadata: { name: string; namespace?: string };
  rules?: { apiGroups: string[]; resources: string[]; verbs: string[] }[];
}

function readManifest(): ManifestObject[] {
  return parseAllDocuments(readFileSync(MANIFEST, 'utf8')).map((document) => document.toJS() as ManifestObject);
}

describe('worker RBAC on deployments', function () {
  this.timeout(120_000);
  const boundNamespace = uniqueNamespace('rbac-bound');
  const deleteNamespaceName = uniqueNamespace('rbac-delete');
  let adminConfig: KubeConfig;
  let workerKubeconfig: string;
  let worker: ReturnType<typeof createKubernetesActivities>;
  const fixtures: DeploymentFixture[] = [];

  before(async () => {
    adminConfig = adminKubeConfig();
    workerKubeconfig = await bindWorkerRole([boundNamespace, deleteNamespaceName]);
    worker = createKubernetesActivities({
      kubeConfig: loadKubeConfigFrom(workerKubeconfig),
      rolloutPollIntervalMs: 100,
    });
  });

  after(async () => {
    await Promise.all(fixtures.map(deleteNamespace));
    // bindWorkerRole created these two even if no test got as far as creating a Deployment in them.
    const core = adminConfig.makeApiClient(CoreV1Api);
    for (const name of [boundNamespace, deleteNamespaceName])
      await core.deleteNamespace({ name }).catch(() => undefined);
  });

  async function deploymentAtV2(namespace: string): Promise<DeploymentFixture> {
    const fixture = await createDeployment(adminConfig, namespace, 'web', 'web:v1');
    fixtures.push(fixture);
    await setImage(fixture, 'web:v2');
    return fixture;
  }

  it('rolls back and scales as the worker', async () => {
    const fixture = await deploymentAtV2(boundNamespace);
    const deployment = { namespace: fixture.namespace, name: fixture.name };
    const incidentId = 'web-20261204T101500Z';

    const rollback = await runActivity(() => worker.rollbackDeployment({ incidentId, deployment }));
    const scale = await runActivity(() =>
      worker.scaleUpDeployment({ incidentId, deployment, step: 2, maxReplicas: 4 }),
    );
    const rollout = await runActivity(() => worker.waitForRollout({ deployment, deadline: Date.now() + 30_000 }));

    assert.equal(rollback.toRevision, 1);
    assert.deepEqual(scale, { fromReplicas: 2, toReplicas: 4, alreadyApplied: false });
    assert.equal(rollout.revision, 3);
    assert.equal(rollout.availableReplicas, 4);
    assert.equal(imageOf(await readDeploymentOf(fixture)), 'web:v1');
  });

  it('rejects a rollback where the role is not bound', async () => {
    const fixture = await deploymentAtV2(uniqueNamespace('rbac-unbound'));

    await assertFailure(
      runActivity(() =>
        worker.rollbackDeployment({
          incidentId: 'web-20261204T101500Z',
          deployment: { namespace: fixture.namespace, name: fixture.name },
        }),
      ),
      {
        nonRetryable: true,
        type: FailureType.Forbidden,
        includes: [
          'HTTP 403',
          `User "${WORKER}"`,
          'cannot get resource "deployments" in API group "apps"',
          `in the namespace "${fixture.namespace}"`,
        ],
      },
    );
    assert.equal(imageOf(await readDeploymentOf(fixture)), 'web:v2');
  });

  it('manifest grants exactly the listed verbs', async () => {
    const objects = readManifest();
    const roles = objects.filter((object) => object.kind === 'ClusterRole' || object.kind === 'Role');
    assert.deepEqual(
      roles.map((role) => role.metadata.name),
      ['slo-autopilot-worker'],
    );
    assert.deepEqual(roles[0]!.rules, EXPECTED_RULES);
    for (const rule of EXPECTED_RULES) {
      assert.ok(!rule.verbs.includes('create'), `${rule.resources[0]} grants create`);
      assert.ok(!rule.verbs.includes('delete'), `${rule.resources[0]} grants delete`);
      assert.ok(!rule.verbs.includes('*'), `${rule.resources[0]} grants every verb`);
    }

    // bindWorkerRole applied the manifest, so the server's ClusterRole is the file's.
    const rbac = adminConfig.makeApiClient(RbacAuthorizationV1Api);
    const live = await rbac.readClusterRole({ name: 'slo-autopilot-worker' });
    assert.deepEqual(
      live.rules?.map(({ apiGroups, resources, verbs }) => ({ apiGroups, resources, verbs })),
      EXPECTED_RULES,
    );
  });

  it('worker cannot delete a deployment', async () => {
    const fixture = await createDeployment(adminConfig, deleteNamespaceName, 'web', 'web:v1');
    fixtures.push(fixture);

    const canDelete = await kubectl(workerKubeconfig, [
      'auth',
      'can-i',
      'delete',
      'deployments.apps',
      '-n',
      fixture.namespace,
    ]);
    assert.equal(canDelete.stdout.trim(), 'no');
    assert.equal(canDelete.exitCode, 1);

    const workerApps = appsApiOf(loadKubeConfigFrom(workerKubeconfig));
    await assert.rejects(
      workerApps.deleteNamespacedDeployment({ name: 'web', namespace: fixture.namespace }),
      (error) => {
        assert.ok(error instanceof ApiException, String(error));
        assert.equal(error.code, 403);
        return true;
      },
    );
    assert.equal((await readDeploymentOf(fixture)).metadata?.deletionTimestamp, undefined);
  });

  it('worker may use only the granted verbs', async () => {
    const authorization = loadKubeConfigFrom(workerKubeconfig).makeApiClient(AuthorizationV1Api);
    const cases: { verb: string; resource: string; group: string; subresource?: string; allowed: boolean }[] = [
      { verb: 'update', resource: 'deployments', group: 'apps', allowed: true },
      { verb: 'patch', resource: 'deployments', group: 'apps', allowed: true },
      { verb: 'list', resource: 'replicasets', group: 'apps', allowed: true },
      { verb: 'patch', resource: 'replicasets', group: 'apps', allowed: true },
      { verb: 'update', resource: 'deployments', group: 'apps', subresource: 'scale', allowed: true },
      { verb: 'update', resource: 'configmaps', group: '', allowed: true },
      { verb: 'create', resource: 'deployments', group: 'apps', allowed: false },
      { verb: 'delete', resource: 'deployments', group: 'apps', allowed: false },
      { verb: 'update', resource: 'replicasets', group: 'apps', allowed: false },
      { verb: 'delete', resource: 'replicasets', group: 'apps', allowed: false },
      { verb: 'list', resource: 'configmaps', group: '', allowed: false },
      { verb: 'get', resource: 'secrets', group: '', allowed: false },
      { verb: 'delete', resource: 'pods', group: '', allowed: false },
    ];
    for (const { verb, resource, group, subresource, allowed } of cases) {
      const label = `${verb} ${resource}${subresource ? `/${subresource}` : ''}`;
      assert.equal(
        await workerMay(authorization, deleteNamespaceName, verb, resource, group, subresource),
        allowed,
        label,
      );
    }
  });
});
