// Helpers for the tests that run the Kubernetes activities against the local control plane (scripts/kube).
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { promisify } from 'node:util';
import {
  AppsV1Api,
  AuthorizationV1Api,
  type KubeConfig,
  type V1Deployment,
  type V1DeploymentCondition,
} from '@kubernetes/client-node';
import { isConflict } from '../../src/activities/kubernetes/api-errors';
import {
  loadKubeConfigFrom,
  localClusterKubeconfig,
  readDeploymentOf,
  type DeploymentFixture,
} from '../support/kubernetes';

const repoRoot = join(__dirname, '../..');
const execFileAsync = promisify(execFile);

/** Pod-template annotation that keeps kwok from marking the pods Ready (scripts/kube/README.md). */
export const NEVER_READY = 'slo-autopilot.test/never-ready';

/** Returns a namespace name that no other test or concurrent run uses. */
export function uniqueNamespace(prefix: string): string {
  return `${prefix}-${randomBytes(3).toString('hex')}`;
}

export function adminKubeconfigPath(): string {
  return localClusterKubeconfig();
}

export function adminKubeConfig(): KubeConfig {
  return loadKubeConfigFrom(adminKubeconfigPath());
}

export interface KubectlResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs kubectl with the given kubeconfig and returns its exit code and output, also when the exit code is not 0. */
export async function kubectl(kubeconfig: string, args: string[]): Promise<KubectlResult> {
  try {
    const { stdout, stderr } = await execFileAsync('kubectl', ['--kubeconfig', kubeconfig, ...args], {
      timeout: 30_000,
    });
    return { exitCode: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: unknown; stdout?: string; stderr?: string };
    if (typeof failed.code !== 'number') throw error;
    return { exitCode: failed.code, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

/**
 * Reads the Deployment, applies `edit` and replaces it. It reads again on 409, because the controller writes the
 * status between a read and a write.
 */
export async function editDeployment(
  fixture: DeploymentFixture,
  edit: (deployment: V1Deployment) => void,
): Promise<V1Deployment> {
  for (let attempt = 1; ; attempt++) {
    const deployment = await readDeploymentOf(fixture);
    edit(deployment);
    try {
      return await fixture.apps.replaceNamespacedDeployment({
        name: fixture.name,
        namespace: fixture.namespace,
        body: deployment,
      });
    } catch (error) {
      if (!isConflict(error) || attempt === 10) throw error;
    }
  }
}

export function conditionOf(deployment: V1Deployment, type: string): V1DeploymentCondition | undefined {
  return deployment.status?.conditions?.find((condition) => condition.type === type);
}

/** Polls the Deployment until `accept` returns true, and returns that reading. */
export async function waitForDeployment(
  fixture: DeploymentFixture,
  accept: (deployment: V1Deployment) => boolean,
  what: string,
  timeoutMs = 30_000,
): Promise<V1Deployment> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const deployment = await readDeploymentOf(fixture);
    if (accept(deployment)) return deployment;
    if (Date.now() > deadline) {
      throw new Error(
        `${fixture.namespace}/${fixture.name}: ${what} not reached within ${timeoutMs} ms; ` +
          `status: ${JSON.stringify(deployment.status)}`,
      );
    }
    await delay(100);
  }
}

/** Path of the worker ServiceAccount's kubeconfig that scripts/kube/worker-kubeconfig.sh writes. */
export function workerKubeconfigPath(): string {
  return join(kubeStateDir(), 'worker.kubeconfig');
}

function kubeStateDir(): string {
  return process.env.KUBE_STATE_DIR ?? dirname(adminKubeconfigPath());
}

/**
 * Applies deploy/kubernetes/worker-rbac.yaml, binds the worker's ClusterRole in `namespaces` (creating them) and
 * writes a fresh worker kubeconfig, all with scripts/kube/worker-kubeconfig.sh. Returns the kubeconfig path once
 * the API server authorizes the worker in every namespace: the RBAC authorizer reads RoleBindings from a cache.
 */
export async function bindWorkerRole(namespaces: string[]): Promise<string> {
  await execFileAsync('bash', [join(repoRoot, 'scripts/kube/worker-kubeconfig.sh')], {
    env: { ...process.env, KUBE_STATE_DIR: kubeStateDir(), KUBE_WORKER_EXTRA_NAMESPACES: namespaces.join(' ') },
    timeout: 60_000,
  });
  const path = workerKubeconfigPath();
  const authorization = loadKubeConfigFrom(path).makeApiClient(AuthorizationV1Api);
  for (const namespace of namespaces) {
    const deadline = Date.now() + 10_000;
    while (!(await workerMay(authorization, namespace, 'update', 'deployments'))) {
      if (Date.now() > deadline) throw new Error(`worker role binding in ${namespace} not in effect after 10 s`);
      await delay(100);
    }
  }
  return path;
}

/** Asks the API server whether the caller may use `verb` on `resource` (optionally `subresource`) in `namespace`. */
export async function workerMay(
  authorization: AuthorizationV1Api,
  namespace: string,
  verb: string,
  resource: string,
  group = 'apps',
  subresource?: string,
): Promise<boolean> {
  const review = await authorization.createSelfSubjectAccessReview({
    body: { spec: { resourceAttributes: { namespace, verb, group, resource, subresource } } },
  });
  return review.status?.allowed === true;
}

/** Record of the Deployment replaces sent through a wrapped AppsV1Api. */
export interface ReplaceStats {
  replaces: number;
  /** Replaces the API server rejected with 409 Conflict. */
  conflicts: number;
  /** The Deployment as the API server returned it from the last successful replace. */
  lastReplaced?: V1Deployment;
}

/**
 * Wraps an AppsV1Api so that every replaceNamespacedDeployment call is counted, 409 responses too, the last
 * successful reply is kept, and `beforeReplace` runs before each call with its 1-based number. Other methods
 * pass through unchanged.
 */
export function countReplaces(
  apps: AppsV1Api,
  beforeReplace?: (call: number) => Promise<void>,
): { apps: AppsV1Api; stats: ReplaceStats } {
  const stats: ReplaceStats = { replaces: 0, conflicts: 0 };
  const replace: AppsV1Api['replaceNamespacedDeployment'] = async (...args) => {
    stats.replaces += 1;
    await beforeReplace?.(stats.replaces);
    try {
      stats.lastReplaced = await apps.replaceNamespacedDeployment(...args);
      return stats.lastReplaced;
    } catch (error) {
      if (isConflict(error)) stats.conflicts += 1;
      throw error;
    }
  };
  const wrapped = new Proxy(apps, {
    get(target, property, receiver) {
      if (property === 'replaceNamespacedDeployment') return replace;
      return Reflect.get(target, property, receiver);
    },
  });
  return { apps: wrapped, stats };
}

export function appsApiOf(kubeConfig: KubeConfig): AppsV1Api {
  return kubeConfig.makeApiClient(AppsV1Api);
}
