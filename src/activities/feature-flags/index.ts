import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import type { RowActionActivities } from '../contracts';
import { restoreFeatureFlag } from './restore-feature-flag';
import { setFeatureFlag } from './set-feature-flag';

export interface FeatureFlagActivityOptions {
  /**
   * Cluster credentials. The identity needs get and update on configmaps in the flag's namespace, which
   * deploy/kubernetes/worker-rbac.yaml grants the worker.
   */
  kubeConfig: KubeConfig;
}

/** Creates the activities that turn a feature flag kept in a ConfigMap key on and back off. */
export function createFeatureFlagActivities(
  options: FeatureFlagActivityOptions,
): Pick<RowActionActivities, 'setFeatureFlag' | 'restoreFeatureFlag'> {
  const core = options.kubeConfig.makeApiClient(CoreV1Api);
  return {
    setFeatureFlag: (request) => setFeatureFlag(core, request),
    restoreFeatureFlag: (request) => restoreFeatureFlag(core, request),
  };
}
