import type { CriticalIssue, NewIssuesResult, QualityGateResult } from '../../activities/gates/sonarqube/types';
import type { Finding, GateVerdict } from '../../gates/contracts';
import { plural } from './verdict-helpers';

export interface SastResults {
  projectKey: string;
  qualityGate: QualityGateResult;
  issues: NewIssuesResult;
  blockOnQualityGate: boolean;
  durationMs: number;
}

/** Shortens a component key such as `acme_shop:src/app.ts` to its path, with the line when known. */
function locationOf(issue: CriticalIssue): string {
  const separator = issue.component.indexOf(':');
  const path = separator >= 0 ? issue.component.slice(separator + 1) : issue.component;
  return issue.line === undefined ? path : `${path}:${issue.line}`;
}

function issueFinding(issue: CriticalIssue): Finding {
  return {
    gate: 'sast',
    severity: issue.severity,
    title: `New ${issue.rating} issue: ${issue.message}`.slice(0, 200),
    location: locationOf(issue),
    detail: `SonarQube issue ${issue.key}, rule ${issue.rule}`,
    ruleId: issue.rule,
  };
}

function conditionFinding(condition: QualityGateResult['failedConditions'][number]): Finding {
  const threshold = [condition.comparator, condition.errorThreshold].filter(Boolean).join(' ');
  return {
    gate: 'sast',
    severity: 'high',
    title: `Quality gate condition failed: ${condition.metricKey}`,
    detail: `actual value ${condition.actualValue ?? 'unknown'}, error when ${threshold || 'the condition fails'}`,
    ruleId: condition.metricKey,
  };
}

function describeIssues(issues: NewIssuesResult): string {
  if (issues.count === 0) return 'no new critical issues';
  const listedNote = issues.issues.length < issues.count ? ` (first ${issues.issues.length} listed)` : '';
  const incomplete = issues.incomplete ? ', more than SonarQube search can list' : '';
  return `${plural(issues.count, 'new critical issue')}${listedNote}${incomplete}`;
}

function describeQualityGate(qualityGate: QualityGateResult, blocks: boolean): string {
  if (qualityGate.status === 'NONE') return 'no quality gate assigned to the project';
  if (qualityGate.status !== 'ERROR') return `quality gate ${qualityGate.status}`;
  const failed = plural(qualityGate.failedConditions.length, 'condition');
  return `quality gate ERROR (${failed} failed${blocks ? '' : ', not blocking'})`;
}

/**
 * Decides the SAST gate: any new critical issue blocks (the matrix rule), and so does a failed quality gate
 * unless `blockOnQualityGate` is false. Quality gate findings are listed either way.
 */
export function sastVerdict(results: SastResults): GateVerdict {
  const { qualityGate, issues } = results;
  const qualityGateBlocks = results.blockOnQualityGate && qualityGate.status === 'ERROR';
  const findings = [...issues.issues.map(issueFinding), ...qualityGate.failedConditions.map(conditionFinding)];
  const blocked = issues.count > 0 || qualityGateBlocks;
  return {
    gate: 'sast',
    status: blocked ? 'block' : 'pass',
    summary: `SonarQube ${results.projectKey}: ${describeIssues(issues)}; ${describeQualityGate(qualityGate, results.blockOnQualityGate)}`,
    findings,
    durationMs: results.durationMs,
  };
}
