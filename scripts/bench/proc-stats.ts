import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** CPU time and memory of one process at one moment, from Linux's /proc. */
export interface ProcSnapshot {
  /** User plus system CPU time of all the process's threads, in seconds. */
  cpuSeconds: number;
  /** Resident set size, in bytes. */
  rssBytes: number;
  /** Peak resident set size since the process started (VmHWM), in bytes. */
  peakRssBytes: number;
}

function readClockTicksPerSecond(): number {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    // 100 is the USER_HZ of every mainstream Linux architecture.
    return 100;
  }
}

const CLOCK_TICKS_PER_SECOND = readClockTicksPerSecond();

/** Returns the fields of /proc/<pid>/stat after the command name, which may itself contain spaces and brackets. */
function readStatFields(pid: number): { comm: string; fields: string[] } {
  const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  return {
    comm: text.slice(open + 1, close),
    fields: text
      .slice(close + 2)
      .trim()
      .split(' '),
  };
}

function readStatusKilobytes(status: string, key: string): number {
  const match = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status);
  return match ? Number(match[1]) : 0;
}

/** Reads the process's CPU time and memory; throws when the process no longer exists. */
export function readProcSnapshot(pid: number): ProcSnapshot {
  const { fields } = readStatFields(pid);
  // fields[0] is field 3 (state) of proc(5), so utime (field 14) and stime (field 15) sit at 11 and 12.
  const ticks = Number(fields[11]) + Number(fields[12]);
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return {
    cpuSeconds: ticks / CLOCK_TICKS_PER_SECOND,
    rssBytes: readStatusKilobytes(status, 'VmRSS') * 1024,
    peakRssBytes: readStatusKilobytes(status, 'VmHWM') * 1024,
  };
}

/** Finds a direct child of `parentPid` whose command name is `comm`, such as the `temporal` dev server. */
export function findChildPid(parentPid: number, comm: string): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readStatFields(Number(entry));
      if (stat.comm === comm && Number(stat.fields[1]) === parentPid) return Number(entry);
    } catch {
      // The process exited between readdir and read.
    }
  }
  return undefined;
}

/** Usage of one process over a measured interval. */
export interface ProcUsage {
  /** CPU seconds used inside the interval. */
  cpuSeconds: number;
  /** CPU seconds used from process start to the beginning of the interval, such as bundling at startup. */
  cpuSecondsBefore: number;
  /** Largest RSS seen by the sampler inside the interval, in bytes. */
  maxRssBytes: number;
  /** VmHWM at the end of the interval: the peak RSS since the process started, in bytes. */
  peakRssBytes: number;
  /** Snapshots read inside the interval. */
  samples: number;
}

/** Reads /proc for one process at a fixed interval between `start` and `stop`, keeping the largest RSS. */
export class ProcSampler {
  private timer: NodeJS.Timeout | undefined;
  private first: ProcSnapshot | undefined;
  private last: ProcSnapshot | undefined;
  private maxRssBytes = 0;
  private samples = 0;

  constructor(
    readonly name: string,
    readonly pid: number,
    private readonly intervalMs = 200,
  ) {}

  start(): void {
    this.first = this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
  }

  stop(): ProcUsage {
    clearInterval(this.timer);
    this.sample();
    const first = this.first;
    const last = this.last;
    if (!first || !last) throw new Error(`process ${this.name} (pid ${this.pid}) could not be read from /proc`);
    return {
      cpuSeconds: last.cpuSeconds - first.cpuSeconds,
      cpuSecondsBefore: first.cpuSeconds,
      maxRssBytes: this.maxRssBytes,
      peakRssBytes: last.peakRssBytes,
      samples: this.samples,
    };
  }

  private sample(): ProcSnapshot | undefined {
    try {
      const snapshot = readProcSnapshot(this.pid);
      this.last = snapshot;
      this.maxRssBytes = Math.max(this.maxRssBytes, snapshot.rssBytes);
      this.samples += 1;
      return snapshot;
    } catch {
      // The process exited; the interval ends with the last snapshot read.
      return undefined;
    }
  }
}
