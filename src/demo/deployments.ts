// Creates and changes the demo's Deployments through the Kubernetes API. The saga tests use the same helpers.
import { setTimeout as delay } from 'node:timers/promises';
import { ApiException, AppsV1Api, CoreV1Api, type KubeConfig, type V1Deployment } from '@kubernetes/client-node';
import { isConflict } from '../activities/kubernetes/api-errors';
import { judgeRollout } from '../activities/kubernetes/rollout';

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
  await core.createNamespace({ body: { metadata: { name: namespace } } }).catch((error) => {
    // The namespace may exist already, for example when the worker's role was bound in it.
    if (!(error instanceof ApiException && error.code === 409)) throw error;
  });
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

export function imageOf(deployment: V1Deployment): string | undefined {
  return deployment.spec?.template.spec?.containers[0]?.image;
}
