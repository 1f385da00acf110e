import { Context } from '@temporalio/activity';
import { z } from 'zod';
import type { OpenTicketRequest, TicketResult } from '../contracts';
import { parseResponse, type GitHubClient } from './github-client';
import { checkMarkerText, incidentLabel, issueMarker, withMarker } from './markers';
import { readToken, repositoryPath } from './repository';

const issueSchema = z.object({
  number: z.number().int().positive(),
  html_url: z.string(),
  body: z.string().nullable().optional(),
  pull_request: z.unknown().optional(),
});

type Issue = z.output<typeof issueSchema>;

/** Issues per page of a list request, the maximum GitHub allows. */
const PAGE_SIZE = 100;

/** Allowance for the clocks of Temporal and GitHub when listing issues updated since the activity started. */
const CLOCK_SKEW_MS = 60_000;

function toResult(issue: Issue, alreadyExisted: boolean): TicketResult {
  return { number: issue.number, url: issue.html_url, alreadyExisted };
}

/** Lists issues, not pull requests, with the query, oldest first. */
async function listIssues(client: GitHubClient, token: string, path: string, query: URLSearchParams, action: string) {
  const body = await client.request(token, 'GET', `${path}/issues?${query}`, action);
  const issues = parseResponse(z.array(issueSchema), body, action);
  return issues.filter((issue) => issue.pull_request === undefined).sort((a, b) => a.number - b.number);
}

/**
 * Finds the incident's issue: first by its label, then, because GitHub silently drops the labels of a token
 * without push access, by the hidden marker in the body of issues updated since the activity was scheduled.
 * The list endpoints are used instead of the search API, whose index lags behind new issues.
 */
async function findIssue(
  client: GitHubClient,
  token: string,
  request: OpenTicketRequest,
  path: string,
): Promise<Issue | undefined> {
  const labelQuery = new URLSearchParams({
    labels: incidentLabel(request.incidentId),
    state: 'all',
    per_page: String(PAGE_SIZE),
  });
  const labelled = await listIssues(client, token, path, labelQuery, `list issues of ${request.ticket.repository}`);
  if (labelled[0]) return labelled[0];

  const since = new Date(Context.current().info.scheduledTimestampMs - CLOCK_SKEW_MS).toISOString();
  const recentQuery = new URLSearchParams({
    state: 'all',
    since,
    sort: 'created',
    direction: 'desc',
    per_page: String(PAGE_SIZE),
  });
  // NOTE: Only the first page is read, so more than 100 issues updated since the activity was scheduled can hide
  // an unlabelled issue of this incident, and a second issue is opened.
  const recent = await listIssues(
    client,
    token,
    path,
    recentQuery,
    `list recent issues of ${request.ticket.repository}`,
  );
  const marker = issueMarker(request.incidentId);
  return recent.find((issue) => issue.body?.includes(marker));
}

/**
 * Opens an issue for the incident, or returns the one an earlier call opened. The issue carries the label
 * `incident:<incidentId>` and a hidden marker in its body, which findIssue looks for before creating one.
 */
export async function openTicket(
  client: GitHubClient,
  env: NodeJS.ProcessEnv,
  request: OpenTicketRequest,
): Promise<TicketResult> {
  checkMarkerText('incident id', request.incidentId);
  const token = readToken(env, request.ticket);
  const path = repositoryPath(request.ticket);
  const context = Context.current();

  const existing = await findIssue(client, token, request, path);
  if (existing) {
    context.log.info('Incident ticket already exists', { incidentId: request.incidentId, number: existing.number });
    return toResult(existing, true);
  }

  const action = `create issue in ${request.ticket.repository}`;
  const created = await client.request(token, 'POST', `${path}/issues`, action, {
    title: request.title,
    body: withMarker(request.body, issueMarker(request.incidentId)),
    labels: [...new Set([...request.ticket.labels, incidentLabel(request.incidentId)])],
  });
  const issue = parseResponse(issueSchema, created, action);
  context.log.info('Opened incident ticket', { incidentId: request.incidentId, number: issue.number });
  return toResult(issue, false);
}
