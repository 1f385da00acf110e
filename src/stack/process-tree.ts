import { readdirSync, readFileSync } from 'node:fs';

/** A process identified by pid and start time, so a pid the kernel has since reused is not mistaken for it. */
export interface ProcessIdentity {
  pid: number;
  startTicks: string;
}

interface ProcStat {
  pid: number;
  ppid: number;
  startTicks: string;
}

/** Parses /proc/<pid>/stat; the command name in brackets may contain spaces, so fields count from its end. */
function readStat(pid: number): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // After the name: state(3) ppid(4) ... starttime(22), so ppid is fields[1] and starttime fields[19].
  const ppid = Number(fields[1]);
  const startTicks = fields[19];
  if (Number.isNaN(ppid) || startTicks === undefined) return undefined;
  return { pid, ppid, startTicks };
}

/** Lists `rootPid` and all its descendants that are alive now. Linux only (reads /proc). */
export function listProcessTree(rootPid: number): ProcessIdentity[] {
  const children = new Map<number, ProcStat[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (!stat) continue;
    const siblings = children.get(stat.ppid) ?? [];
    siblings.push(stat);
    children.set(stat.ppid, siblings);
  }
  const root = readStat(rootPid);
  if (!root) return [];
  const tree: ProcessIdentity[] = [];
  const pending = [root];
  while (pending.length > 0) {
    const next = pending.pop()!;
    tree.push({ pid: next.pid, startTicks: next.startTicks });
    pending.push(...(children.get(next.pid) ?? []));
  }
  return tree;
}

/** Sends SIGKILL to each listed process that is still the same process; returns how many were signalled. */
export function killRemaining(processes: ProcessIdentity[]): number {
  let killed = 0;
  for (const identity of processes) {
    const stat = readStat(identity.pid);
    if (!stat || stat.startTicks !== identity.startTicks) continue;
    try {
      process.kill(identity.pid, 'SIGKILL');
      killed += 1;
    } catch {
      // The process exited between the check and the signal.
    }
  }
  return killed;
}

/**
 * Sums the proportional set size (PSS) of the processes in kibibytes. PSS splits pages shared between forked
 * processes among them, so the sum does not count Airflow's copy-on-write worker pages twice, as RSS would.
 */
export function proportionalSetSizeKiB(processes: ProcessIdentity[]): number {
  let total = 0;
  for (const { pid } of processes) {
    try {
      const match = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
      if (match?.[1]) total += Number(match[1]);
    } catch {
      // The process exited while the tree was read.
    }
  }
  return total;
}
