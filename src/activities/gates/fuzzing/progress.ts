import { z } from 'zod';
import type { Finding, Severity } from '../../../gates/contracts';
import type { FuzzProgress } from './types';

/** Findings kept in the verdict and in heartbeat details, which must stay well below Temporal's payload limit. */
export const MAX_KEPT_FINDINGS = 100;

const SEVERITIES: readonly Severity[] = ['info', 'low', 'medium', 'high', 'critical'];
const severitySchema = z.enum(['info', 'low', 'medium', 'high', 'critical']);

const progressSchema = z.object({
  nextCaseIndex: z.number().int().nonnegative(),
  casesRun: z.number().int().nonnegative(),
  counts: z.record(severitySchema, z.number().int().nonnegative()),
  findings: z.array(
    z.object({
      gate: z.literal('adversarial-fuzzing'),
      severity: severitySchema,
      title: z.string(),
      location: z.string().optional(),
      detail: z.string().optional(),
      ruleId: z.string().optional(),
    }),
  ),
});

export function emptyProgress(): FuzzProgress {
  return { nextCaseIndex: 0, casesRun: 0, counts: { info: 0, low: 0, medium: 0, high: 0, critical: 0 }, findings: [] };
}

/**
 * Reads the progress of an earlier attempt from its heartbeat details. Details of another shape, which only an
 * incompatible worker version could write, start the run over rather than fail it.
 */
export function progressFromHeartbeat(details: unknown): FuzzProgress | undefined {
  const parsed = progressSchema.safeParse(details);
  return parsed.success ? parsed.data : undefined;
}

/**
 * Adds the findings of a finished case. When more than MAX_KEPT_FINDINGS accumulate, the most severe are kept,
 * earlier cases first among equals; the counts always include every finding.
 */
export function recordCase(progress: FuzzProgress, index: number, findings: Finding[]): FuzzProgress {
  const counts = { ...progress.counts };
  for (const finding of findings) counts[finding.severity] += 1;
  const rank = (finding: Finding) => SEVERITIES.indexOf(finding.severity);
  const kept = [...progress.findings, ...findings]
    .map((finding, order) => ({ finding, order }))
    .sort((a, b) => rank(b.finding) - rank(a.finding) || a.order - b.order)
    .slice(0, MAX_KEPT_FINDINGS)
    .sort((a, b) => a.order - b.order)
    .map(({ finding }) => finding);
  return { nextCaseIndex: index + 1, casesRun: progress.casesRun + 1, counts, findings: kept };
}
