import type { Finding } from '../../../gates/contracts';
import type { GateOutcome } from '../gate-outcome';
import { percentCovered, type CoverageCount, type NewCodeCoverage } from './new-code-coverage';
import type { RunnerResult } from './types';

export interface UnitTestOutcomeInput {
  results: RunnerResult[];
  /** Coverage of the lines the change adds; absent without a base commit. */
  newCode?: NewCodeCoverage;
  /** Coverage of every line, reported instead of new-code coverage when there is no base commit. */
  allLines: CoverageCount;
  requiredPercent: number;
  maxLineFindings: number;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function failureFindings(results: RunnerResult[]): Finding[] {
  return results.flatMap((result) =>
    result.failures.map((failure) => ({
      gate: 'unit-tests' as const,
      severity: 'high' as const,
      title: failure.title,
      location: failure.location,
      detail: failure.detail,
      ruleId: failure.runner,
    })),
  );
}

function uncoveredFindings(newCode: NewCodeCoverage, maxLineFindings: number, blocks: boolean): Finding[] {
  const severity = blocks ? 'medium' : 'low';
  const listed: Finding[] = newCode.uncovered.slice(0, maxLineFindings).map(({ path, line }) => ({
    gate: 'unit-tests',
    severity,
    title: 'New line not covered',
    location: `${path}:${line}`,
  }));
  const rest = newCode.uncovered.length - listed.length;
  if (rest > 0) {
    listed.push({
      gate: 'unit-tests',
      severity,
      title: `${rest} more new lines not covered`,
      detail: `Only the first ${maxLineFindings} uncovered new lines are listed.`,
    });
  }
  return listed;
}

function coverageSentence(input: UnitTestOutcomeInput): string {
  if (!input.newCode) {
    return `${percentCovered(input.allLines)}% of all lines covered (no base commit, so informational only)`;
  }
  if (input.newCode.coverableLines === 0) return 'no coverable new lines';
  const uncovered = input.newCode.uncovered.length;
  return `${plural(uncovered, 'new line')} not covered (${percentCovered(input.newCode)}% of ${input.newCode.coverableLines} new lines covered)`;
}

/**
 * Decides the unit-test gate: any failed test blocks, and so does new-code line coverage below the required
 * percentage. Without a base commit (pushes and schedules) there are no new lines, so only test failures block
 * and the coverage of all lines is reported as an `info` finding.
 */
export function unitTestOutcome(input: UnitTestOutcomeInput): GateOutcome {
  const failures = failureFindings(input.results);
  const total = input.results.reduce((sum, result) => sum + result.total, 0);
  const findings: Finding[] = [...failures];
  let coverageBlocks = false;
  if (input.newCode) {
    coverageBlocks = percentCovered(input.newCode) < input.requiredPercent;
    findings.push(...uncoveredFindings(input.newCode, input.maxLineFindings, coverageBlocks));
  } else {
    findings.push({
      gate: 'unit-tests',
      severity: 'info',
      title: 'Line coverage of all code',
      detail: `${input.allLines.coveredLines} of ${input.allLines.coverableLines} lines covered (${percentCovered(input.allLines)}%)`,
    });
  }
  findings.push(...input.results.flatMap((result) => result.notes));
  const runners = input.results.map((result) => result.runner).join(' and ');
  const summary = `${plural(failures.length, 'test failure')} in ${plural(total, 'test')} (${runners}); ${coverageSentence(input)}`;
  return { status: failures.length > 0 || coverageBlocks ? 'block' : 'pass', summary, findings };
}
