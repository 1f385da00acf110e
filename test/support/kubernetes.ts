import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { AppsV1Api, CoreV1Api, KubeConfig, type V1Deployment } from '@kubernetes/client-node';
import { isConflict } from '../../src/activities/kubernetes/api-errors';
import { judgeRollout } from '../../src/activities/kubernetes/rollout';

const repoRoot = join(__dirname, '../..');

let kubeconfigPath: string | undefined;

/**
 * Returns the admin kubeconfig of the local control plane, starting it with scripts/kube/start.sh when
 * KUBECONFIG is unset. The script reuses a cluster that is already running.
 */
export function localClusterKubeconfig(): string {
  if (process.env.KUBECONFIG) return process.env.KUBECONFIG;
  if (!kubeconfigPath) {
    const output = execFileSync('bash', [join(repoRoot, 'scripts/kube/start.sh')], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      timeout: 300_000,
    });
    const match = /export KUBECONFIG=(\S+)/.exec(output);
    if (!match) throw new Error(`scripts/kube/start.sh printed no KUBECONFIG line:\n${output}`);
    kubeconfigPath = match[1]!;
  }
  return kubeconfigPath;
}

export function loadKubeConfigFrom(path: string): KubeConfig {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(path);
  return kubeConfig;
}

export interface DeploymentFixture {
  namespace: string;
  name: string;
  apps: AppsV1Api;
  core: CoreV1Api;
}

function deploymentManifest(
  name: string,
  image: string,
  replicas: number,
  nodeSelector?: Record<string, string>,
): V1Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas,
      progressDeadlineSeconds: 600,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [{ name: 'app', image }],
          nodeSelector,
          // KWOK's fake nodes carry this taint so real workloads stay away; test pods tolerate it.
          tolerations: [{ key: 'kwok.x-k8s.io/node', operator: 'Exists', effect: 'NoSchedule' }],
        },
      },
    },
  };
}

/** Creates a namespace and a Deployment in it, and waits until its first rollout completes. */
export async function createDeployment(
  kubeConfig: KubeConfig,
  namespace: string,
  name: string,
  image: string,
  replicas = 2,
): Promise<DeploymentFixture> {
  const apps = kubeConfig.makeApiClient(AppsV1Api);
  const core = kubeConfig.makeApiClient(CoreV1Api);
  await core.createNamespace({ body: { metadata: { name: namespace } } });
  await apps.createNamespacedDeployment({ namespace, body: deploymentManifest(name, image, replicas) });
  const fixture = { namespace, name, apps, core };
  await waitForRolloutComplete(fixture);
  return fixture;
}

/** Changes the container image, which makes a new revision, and waits for its rollout unless `wait` is false. */
export async function setImage(
  fixture: DeploymentFixture,
  image: string,
  options: { nodeSelector?: Record<string, string>; wait?: boolean } = {},
) {
  // The controller writes status between our read and write, so a 409 here is expected now and then.
  for (let attempt = 1; ; attempt++) {
    const deployment = await readDeploymentOf(fixture);
    deployment.spec!.template.spec!.containers[0]!.image = image;
    if (options.nodeSelector) deployment.spec!.template.spec!.nodeSelector = options.nodeSelector;
    try {
      await fixture.apps.replaceNamespacedDeployment({
        name: fixture.name,
        namespace: fixture.namespace,
        body: deployment,
      });
      break;
    } catch (error) {
      if (!isConflict(error) || attempt === 5) throw error;
    }
  }
  if (options.wait !== false) await waitForRolloutComplete(fixture);
}

export async function readDeploymentOf(fixture: DeploymentFixture): Promise<V1Deployment> {
  return fixture.apps.readNamespacedDeployment({ name: fixture.name, namespace: fixture.namespace });
}

export async function waitForRolloutComplete(fixture: DeploymentFixture, timeoutMs = 60_000): Promise<V1Deployment> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const deployment = await readDeploymentOf(fixture);
    const state = judgeRollout(deployment);
    if ('complete' in state && state.complete) return deployment;
    if (Date.now() > deadline) {
      throw new Error(
        `rollout of ${fixture.namespace}/${fixture.name} not complete after ${timeoutMs} ms: ${JSON.stringify(state)}`,
      );
    }
    await delay(250);
  }
}

export async function deleteNamespace(fixture: DeploymentFixture): Promise<void> {
  await fixture.core.deleteNamespace({ name: fixture.namespace }).catch(() => undefined);
}

export function imageOf(deployment: V1Deployment): string | undefined {
  return deployment.spec?.template.spec?.containers[0]?.image;
}
