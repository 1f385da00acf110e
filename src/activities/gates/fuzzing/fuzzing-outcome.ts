import type { Finding } from '../../../gates/contracts';
import type { GateOutcome } from '../gate-outcome';
import type { FuzzProgress } from './types';

export interface FuzzingSummary {
  progress: FuzzProgress;
  maxCases: number;
  seed: number;
  /** True when the duration limit ended the run before `maxCases`. */
  stoppedAtDeadline: boolean;
  canaryChecked: boolean;
}

/** Decides the fuzzing gate: any finding of medium severity or above blocks. */
export function fuzzingOutcome(summary: FuzzingSummary): GateOutcome {
  const { counts, casesRun, findings } = summary.progress;
  const blocking = counts.medium + counts.high + counts.critical;
  const notes: Finding[] = [];
  if (summary.stoppedAtDeadline) {
    notes.push({
      gate: 'adversarial-fuzzing',
      severity: 'info',
      title: 'Duration limit reached',
      detail: `${casesRun} of ${summary.maxCases} cases ran before the duration limit.`,
    });
  }
  if (!summary.canaryChecked) {
    notes.push({
      gate: 'adversarial-fuzzing',
      severity: 'info',
      title: 'Leak check skipped',
      detail: 'No canaryEnv was given, so responses were not checked for a leaked secret.',
    });
  }
  const omitted = counts.info + counts.low + blocking - findings.length;
  const listed = omitted > 0 ? `, ${omitted} not listed` : '';
  const summaryText =
    `${blocking} findings of medium severity or above in ${casesRun} cases ` +
    `(critical ${counts.critical}, high ${counts.high}, medium ${counts.medium}, low ${counts.low}${listed}; seed ${summary.seed})`;
  return { status: blocking > 0 ? 'block' : 'pass', summary: summaryText, findings: [...findings, ...notes] };
}
