import { Context } from '@temporalio/activity';
import type { AppsV1Api, V1Deployment } from '@kubernetes/client-node';
import type { DeploymentRef } from '../../runbook/schema';
import { isConflict, toFailure } from './api-errors';

/** Attempts per activity call when the Deployment changes between the read and the write. */
const CONFLICT_ATTEMPTS = 5;

/** Reads a Deployment, mapping errors to ApplicationFailures. */
export async function readDeployment(apps: AppsV1Api, ref: DeploymentRef): Promise<V1Deployment> {
  try {
    return await apps.readNamespacedDeployment({ name: ref.name, namespace: ref.namespace });
  } catch (error) {
    throw toFailure(error, `get deployment ${ref.namespace}/${ref.name}`);
  }
}

/**
 * Reads the Deployment, lets `change` edit it, and writes it back with the read resourceVersion, so a concurrent
 * writer causes a 409 instead of a lost update. On 409 it reads again and repeats. `change` returns a result, or
 * `{ done }` to stop without writing.
 */
export async function updateDeployment<T>(
  apps: AppsV1Api,
  ref: DeploymentRef,
  action: string,
  change: (deployment: V1Deployment) => Promise<{ write: boolean; result: T }>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const deployment = await readDeployment(apps, ref);
    const { write, result } = await change(deployment);
    if (!write) return result;
    try {
      await apps.replaceNamespacedDeployment({ name: ref.name, namespace: ref.namespace, body: deployment });
      return result;
    } catch (error) {
      if (isConflict(error) && attempt < CONFLICT_ATTEMPTS) {
        Context.current().log.info('Deployment changed during update; reading it again', { action, attempt });
        continue;
      }
      throw toFailure(error, `${action} on deployment ${ref.namespace}/${ref.name}`);
    }
  }
}
