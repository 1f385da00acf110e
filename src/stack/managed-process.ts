import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

export interface ManagedProcessOptions {
  /** Name used in messages and for the log file. */
  name: string;
  command: string;
  args: string[];
  /** File that receives the process's stdout and stderr. */
  logFile: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/** A child process started for the local stack, with its output in a log file. */
export class ManagedProcess {
  private exitCode: number | null | undefined;

  private constructor(
    readonly options: ManagedProcessOptions,
    private readonly child: ChildProcess,
  ) {
    child.on('exit', (code, signal) => {
      this.exitCode = code ?? (signal ? -1 : null);
    });
  }

  /** Spawns the process with an argument array, never through a shell. */
  static start(options: ManagedProcessOptions): ManagedProcess {
    mkdirSync(dirname(options.logFile), { recursive: true });
    const log = createWriteStream(options.logFile, { flags: 'a' });
    const child = spawn(options.command, options.args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // Both streams share one file; neither may end it, or the other (and forked children) write after its end.
    child.stdout?.pipe(log, { end: false });
    child.stderr?.pipe(log, { end: false });
    child.on('close', () => log.end());
    child.on('error', (error) => log.write(`failed to start ${options.command}: ${error.message}\n`));
    return new ManagedProcess(options, child);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get exited(): boolean {
    return this.exitCode !== undefined;
  }

  /**
   * Polls `url` until it responds with a 2xx status. Fails early when the process exits, and after `timeoutMs`.
   */
  async waitForHttp(url: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let lastError = 'no response yet';
    while (Date.now() < deadline) {
      if (this.exited) {
        throw new Error(
          `${this.options.name} exited with code ${this.exitCode} before ${url} was ready; see ${this.options.logFile}`,
        );
      }
      try {
        const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
        if (response.ok) return;
        lastError = `HTTP ${response.status}`;
      } catch (error) {
        lastError = (error as Error).message;
      }
      await delay(200);
    }
    throw new Error(
      `${this.options.name} was not ready at ${url} after ${timeoutMs} ms (${lastError}); see ${this.options.logFile}`,
    );
  }

  /** Sends SIGTERM, then SIGKILL after `graceMs`, and resolves once the process has exited. */
  async stop(graceMs = 5000): Promise<void> {
    if (this.exited || this.child.pid === undefined) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }
}
