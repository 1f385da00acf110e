import { z } from 'zod';

const port = z.coerce.number().int().min(1).max(65535);

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' });

/** Settings both the worker and the webhook server read. */
const temporalSettings = {
  TEMPORAL_ADDRESS: z.string().default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  TEMPORAL_TASK_QUEUE: z.string().default('slo-remediation'),
  RUNBOOK_FILE: z.string().default('config/runbook.yaml'),
  /** Base URL of the Temporal Web UI, for links in pages, messages and tickets. */
  TEMPORAL_WEB_UI_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
    .default('http://127.0.0.1:8233'),
};

export const webhookEnvSchema = z.object({
  ...temporalSettings,
  WEBHOOK_HOST: z.string().default('127.0.0.1'),
  WEBHOOK_PORT: port.default(9095),
  /** Token Alertmanager sends as `Authorization: Bearer`; required when WEBHOOK_HOST is not a loopback address. */
  WEBHOOK_BEARER_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  /** Largest accepted request body, in bytes. */
  WEBHOOK_MAX_BODY_BYTES: z.coerce.number().int().positive().default(1_048_576),
});

export const workerEnvSchema = z.object({
  ...temporalSettings,
  /** Base URL of the Prometheus HTTP API the saga queries. */
  PROMETHEUS_URL: httpUrl.default('http://127.0.0.1:9090'),
  /** PagerDuty Events API v2 endpoint, https://events.pagerduty.com/v2/enqueue for PagerDuty itself. */
  PAGERDUTY_EVENTS_URL: httpUrl,
  /** Address of the worker's Prometheus metrics endpoint, host:port. */
  WORKER_METRICS_ADDRESS: z.string().default('127.0.0.1:9464'),
  /** Also run the CI gate workflows on the `ci-gates` task queue (`true` or `false`). */
  WORKER_GATES: z
    .enum(['true', 'false'])
    .default('true')
    .transform((value) => value === 'true'),
  /** Workflow histories the worker keeps in memory between tasks. */
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().nonnegative().default(1000),
  /** Folder of the incident log, one JSON and one Markdown file per incident. */
  INCIDENT_LOG_DIR: z.string().default('incident-log'),
  /** URL under which INCIDENT_LOG_DIR is served, for links in tickets and pages. */
  INCIDENT_LOG_BASE_URL: httpUrl.optional(),
  /** Airflow API root (Airflow 3 API server or 2.x webserver); needed by rows with an Airflow indicator. */
  AIRFLOW_URL: httpUrl.optional(),
  /** `v2` for Airflow 3 (token auth), `v1` for Airflow 2.x (basic auth). */
  AIRFLOW_API_VERSION: z.enum(['v1', 'v2']).default('v2'),
  /** Power BI REST API root, https://api.powerbi.com for the public cloud; needed by rows that refresh datasets. */
  POWERBI_API_URL: httpUrl.optional(),
  /** GitHub REST API root, https://api.github.com for github.com; needed by rows that open tickets. */
  GITHUB_API_URL: httpUrl.optional(),
});

export type WebhookEnv = z.output<typeof webhookEnvSchema>;
export type WorkerEnv = z.output<typeof workerEnvSchema>;

/** Parses environment settings, listing every invalid or missing variable with its fix. */
export function parseEnv<T extends z.ZodType>(schema: T, env: NodeJS.ProcessEnv): z.output<T> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => `  - ${issue.path.join('.')}: ${issue.message}`);
  throw new Error(`invalid environment settings:\n${lines.join('\n')}`);
}
