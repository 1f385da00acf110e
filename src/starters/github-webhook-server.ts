import { Client, Connection } from '@temporalio/client';
import { parseEnv } from '../config/env';
import { createLogger } from '../logging';
import { loadGateConfig } from '../triggers/gate-config';
import { githubWebhookEnvSchema } from '../triggers/env';
import { GitHubWebhookMetrics } from '../triggers/github-webhook-metrics';
import { createGitHubWebhookServer, GITHUB_WEBHOOK_PATH } from '../triggers/github-webhook-server';

// Receives GitHub's pull_request and push deliveries and starts the gate pipelines. Every delivery must carry
// a valid X-Hub-Signature-256, so the server may listen on a public address.

async function main(): Promise<void> {
  const logger = createLogger('github-webhook');
  const env = parseEnv(githubWebhookEnvSchema, process.env);
  const config = loadGateConfig(env.GATES_CONFIG_FILE);
  const connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS });
  const client = new Client({ connection, namespace: env.TEMPORAL_NAMESPACE });
  const server = createGitHubWebhookServer({
    config,
    client,
    taskQueue: env.GATES_TASK_QUEUE,
    commitStatus: env.GITHUB_COMMIT_STATUSES ? { webUiBaseUrl: env.TEMPORAL_WEB_UI_URL } : undefined,
    logger,
    metrics: new GitHubWebhookMetrics(),
    secret: env.GITHUB_WEBHOOK_SECRET,
    maxBodyBytes: env.GITHUB_WEBHOOK_MAX_BODY_BYTES,
    maxInFlight: env.GITHUB_WEBHOOK_MAX_IN_FLIGHT,
  });
  server.listen(env.GITHUB_WEBHOOK_PORT, env.GITHUB_WEBHOOK_HOST, () => {
    logger.info(
      {
        url: `http://${env.GITHUB_WEBHOOK_HOST}:${env.GITHUB_WEBHOOK_PORT}${GITHUB_WEBHOOK_PATH}`,
        repositories: config.repositories.map((repository) => repository.repository),
        taskQueue: env.GATES_TASK_QUEUE,
      },
      'GitHub webhook server listening',
    );
  });
  const shutdown = () => {
    logger.info('GitHub webhook server stopping');
    server.close(() => void connection.close());
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

main().catch((error) => {
  createLogger('github-webhook').fatal({ err: error }, 'GitHub webhook server failed to start');
  process.exit(1);
});
