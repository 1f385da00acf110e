import { ApiException, type CoreV1Api, type V1ConfigMap } from '@kubernetes/client-node';
import { ApplicationFailure } from '@temporalio/common';
import { Context } from '@temporalio/activity';
import type { DeploymentRef } from '../../runbook/schema';
import { isConflict, toFailure } from '../kubernetes/api-errors';
import { FailureType } from '../failure-types';

/** Attempts per activity call when the ConfigMap changes between the read and the write. */
const CONFLICT_ATTEMPTS = 5;

/** Reads a ConfigMap and maps errors to ApplicationFailures. A missing ConfigMap is NotFound with the fix. */
export async function readConfigMap(core: CoreV1Api, ref: DeploymentRef, key: string): Promise<V1ConfigMap> {
  try {
    return await core.readNamespacedConfigMap({ name: ref.name, namespace: ref.namespace });
  } catch (error) {
    if (error instanceof ApiException && error.code === 404) {
      throw ApplicationFailure.nonRetryable(
        `configmap ${ref.namespace}/${ref.name} not found. Create it with the flag key "${key}" that the ` +
          `service reads, such as: kubectl create configmap ${ref.name} -n ${ref.namespace} ` +
          `--from-literal=${key}=false`,
        FailureType.NotFound,
      );
    }
    throw toFailure(error, `get configmap ${ref.namespace}/${ref.name}`);
  }
}

/**
 * Reads the ConfigMap, lets `change` edit it, and replaces it with the read resourceVersion, so a concurrent
 * writer causes a 409 instead of a lost update. On 409 it reads again and repeats. `change` returns the result
 * and whether to write at all.
 */
export async function updateConfigMap<T>(
  core: CoreV1Api,
  ref: DeploymentRef,
  key: string,
  action: string,
  change: (configMap: V1ConfigMap) => { write: boolean; result: T },
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const configMap = await readConfigMap(core, ref, key);
    const { write, result } = change(configMap);
    if (!write) return result;
    if (configMap.immutable) {
      throw ApplicationFailure.nonRetryable(
        `configmap ${ref.namespace}/${ref.name} is immutable, so flag "${key}" cannot change. ` +
          'Recreate it without immutable: true.',
        FailureType.InvalidRequest,
      );
    }
    try {
      await core.replaceNamespacedConfigMap({ name: ref.name, namespace: ref.namespace, body: configMap });
      return result;
    } catch (error) {
      if (isConflict(error) && attempt < CONFLICT_ATTEMPTS) {
        Context.current().log.info('ConfigMap changed during update; reading it again', { action, attempt });
        continue;
      }
      throw toFailure(error, `${action} on configmap ${ref.namespace}/${ref.name}`);
    }
  }
}
