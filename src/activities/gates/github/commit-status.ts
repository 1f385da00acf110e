import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { z } from 'zod';
import { failureForStatus } from '../../errors';
import { redact, withRetryAfter } from '../../http-failure';
import { GateFailureType } from '../failure-types';
import { apiUrl, parseJsonText, parseResponseBody, sendRequest, type HttpResult } from '../http-request';
import type { CommitStatusRequest, CommitStatusResult, GitHubStatusActivities } from './types';

// GitHub REST API, "Create a commit status" (docs.github.com/rest/commits/statuses, API version 2022-11-28):
// POST /repos/{owner}/{repo}/statuses/{sha} returns 201 with the status. GitHub keeps the newest status per
// context, so posting the same status again after a retry leaves the commit page as it was.

/** GitHub rejects longer descriptions with 422. */
export const MAX_DESCRIPTION_LENGTH = 140;

export interface GitHubStatusOptions {
  /** REST API base URL: https://api.github.com for github.com, https://HOST/api/v3 for GitHub Enterprise Server. */
  apiUrl: string;
  /** Environment variable holding a token with `repo:status` scope (classic) or commit statuses write access. */
  tokenEnv: string;
  env: NodeJS.ProcessEnv;
  /** Maximum time in ms for one HTTP request. Default 10000. */
  fetchTimeoutMs?: number;
}

const requestSchema = z.object({
  repository: z.string().regex(/^[\w.-]+\/[\w.-]+$/, 'must be owner/name'),
  sha: z.string().regex(/^[0-9a-f]{40}$/i, 'must be a full 40-character commit SHA'),
  state: z.enum(['success', 'failure', 'error', 'pending']),
  context: z.string().min(1),
  description: z.string(),
  targetUrl: z.url({ protocol: /^https?$/ }).optional(),
});

const createdSchema = z.object({
  id: z.number(),
  state: z.enum(['success', 'failure', 'error', 'pending']),
  context: z.string(),
});

const errorSchema = z.object({
  message: z.string(),
  errors: z.array(z.object({ message: z.string().optional(), code: z.string().optional() })).optional(),
});

function truncate(text: string, maxLength: number): string {
  return text.length <= maxLength ? text : `${text.slice(0, maxLength - 1)}…`;
}

function readToken(options: GitHubStatusOptions): string {
  const token = options.env[options.tokenEnv];
  if (!token) {
    throw ApplicationFailure.nonRetryable(
      `environment variable ${options.tokenEnv} is unset or empty; set it to a GitHub token that may write commit statuses`,
      GateFailureType.MissingSecret,
    );
  }
  return token;
}

function describeError(text: string): string {
  const parsed = errorSchema.safeParse(parseJsonText(text));
  if (!parsed.success) return text;
  const details = (parsed.data.errors ?? []).map((error) => error.message ?? error.code).filter(Boolean);
  return details.length > 0 ? `${parsed.data.message} (${details.join('; ')})` : parsed.data.message;
}

/**
 * Returns the delay until GitHub's primary rate limit resets, from `x-ratelimit-reset` (epoch seconds), when
 * `x-ratelimit-remaining` is 0; undefined otherwise.
 */
function rateLimitDelayMs(result: HttpResult): number | undefined {
  if (result.headers.get('x-ratelimit-remaining') !== '0') return undefined;
  const reset = Number(result.headers.get('x-ratelimit-reset'));
  return Number.isFinite(reset) ? Math.max(1_000, reset * 1_000 - Date.now()) : undefined;
}

function failureForResponse(action: string, result: HttpResult, token: string): ApplicationFailure {
  const detail = redact(describeError(result.text), [token]);
  // GitHub signals rate limits with 403 or 429, and both clear once the limit resets.
  const limitDelay = rateLimitDelayMs(result);
  if (limitDelay !== undefined || (result.status === 403 && result.headers.get('retry-after'))) {
    return ApplicationFailure.create({
      message: `GitHub ${action} was rate limited (HTTP ${result.status}): ${detail}`,
      type: GateFailureType.Transient,
      nextRetryDelay: limitDelay ?? Number(result.headers.get('retry-after')) * 1_000,
    });
  }
  return withRetryAfter(failureForStatus('GitHub', action, result.status, detail), result.headers.get('retry-after'));
}

function validRequest(input: CommitStatusRequest): CommitStatusRequest {
  const parsed = requestSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw ApplicationFailure.nonRetryable(
    `invalid commit status request: ${issue.path.join('.')}: ${issue.message}`,
    GateFailureType.InvalidRequest,
  );
}

/** Builds the documented request body; `target_url` is left out when there is no link. */
function requestBody(request: CommitStatusRequest): string {
  return JSON.stringify({
    state: request.state,
    context: request.context,
    description: truncate(request.description, MAX_DESCRIPTION_LENGTH),
    target_url: request.targetUrl,
  });
}

function requestHeaders(token: string): Record<string, string> {
  return {
    authorization: `Bearer ${token}`,
    accept: 'application/vnd.github+json',
    'content-type': 'application/json',
    'x-github-api-version': '2022-11-28',
    'user-agent': 'slo-autopilot',
  };
}

/** Creates the `reportCommitStatus` activity, which sets a commit status through GitHub's REST API. */
export function createGitHubStatusActivities(options: GitHubStatusOptions): GitHubStatusActivities {
  return {
    async reportCommitStatus(input: CommitStatusRequest): Promise<CommitStatusResult> {
      const request = validRequest(input);
      const token = readToken(options);
      const action = `set status ${request.context}=${request.state} on ${request.repository}@${request.sha.slice(0, 7)}`;
      const context = {
        system: 'GitHub',
        action,
        timeoutMs: options.fetchTimeoutMs ?? 10_000,
        secrets: [token],
        signal: Context.current().cancellationSignal,
      };

      const url = apiUrl(options.apiUrl, `repos/${request.repository}/statuses/${request.sha}`);
      const init = { method: 'POST', headers: requestHeaders(token), body: requestBody(request) };
      const result = await sendRequest(url, init, context);
      if (result.status < 200 || result.status > 299) throw failureForResponse(action, result, token);

      const created = parseResponseBody(createdSchema, result, context);
      Context.current().log.info('GitHub commit status set', { ...created, sha: request.sha });
      return created;
    },
  };
}
