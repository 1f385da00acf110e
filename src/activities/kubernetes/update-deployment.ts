import { Context } from '@temporalio/activity';
import type { AppsV1Api, V1Deployment } from '@kubernetes/client-node';
import type { DeploymentRef } from '../../runbook/schema';
import { isConflict, toFailure } from './api-errors';

/**
 * Attempts per activity call when the Deployment changes between the read and the write. During a rollout the
 * controller writes the Deployment's status several times a second, and each write changes its resourceVersion,
 * so a handful of conflicts in a row is normal there.
 */
const CONFLICT_ATTEMPTS = 10;

/** Pause before attempt `attempt` after a conflict, in ms: grows to 500 ms, with jitter so writers spread out. */
function conflictDelayMs(attempt: number): number {
  return Math.min(500, 50 * attempt) * (0.5 + Math.random());
}

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
        await Context.current().sleep(conflictDelayMs(attempt));
        continue;
      }
      throw toFailure(error, `${action} on deployment ${ref.namespace}/${ref.name}`);
    }
  }
}
