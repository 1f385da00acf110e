import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { z } from 'zod';
import type { CommentOnTicketRequest } from '../contracts';
import { FailureType } from '../failure-types';
import { parseResponse, type GitHubClient } from './github-client';
import { checkMarkerText, commentMarker, withMarker } from './markers';
import { readToken, repositoryPath } from './repository';

const commentSchema = z.object({ id: z.number().int(), body: z.string().optional() });

/** Comments per page, the maximum GitHub allows. */
const PAGE_SIZE = 100;

/** Pages read before giving up, so an issue with a very long thread cannot keep the activity busy. */
const MAX_PAGES = 30;

/** Returns true when a comment on the issue already contains the marker, reading the comments page by page. */
async function hasComment(client: GitHubClient, token: string, path: string, marker: string, issue: number) {
  const action = `list comments of issue ${issue}`;
  for (let page = 1; page <= MAX_PAGES; page++) {
    const query = new URLSearchParams({ per_page: String(PAGE_SIZE), page: String(page) });
    const body = await client.request(token, 'GET', `${path}/issues/${issue}/comments?${query}`, action);
    const comments = parseResponse(z.array(commentSchema), body, action);
    if (comments.some((comment) => comment.body?.includes(marker))) return true;
    if (comments.length < PAGE_SIZE) return false;
  }
  throw ApplicationFailure.nonRetryable(
    `issue ${issue} has more than ${MAX_PAGES * PAGE_SIZE} comments, too many to check for an earlier ` +
      'comment of this incident, so none was added',
    FailureType.InvalidRequest,
  );
}

/**
 * Adds a comment to the incident's issue, unless a comment with the same incident id and comment key exists.
 * A hidden marker with both ends the comment and makes the repeat a no-op.
 */
export async function commentOnTicket(
  client: GitHubClient,
  env: NodeJS.ProcessEnv,
  request: CommentOnTicketRequest,
): Promise<void> {
  checkMarkerText('incident id', request.incidentId);
  checkMarkerText('comment key', request.commentKey);
  const token = readToken(env, request.ticket);
  const path = repositoryPath(request.ticket);
  const marker = commentMarker(request.incidentId, request.commentKey);
  const context = Context.current();
  const logIds = { incidentId: request.incidentId, number: request.number, commentKey: request.commentKey };

  if (await hasComment(client, token, path, marker, request.number)) {
    context.log.info('Ticket comment already exists', logIds);
    return;
  }
  const action = `comment on issue ${request.number} of ${request.ticket.repository}`;
  const created = await client.request(token, 'POST', `${path}/issues/${request.number}/comments`, action, {
    body: withMarker(request.body, marker),
  });
  parseResponse(commentSchema, created, action);
  context.log.info('Commented on ticket', logIds);
}
