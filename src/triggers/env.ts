import { z } from 'zod';

const port = z.coerce.number().int().min(1).max(65535);
const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' });
const flag = z.enum(['true', 'false']).transform((value) => value === 'true');

/** Settings every gate trigger reads: where Temporal is and which gates configuration to use. */
export const triggerEnvSchema = z.object({
  TEMPORAL_ADDRESS: z.string().default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  /** Task queue of the gate workers. */
  GATES_TASK_QUEUE: z.string().default('ci-gates'),
  /** Base URL of the Temporal Web UI, for the links of commit statuses. */
  TEMPORAL_WEB_UI_URL: httpUrl.default('http://127.0.0.1:8233'),
  GATES_CONFIG_FILE: z.string().default('config/gates.yaml'),
});

export const githubWebhookEnvSchema = triggerEnvSchema.extend({
  GITHUB_WEBHOOK_HOST: z.string().default('127.0.0.1'),
  GITHUB_WEBHOOK_PORT: port.default(9096),
  /** Secret of the GitHub webhook, which signs each delivery with HMAC-SHA256. */
  GITHUB_WEBHOOK_SECRET: z.string().min(16, 'must be at least 16 characters; use a random string'),
  /**
   * Largest accepted body, in bytes. The body is read before its signature can be checked, so the default (5 MiB)
   * stays well under GitHub's 25 MB cap. Typical pull_request and push payloads are tens of kB (an estimate).
   */
  GITHUB_WEBHOOK_MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(5 * 1024 * 1024),
  /** Deliveries read at once; more get 503, so unsigned senders cannot hold much memory. */
  GITHUB_WEBHOOK_MAX_IN_FLIGHT: z.coerce.number().int().positive().default(16),
  /** Whether pipelines the webhook starts set commit statuses on GitHub. */
  GITHUB_COMMIT_STATUSES: flag.default(true),
});

export type TriggerEnv = z.output<typeof triggerEnvSchema>;
export type GitHubWebhookEnv = z.output<typeof githubWebhookEnvSchema>;
