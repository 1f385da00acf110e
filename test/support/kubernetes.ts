import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import type { DeploymentFixture } from '../../src/demo/deployments';

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

export {
  createDeployment,
  imageOf,
  readDeploymentOf,
  setImage,
  waitForRolloutComplete,
  type DeploymentFixture,
} from '../../src/demo/deployments';

export async function deleteNamespace(fixture: DeploymentFixture): Promise<void> {
  await fixture.core.deleteNamespace({ name: fixture.namespace }).catch(() => undefined);
}
