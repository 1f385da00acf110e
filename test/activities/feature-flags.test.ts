import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import type { RestoreFeatureFlagRequest, SetFeatureFlagRequest } from '../../src/activities/contracts';
import { FailureType } from '../../src/activities/errors';
import { createFeatureFlagActivities } from '../../src/activities/feature-flags';
import { FLAG_CHANGES_ANNOTATION } from '../../src/activities/feature-flags/flag-changes';
import { loadKubeConfigFrom, localClusterKubeconfig } from '../support/kubernetes';
import { runActivity } from './activity-environment';
import { assertFailure } from './assert-failure';

const repoRoot = join(__dirname, '../..');
const KEY = 'low-res-fallback';

/**
 * Binds the worker's role in `namespace` with scripts/kube/worker-kubeconfig.sh, which also applies the current
 * deploy/kubernetes/worker-rbac.yaml to a reused cluster, and returns the worker's credentials.
 */
function workerKubeConfig(adminKubeconfig: string, namespace: string): KubeConfig {
  const stateDir = process.env.KUBE_STATE_DIR ?? dirname(adminKubeconfig);
  execFileSync('bash', [join(repoRoot, 'scripts/kube/worker-kubeconfig.sh')], {
    env: { ...process.env, KUBE_STATE_DIR: stateDir, KUBE_WORKER_EXTRA_NAMESPACES: namespace },
    stdio: ['ignore', 'ignore', 'pipe'],
    timeout: 60_000,
  });
  return loadKubeConfigFrom(join(stateDir, 'worker.kubeconfig'));
}

