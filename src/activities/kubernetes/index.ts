import { AppsV1Api, KubeConfig } from '@kubernetes/client-node';
import type { RemediationActivities } from '../contracts';
import { rollbackDeployment, undoRollback } from './rollback';
import { waitForRollout } from './rollout';
import { restoreReplicas, scaleUpDeployment } from './scale';

export interface KubernetesActivityOptions {
  /** Cluster credentials; `loadKubeConfig()` reads KUBECONFIG or the in-cluster service account. */
  kubeConfig: KubeConfig;
  /** Pause between rollout status reads, in milliseconds. Defaults to 2000. */
  rolloutPollIntervalMs?: number;
}

/** Loads cluster credentials from `KUBECONFIG`, `~/.kube/config` or the pod's service account, in that order. */
export function loadKubeConfig(): KubeConfig {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromDefault();
  return kubeConfig;
}

/** Creates the Kubernetes activities of the remediation saga. */
export function createKubernetesActivities(
  options: KubernetesActivityOptions,
): Pick<
  RemediationActivities,
  'rollbackDeployment' | 'undoRollback' | 'scaleUpDeployment' | 'restoreReplicas' | 'waitForRollout'
> {
  const apps = options.kubeConfig.makeApiClient(AppsV1Api);
  const pollIntervalMs = options.rolloutPollIntervalMs ?? 2000;
  return {
    rollbackDeployment: (request) => rollbackDeployment(apps, request),
    undoRollback: (request) => undoRollback(apps, request),
    scaleUpDeployment: (request) => scaleUpDeployment(apps, request),
    restoreReplicas: (request) => restoreReplicas(apps, request),
    waitForRollout: (request) => waitForRollout(apps, request, pollIntervalMs),
  };
}
