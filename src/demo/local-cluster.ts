import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const repoRoot = join(__dirname, '../..');

export interface LocalCluster {
  /** cluster-admin credentials, for setting up and changing the demo's Deployment. */
  adminKubeconfig: string;
  /** Credentials of the worker's ServiceAccount, limited by deploy/kubernetes/worker-rbac.yaml. */
  workerKubeconfig: string;
  stop(): Promise<void>;
}

/**
 * Starts the local control plane (etcd, kube-apiserver, controller manager, scheduler, kwok) with
 * scripts/kube/start.sh and binds the worker's role in `namespaces`.
 */
export async function startLocalCluster(stateDir: string, namespaces: string[]): Promise<LocalCluster> {
  const env = { ...process.env, KUBE_STATE_DIR: stateDir, KUBE_WORKER_EXTRA_NAMESPACES: namespaces.join(' ') };
  let stdout: string;
  try {
    ({ stdout } = await run('bash', [join(repoRoot, 'scripts/kube/start.sh')], { env, timeout: 300_000 }));
  } catch (error) {
    const stderr = String((error as { stderr?: string }).stderr ?? '')
      .trim()
      .split('\n')
      .slice(-15)
      .join('\n');
    throw new Error(`scripts/kube/start.sh failed:\n${stderr}`);
  }
  const match = /export KUBECONFIG=(\S+)/.exec(stdout);
  if (!match) throw new Error(`scripts/kube/start.sh printed no KUBECONFIG line; see ${stateDir}/logs`);
  return {
    adminKubeconfig: match[1]!,
    workerKubeconfig: join(stateDir, 'worker.kubeconfig'),
    async stop() {
      await run('bash', [join(repoRoot, 'scripts/kube/stop.sh')], { env, timeout: 60_000 });
    },
  };
}