describe('feature flag activities', function () {
  this.timeout(120_000);
  const namespace = `flags-test-${randomBytes(3).toString('hex')}`;
  let admin: CoreV1Api;
  let activities: ReturnType<typeof createFeatureFlagActivities>;
  let name: string;

  before(() => {
    const adminKubeconfig = localClusterKubeconfig();
    admin = loadKubeConfigFrom(adminKubeconfig).makeApiClient(CoreV1Api);
    const worker = workerKubeConfig(adminKubeconfig, namespace);
    activities = createFeatureFlagActivities({ kubeConfig: worker });
  });

  after(async () => {
    await admin?.deleteNamespace({ name: namespace }).catch(() => undefined);
  });

  beforeEach(async function () {
    name = `flags-${randomBytes(3).toString('hex')}`;
    await admin.createNamespacedConfigMap({
      namespace,
      body: { metadata: { name }, data: { [KEY]: 'false', other: 'kept' } },
    });
  });

  function setRequest(incidentId = 'ar-overlay-20260101T000000Z'): SetFeatureFlagRequest {
    return { incidentId, configMap: { namespace, name }, key: KEY, value: 'true' };
  }

  function restoreRequest(incidentId = 'ar-overlay-20260101T000000Z'): RestoreFeatureFlagRequest {
    return { incidentId, configMap: { namespace, name }, key: KEY, value: 'false', onlyIfCurrent: 'true' };
  }

  async function readConfigMap() {
    return admin.readNamespacedConfigMap({ name, namespace });
  }

  async function setFlagAsPerson(value: string) {
    const configMap = await readConfigMap();
    configMap.data = { ...configMap.data, [KEY]: value };
    await admin.replaceNamespacedConfigMap({ name, namespace, body: configMap });
  }

  it('sets the flag as the worker ServiceAccount', async () => {
    const result = await runActivity(() => activities.setFeatureFlag(setRequest()));

    assert.deepEqual(result, { previousValue: 'false', value: 'true', alreadyApplied: false });
    const configMap = await readConfigMap();
    assert.equal(configMap.data?.[KEY], 'true');
    assert.equal(configMap.data?.other, 'kept');
    const changes = JSON.parse(configMap.metadata!.annotations![FLAG_CHANGES_ANNOTATION]!);
    assert.deepEqual(changes[KEY], { setBy: 'ar-overlay-20260101T000000Z', previousValue: 'false', value: 'true' });
  });

  it('returns the earlier result on a retried set', async () => {
    await runActivity(() => activities.setFeatureFlag(setRequest()));
    const versionAfterFirst = (await readConfigMap()).metadata!.resourceVersion;

    const retried = await runActivity(() => activities.setFeatureFlag(setRequest()));

    assert.deepEqual(retried, { previousValue: 'false', value: 'true', alreadyApplied: true });
    assert.equal((await readConfigMap()).metadata!.resourceVersion, versionAfterFirst);
  });

  it('keeps the original previous value on a retry after a change', async () => {
    await runActivity(() => activities.setFeatureFlag(setRequest()));
    await setFlagAsPerson('forced-on');

    const retried = await runActivity(() => activities.setFeatureFlag(setRequest()));

    assert.equal(retried.previousValue, 'false');
    assert.equal(retried.alreadyApplied, true);
  });

  it('records null for a key that was absent', async () => {
    const result = await runActivity(() => activities.setFeatureFlag({ ...setRequest(), key: 'new-flag' }));

    assert.equal(result.previousValue, null);
    assert.equal((await readConfigMap()).data?.['new-flag'], 'true');
  });

  it('restores the previous value once', async () => {
    await runActivity(() => activities.setFeatureFlag(setRequest()));

    const restored = await runActivity(() => activities.restoreFeatureFlag(restoreRequest()));
    const versionAfterRestore = (await readConfigMap()).metadata!.resourceVersion;
    const retried = await runActivity(() => activities.restoreFeatureFlag(restoreRequest()));

    assert.deepEqual(restored, { previousValue: 'true', value: 'false', alreadyApplied: false });
    assert.deepEqual(retried, { previousValue: 'true', value: 'false', alreadyApplied: true });
    assert.equal((await readConfigMap()).data?.[KEY], 'false');
    assert.equal((await readConfigMap()).metadata!.resourceVersion, versionAfterRestore);
  });

  it('deletes the key when restoring null', async () => {
    await runActivity(() => activities.setFeatureFlag({ ...setRequest(), key: 'new-flag' }));

    await runActivity(() => activities.restoreFeatureFlag({ ...restoreRequest(), key: 'new-flag', value: null }));

    const data = (await readConfigMap()).data ?? {};
    assert.ok(!('new-flag' in data), JSON.stringify(data));
  });

  it('leaves a flag a person changed since', async () => {
    await runActivity(() => activities.setFeatureFlag(setRequest()));
    await setFlagAsPerson('forced-off');

    const result = await runActivity(() => activities.restoreFeatureFlag(restoreRequest()));

    assert.deepEqual(result, { previousValue: 'forced-off', value: 'forced-off', alreadyApplied: false });
    assert.equal((await readConfigMap()).data?.[KEY], 'forced-off');
  });

  it('leaves a flag a later incident set', async () => {
    await runActivity(() => activities.setFeatureFlag(setRequest('incident-a')));
    const later = await runActivity(() => activities.setFeatureFlag(setRequest('incident-b')));

    const result = await runActivity(() => activities.restoreFeatureFlag(restoreRequest('incident-a')));

    assert.equal(later.previousValue, 'true');
    assert.equal(result.alreadyApplied, false);
    assert.equal((await readConfigMap()).data?.[KEY], 'true');
  });

  it('fails as NotFound naming the ConfigMap to create', async () => {
    const request = { ...setRequest(), configMap: { namespace, name: 'missing-flags' } };

    await assertFailure(
      runActivity(() => activities.setFeatureFlag(request)),
      {
        nonRetryable: true,
        type: FailureType.NotFound,
        includes: [`${namespace}/missing-flags`, 'kubectl create configmap missing-flags', KEY],
      },
    );
  });

  it('fails as Forbidden where the role is not bound', async () => {
    const request = { ...setRequest(), configMap: { namespace: 'default', name: 'any-flags' } };

    await assertFailure(
      runActivity(() => activities.setFeatureFlag(request)),
      {
        nonRetryable: true,
        type: FailureType.Forbidden,
        includes: ['HTTP 403', 'configmap default/any-flags'],
      },
    );
  });

  it('rejects an immutable ConfigMap', async () => {
    const immutableName = `${name}-immutable`;
    await admin.createNamespacedConfigMap({
      namespace,
      body: { metadata: { name: immutableName }, data: { [KEY]: 'false' }, immutable: true },
    });
    const request = { ...setRequest(), configMap: { namespace, name: immutableName } };

    await assertFailure(
      runActivity(() => activities.setFeatureFlag(request)),
      {
        nonRetryable: true,
        type: FailureType.InvalidRequest,
        includes: ['immutable'],
      },
    );
  });

  it('rejects a damaged change annotation', async () => {
    const configMap = await readConfigMap();
    configMap.metadata!.annotations = { [FLAG_CHANGES_ANNOTATION]: '{not json' };
    await admin.replaceNamespacedConfigMap({ name, namespace, body: configMap });

    await assertFailure(
      runActivity(() => activities.setFeatureFlag(setRequest())),
      {
        nonRetryable: true,
        type: FailureType.InvalidRequest,
        includes: [FLAG_CHANGES_ANNOTATION],
      },
    );
  });

  it('writes one value under concurrent sets', async () => {
    const results = await Promise.all(
      ['incident-1', 'incident-2', 'incident-3'].map((incidentId) =>
        runActivity(() => activities.setFeatureFlag({ ...setRequest(incidentId), value: incidentId })),
      ),
    );

    const configMap = await readConfigMap();
    const changes = JSON.parse(configMap.metadata!.annotations![FLAG_CHANGES_ANNOTATION]!);
    assert.equal(changes[KEY].value, configMap.data?.[KEY]);
    const previousValues = results.map((result) => result.previousValue).sort();
    assert.equal(previousValues.filter((value) => value === 'false').length, 1, JSON.stringify(previousValues));
  });
});
