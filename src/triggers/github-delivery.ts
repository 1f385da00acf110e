import type { Logger } from 'pino';
import type { z } from 'zod';
import { RequestRejection } from '../webhook/http-errors';
import type { CommitStatusOptions } from '../workflows/gates/pipeline-types';
import { findRepository, type GateConfig, type RepositoryConfig } from './gate-config';
import {
  GATED_PULL_REQUEST_ACTIONS,
  pullRequestEventSchema,
  pushEventSchema,
  type PullRequestEvent,
  type PushEvent,
} from './github-events';
import { pipelineInputFor, type PipelineEvent } from './pipeline-input';
import { startPipeline, type PipelineStarter } from './start-pipeline';

export interface GitHubDeliveryDeps extends PipelineStarter {
  config: GateConfig;
  logger: Logger;
  /** Commit statuses of the pipelines started; none when undefined. */
  commitStatus?: CommitStatusOptions;
}

export interface DeliveryOutcome {
  /** `duplicate`: a pipeline for this commit and trigger exists already, so none was started. */
  result: 'started' | 'duplicate' | 'ignored';
  /** Reason nothing was started, for ignored deliveries. */
  reason?: string;
  workflowId?: string;
  runId?: string;
}

function parsePayload<T>(schema: z.ZodType<T>, event: string, body: unknown): T {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map(
    (issue) => `${issue.path.map(String).join('.') || '(body)'}: ${issue.message}`,
  );
  throw new RequestRejection(422, 'invalid_payload', `invalid ${event} payload: ${problems.join('; ')}`);
}

function repositoryFor(deps: GitHubDeliveryDeps, name: string): RepositoryConfig {
  const repository = findRepository(deps.config, name);
  if (repository) return repository;
  const known = deps.config.repositories.map((entry) => entry.repository).join(', ');
  throw new RequestRejection(
    422,
    'unknown_repository',
    `repository ${name} is not in the gates configuration (known: ${known}); add it there or remove the webhook`,
  );
}

async function start(
  deps: GitHubDeliveryDeps,
  repository: RepositoryConfig,
  event: PipelineEvent,
  deliveryId: string,
): Promise<DeliveryOutcome> {
  const input = pipelineInputFor(repository, event, deps.commitStatus);
  const run = await startPipeline(deps, input, { githubDelivery: deliveryId });
  deps.logger.info(
    { deliveryId, repository: repository.repository, trigger: event.trigger, headSha: event.headSha, ...run },
    run.started ? 'Gate pipeline started' : 'Gate pipeline exists for this commit; not started again',
  );
  return { result: run.started ? 'started' : 'duplicate', workflowId: run.workflowId, runId: run.runId };
}

function pullRequestEvent(payload: PullRequestEvent): PipelineEvent {
  return {
    trigger: 'pull_request',
    headSha: payload.pull_request.head.sha,
    baseSha: payload.pull_request.base.sha,
    pullRequest: payload.number,
  };
}

function pushEvent(payload: PushEvent, repository: RepositoryConfig): PipelineEvent {
  const branch = payload.ref.slice('refs/heads/'.length);
  const defaultBranch = payload.repository.default_branch ?? repository.defaultBranch;
  // Without `branch` SonarQube searches the main branch, the only branch the Community Edition has.
  return { trigger: 'push', headSha: payload.after, branch: branch === defaultBranch ? undefined : branch };
}

/**
 * Acts on one authenticated GitHub delivery. `pull_request` (opened, synchronize, reopened) and `push` to a
 * branch start their pipelines, and other events and actions are acknowledged and ignored. Validation and the
 * repository lookup finish before Temporal is called, so an invalid delivery starts nothing.
 */
export async function handleGitHubDelivery(
  deps: GitHubDeliveryDeps,
  event: string,
  deliveryId: string,
  body: unknown,
): Promise<DeliveryOutcome> {
  if (event === 'ping') return { result: 'ignored', reason: 'ping: the webhook reaches this receiver' };
  if (event === 'pull_request') {
    const payload = parsePayload(pullRequestEventSchema, event, body);
    if (!GATED_PULL_REQUEST_ACTIONS.includes(payload.action)) {
      return { result: 'ignored', reason: `pull_request action "${payload.action}" runs no gates` };
    }
    const repository = repositoryFor(deps, payload.repository.full_name);
    return start(deps, repository, pullRequestEvent(payload), deliveryId);
  }
  if (event === 'push') {
    const payload = parsePayload(pushEventSchema, event, body);
    if (payload.deleted || /^0{40}$/.test(payload.after)) return { result: 'ignored', reason: 'branch deleted' };
    if (!payload.ref.startsWith('refs/heads/')) {
      return { result: 'ignored', reason: `push to ${payload.ref} runs no gates; only branch pushes do` };
    }
    const repository = repositoryFor(deps, payload.repository.full_name);
    return start(deps, repository, pushEvent(payload, repository), deliveryId);
  }
  return {
    result: 'ignored',
    reason: `event "${event}" runs no gates; subscribe the webhook to pull_request and push`,
  };
}
