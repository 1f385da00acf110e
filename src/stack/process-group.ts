import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';

export interface ProcessGroupOptions {
  /** Name used in messages. */
  name: string;
  command: string;
  args: string[];
  /** File that receives the output of the process and of every child it starts. */
  logFile: string;
  env: NodeJS.ProcessEnv;
}

/**
 * Groups still running, killed when this Node.js process exits, so a test run that ends early leaves none
 * behind. A Node.js process killed by a signal runs no exit handler, so its groups survive it.
 */
const running = new Set<ProcessGroup>();
process.once('exit', () => {
  for (const group of running) group.signal('SIGKILL');
});

/**
 * A child process that leads its own process group, for servers that fork workers, such as Airflow. Stopping
 * signals the whole group, so forked workers that stay in it end with it. Output goes straight to the log file
 * descriptor rather than through Node.js streams, because forked children keep writing after their parent
 * exits, and a stream would by then be closed.
 */
export class ProcessGroup {
  private exitCode: number | null | undefined;

  private constructor(
    readonly options: ProcessGroupOptions,
    private readonly child: ChildProcess,
  ) {
    child.on('exit', (code, signal) => {
      this.exitCode = code ?? (signal ? -1 : null);
      running.delete(this);
    });
  }

  /** Spawns the process with an argument array, never through a shell. */
  static start(options: ProcessGroupOptions): ProcessGroup {
    mkdirSync(dirname(options.logFile), { recursive: true });
    const log = openSync(options.logFile, 'a');
    try {
      const child = spawn(options.command, options.args, {
        env: options.env,
        stdio: ['ignore', log, log],
        detached: true,
      });
      const group = new ProcessGroup(options, child);
      running.add(group);
      child.on('error', () => {
        group.exitCode = -1;
        running.delete(group);
      });
      return group;
    } finally {
      closeSync(log);
    }
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get exited(): boolean {
    return this.exitCode !== undefined;
  }

  /** Sends `signal` to every process of the group; a group that is already gone is ignored. */
  signal(signal: NodeJS.Signals): void {
    if (this.child.pid === undefined) return;
    try {
      process.kill(-this.child.pid, signal);
    } catch {
      // ESRCH: no process of the group is left.
    }
  }

  /**
   * Sends SIGTERM to the group, then SIGKILL after `graceMs`, and resolves once the leader has exited. The
   * SIGKILL goes to the group even when the leader exited in time, for children that ignored SIGTERM.
   */
  async stop(graceMs = 5000): Promise<void> {
    if (this.child.pid === undefined) return;
    const exited = this.exited
      ? Promise.resolve()
      : new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.signal('SIGTERM');
    const timer = setTimeout(() => this.signal('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
    this.signal('SIGKILL');
  }
}
