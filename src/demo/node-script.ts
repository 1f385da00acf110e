import { join } from 'node:path';
import { ManagedProcess } from '../stack/managed-process';

const repoRoot = join(__dirname, '../..');

/** Starts one of the project's TypeScript entry points as a child Node.js process, through tsx. */
export function startNodeScript(name: string, script: string, env: NodeJS.ProcessEnv, logDir: string): ManagedProcess {
  return ManagedProcess.start({
    name,
    command: process.execPath,
    args: ['--import', 'tsx', join(repoRoot, script)],
    cwd: repoRoot,
    env: { ...process.env, ...env },
    logFile: join(logDir, `${name}.log`),
  });
}
