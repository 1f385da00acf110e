import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { ApplicationFailure } from '@temporalio/common';
import { ToolFailureType } from './tool-failure-types';

export interface ToolRunOptions {
  /** Tool name for messages, such as `jest` or `schemathesis`. */
  toolName: string;
  /** Executable path or a name looked up on PATH. Never run through a shell. */
  command: string;
  args: string[];
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** Deadline of the run; the tool's process group is killed when it passes. */
  timeoutMs: number;
  /** Bytes kept of stdout and of stderr each; the end of the output is kept. Defaults to 1 MiB. */
  maxOutputBytes?: number;
  /** Install step named when the executable is missing, such as `run scripts/install-python-tools.sh`. */
  installHint: string;
  /** Called every `tickIntervalMs` while the tool runs, for activity heartbeats. */
  onTick?: () => void;
  /** Defaults to 5000. */
  tickIntervalMs?: number;
  /** Aborting kills the tool, such as on activity cancellation. */
  signal?: AbortSignal;
}

export interface ToolRunResult {
  /** Exit code, or null when a signal ended the process. */
  exitCode: number | null;
  exitSignal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** True when more than `maxOutputBytes` were written to a stream and its beginning was dropped. */
  outputTruncated: boolean;
  durationMs: number;
}

/** Time between SIGTERM and SIGKILL when a tool is stopped. */
const KILL_GRACE_MS = 2000;

/** Collects the last `limit` bytes written to a stream. */
class OutputTail {
  private chunks: Buffer[] = [];
  private size = 0;
  truncated = false;

  constructor(private readonly limit: number) {}

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (this.size > this.limit && this.chunks.length > 0) {
      const excess = this.size - this.limit;
      const first = this.chunks[0]!;
      this.truncated = true;
      if (first.length <= excess) {
        this.chunks.shift();
        this.size -= first.length;
      } else {
        this.chunks[0] = first.subarray(excess);
        this.size -= excess;
      }
    }
  }

  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

function checkRunnable(options: ToolRunOptions): void {
  if (!existsSync(options.cwd) || !statSync(options.cwd).isDirectory()) {
    throw ApplicationFailure.nonRetryable(
      `${options.toolName} cannot run: working directory ${options.cwd} does not exist`,
      ToolFailureType.InvalidGateInput,
    );
  }
  if (options.command.includes('/') && !existsSync(options.command)) throw toolNotFound(options);
}

function toolNotFound(options: ToolRunOptions): ApplicationFailure {
  return ApplicationFailure.nonRetryable(
    `${options.toolName} not found at ${options.command}; ${options.installHint}`,
    ToolFailureType.ToolNotFound,
  );
}

/** Sends `signal` to the tool's whole process group, so test workers and subprocesses stop with it. */
function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is already gone.
  }
}

/**
 * Runs a tool with an argument array, a deadline and capped output. A non-zero exit code is a result, not an
 * error, because test runners exit with 1 when tests fail. A missing executable throws a non-retryable
 * ApplicationFailure of type ToolNotFound, and a passed deadline one of type ToolTimedOut. An abort through
 * `signal` rejects with the signal's reason.
 */
export async function runTool(options: ToolRunOptions): Promise<ToolRunResult> {
  checkRunnable(options);
  const limit = options.maxOutputBytes ?? 1024 * 1024;
  const stdout = new OutputTail(limit);
  const stderr = new OutputTail(limit);
  const started = Date.now();

  return new Promise<ToolRunResult>((resolve, reject) => {
    // A process group of its own lets killGroup reach the tool's children too.
    const child = spawn(options.command, options.args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let stopReason: 'timeout' | 'abort' | undefined;
    let killTimer: NodeJS.Timeout | undefined;
    const stop = (reason: 'timeout' | 'abort') => {
      if (stopReason) return;
      stopReason = reason;
      killGroup(child.pid, 'SIGTERM');
      killTimer = setTimeout(() => killGroup(child.pid, 'SIGKILL'), KILL_GRACE_MS);
    };
    const deadline = setTimeout(() => stop('timeout'), options.timeoutMs);
    const ticker = options.onTick ? setInterval(options.onTick, options.tickIntervalMs ?? 5000) : undefined;
    const onAbort = () => stop('abort');
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (options.signal?.aborted) stop('abort');

    const cleanUp = () => {
      clearTimeout(deadline);
      if (killTimer) clearTimeout(killTimer);
      if (ticker) clearInterval(ticker);
      options.signal?.removeEventListener('abort', onAbort);
    };
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', (error: NodeJS.ErrnoException) => {
      cleanUp();
      if (error.code === 'ENOENT') reject(toolNotFound(options));
      else
        reject(
          ApplicationFailure.nonRetryable(
            `${options.toolName} failed to start: ${error.message}`,
            ToolFailureType.ToolFailed,
          ),
        );
    });
    child.on('close', (exitCode, exitSignal) => {
      cleanUp();
      // A tool that exits on SIGTERM may leave children behind in its group.
      if (stopReason) killGroup(child.pid, 'SIGKILL');
      if (stopReason === 'abort') {
        reject(options.signal?.reason ?? new Error(`${options.toolName} was cancelled`));
        return;
      }
      if (stopReason === 'timeout') {
        const tail = stderr.text().slice(-1000) || stdout.text().slice(-1000);
        reject(
          ApplicationFailure.nonRetryable(
            `${options.toolName} timed out after ${options.timeoutMs} ms and was killed; last output: ${tail}`,
            ToolFailureType.ToolTimedOut,
          ),
        );
        return;
      }
      resolve({
        exitCode,
        exitSignal,
        stdout: stdout.text(),
        stderr: stderr.text(),
        outputTruncated: stdout.truncated || stderr.truncated,
        durationMs: Date.now() - started,
      });
    });
  });
}

/** Describes how a tool run ended with the end of its output, for ToolFailed messages. */
export function describeToolExit(toolName: string, result: ToolRunResult, maxChars = 2000): string {
  const ending = result.exitSignal ? `was killed by ${result.exitSignal}` : `exited with code ${result.exitCode}`;
  const output = `${result.stderr}\n${result.stdout}`.trim();
  const tail = output.length > maxChars ? `…${output.slice(-maxChars)}` : output;
  return `${toolName} ${ending}${tail ? `: ${tail}` : ' without output'}`;
}

/** Variables passed on to tools from the worker's environment; everything else, secrets included, stays out. */
const PASSED_VARIABLES = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TMPDIR', 'TZ', 'SRE_TOOLS_CACHE'];

/**
 * Builds a tool environment from a few variables of `base` plus `extra`. Tools run code of the change under test,
 * so the worker's secrets must not reach them.
 */
export function toolEnvironment(base: NodeJS.ProcessEnv, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const name of PASSED_VARIABLES) if (base[name] !== undefined) env[name] = base[name];
  return { ...env, ...extra };
}
