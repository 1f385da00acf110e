import type { GateName, GateStatus, GateVerdict } from '../../gates/contracts';

/**
 * A verdict for a gate whose tool returned no result. `error` blocks like `block` does. Its one finding repeats the
 * reason, so that lists of findings show why the gate blocks.
 */
export function errorVerdict(gate: GateName, reason: string, startedAt: number): GateVerdict {
  return {
    gate,
    status: 'error',
    summary: `${gate} gate could not run: ${reason}`.slice(0, 1000),
    findings: [{ gate, severity: 'high', title: 'Gate could not run', detail: reason.slice(0, 4000) }],
    durationMs: Date.now() - startedAt,
  };
}

/**
 * Combines gate statuses: `block` when any gate blocks, because a finding tells the author what to fix,
 * else `error` when any gate returned no result, else `pass`. No gates at all is `error`: nothing was checked.
 */
export function combineStatuses(statuses: GateStatus[]): GateStatus {
  if (statuses.length === 0) return 'error';
  if (statuses.includes('block')) return 'block';
  if (statuses.includes('error')) return 'error';
  return 'pass';
}

/** Writes `count` with the singular or plural noun, such as `1 issue` or `3 issues`. */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
