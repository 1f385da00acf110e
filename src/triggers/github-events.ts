import { z } from 'zod';

// The fields of GitHub's `pull_request` and `push` webhook payloads the receiver reads. Other fields pass, so
// payload additions do not break validation.

const sha = z.string().regex(/^[0-9a-f]{40}$/, 'must be a 40-character commit SHA');

const repositorySchema = z.object({
  full_name: z.string().regex(/^[\w.-]+\/[\w.-]+$/, 'must be owner/name'),
  default_branch: z.string().optional(),
});

export const pullRequestEventSchema = z.object({
  action: z.string(),
  number: z.number().int().positive(),
  pull_request: z.object({
    head: z.object({ sha, ref: z.string() }),
    base: z.object({ sha, ref: z.string() }),
  }),
  repository: repositorySchema,
});

export const pushEventSchema = z.object({
  ref: z.string(),
  before: z.string(),
  /** 40 zeros when the push deleted the branch. */
  after: sha,
  deleted: z.boolean().default(false),
  repository: repositorySchema,
});

/** GitHub's delivery GUID; redeliveries of one event keep it. */
export const deliveryIdSchema = z.string().regex(/^[0-9a-f-]{8,64}$/i, 'must be the GUID GitHub sends');

/** Pull request actions that change the head commit or bring a pull request back, so its gates must run. */
export const GATED_PULL_REQUEST_ACTIONS = ['opened', 'synchronize', 'reopened'];

export type PullRequestEvent = z.output<typeof pullRequestEventSchema>;
export type PushEvent = z.output<typeof pushEventSchema>;
