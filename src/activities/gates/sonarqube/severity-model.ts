import { ApplicationFailure } from '@temporalio/common';
import { GateFailureType } from '../failure-types';
import type { SonarQubeIssue } from './schemas';
import type { CriticalIssue, NewIssuesRequest, SonarQubeSeverityModel } from './types';

/**
 * Picks the severity model from the text of `GET /api/server/version`, such as `9.9.4.87374`, `10.6.0.92116`
 * or `2025.1.0.102418`. Impacts arrived in 10.2 and the BLOCKER impact severity in 10.8; later releases are
 * numbered by year (2025.1 for Server, 25.1 for the Community Build), which both count as 10.8 or later.
 */
export function severityModelForVersion(version: string): SonarQubeSeverityModel {
  const match = /^(\d+)\.(\d+)/.exec(version.trim());
  if (!match) {
    throw ApplicationFailure.nonRetryable(
      `SonarQube returned "${version.slice(0, 40)}" as its version, which is not a version such as 10.6.0.92116, ` +
        'so set SONARQUBE_SEVERITY_MODEL on the worker',
      GateFailureType.InvalidResponse,
    );
  }
  const major = Number(match[1]);
  const minor = Number(match[2]);
  if (major > 10 || (major === 10 && minor >= 8)) return 'impacts-blocker';
  if (major === 10 && minor >= 2) return 'impacts';
  return 'legacy';
}

/** Largest page SonarQube's issue search returns. */
export const ISSUE_PAGE_SIZE = 500;

/**
 * Builds the `api/issues/search` parameters for the new, unresolved, critical issues of a project. 10.2
 * renamed `componentKeys` to `components` and added `impactSeverities`. With a pull request SonarQube ignores
 * `inNewCodePeriod`, because every issue of a pull request analysis is new.
 */
export function issueSearchParams(
  model: SonarQubeSeverityModel,
  request: NewIssuesRequest,
  page: number,
): Record<string, string | undefined> {
  const severity =
    model === 'legacy'
      ? { componentKeys: request.projectKey, severities: 'CRITICAL,BLOCKER' }
      : { components: request.projectKey, impactSeverities: model === 'impacts' ? 'HIGH' : 'HIGH,BLOCKER' };
  return {
    ...severity,
    branch: request.branch,
    pullRequest: request.pullRequest,
    inNewCodePeriod: 'true',
    resolved: 'false',
    p: String(page),
    ps: String(ISSUE_PAGE_SIZE),
  };
}

function legacyRating(issue: SonarQubeIssue): Pick<CriticalIssue, 'severity' | 'rating'> | undefined {
  if (issue.severity === 'BLOCKER') return { severity: 'critical', rating: 'BLOCKER' };
  if (issue.severity === 'CRITICAL') return { severity: 'high', rating: 'CRITICAL' };
  return undefined;
}

function impactRating(
  issue: SonarQubeIssue,
  withBlocker: boolean,
): Pick<CriticalIssue, 'severity' | 'rating'> | undefined {
  const impacts = issue.impacts ?? [];
  const blocker = withBlocker ? impacts.find((impact) => impact.severity === 'BLOCKER') : undefined;
  if (blocker) return { severity: 'critical', rating: `${blocker.softwareQuality}: BLOCKER` };
  const high = impacts.find((impact) => impact.severity === 'HIGH');
  if (high) return { severity: 'high', rating: `${high.softwareQuality}: HIGH` };
  return undefined;
}

/**
 * Rates one issue of a search response. The search parameters already filter, but the gate checks each issue
 * again, so that a server that ignores an unknown parameter cannot turn every issue into a critical one.
 */
export function rateIssue(model: SonarQubeSeverityModel, issue: SonarQubeIssue): CriticalIssue | undefined {
  const rating = model === 'legacy' ? legacyRating(issue) : impactRating(issue, model === 'impacts-blocker');
  if (!rating) return undefined;
  return {
    key: issue.key,
    rule: issue.rule,
    component: issue.component,
    line: issue.line,
    message: issue.message,
    ...rating,
  };
}
