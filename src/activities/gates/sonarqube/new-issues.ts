import { Context } from '@temporalio/activity';
import { getSonarQubeJson, type SonarQubeConnection } from './client';
import { issueSearchResponseSchema } from './schemas';
import { issueSearchParams, rateIssue } from './severity-model';
import type { CriticalIssue, NewIssuesRequest, NewIssuesResult, SonarQubeSeverityModel } from './types';

/** SonarQube's issue search stops at this many results (p × ps must stay at or below it). */
export const SEARCH_RESULT_LIMIT = 10_000;

/**
 * Issues kept in the result. The verdict travels through workflow histories, where payloads above about 2 MB
 * fail; the count still covers every issue found.
 */
export const MAX_REPORTED_ISSUES = 200;

/**
 * Finds the new, unresolved, critical issues of a project, branch or pull request, paging through
 * `api/issues/search` with `p` and `ps` until `paging.total` is reached.
 */
export async function findNewCriticalIssues(
  connection: SonarQubeConnection,
  model: SonarQubeSeverityModel,
  request: NewIssuesRequest,
): Promise<NewIssuesResult> {
  const issues: CriticalIssue[] = [];
  let count = 0;
  let total = 0;
  for (let page = 1; ; page += 1) {
    const response = await getSonarQubeJson(
      connection,
      'api/issues/search',
      issueSearchParams(model, request, page),
      issueSearchResponseSchema,
      `search the new critical issues of ${request.projectKey} (page ${page})`,
    );
    total = response.paging.total;
    for (const issue of response.issues) {
      const critical = rateIssue(model, issue);
      if (!critical) continue;
      count += 1;
      if (issues.length < MAX_REPORTED_ISSUES) issues.push(critical);
    }
    Context.current().heartbeat({ page, total });
    // A server may return smaller pages than asked for, so the page size it reports counts.
    const read = page * response.paging.pageSize;
    if (response.issues.length === 0 || read >= total || read >= SEARCH_RESULT_LIMIT) break;
  }
  return { model, count, issues, incomplete: total > SEARCH_RESULT_LIMIT };
}
