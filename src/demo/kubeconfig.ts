import { KubeConfig } from '@kubernetes/client-node';

/** Loads a kubeconfig file. */
export function loadKubeConfigFrom(path: string): KubeConfig {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(path);
  return kubeConfig;
}
