import { Client, Connection } from '@temporalio/client';
import { parseEnv, webhookEnvSchema } from '../config/env';
import { createLogger } from '../logging';
import { loadRunbook } from '../runbook/load';
import { isLoopbackHost } from '../webhook/bearer-auth';
import { WebhookMetrics } from '../webhook/metrics';
import { ALERTMANAGER_PATH, createWebhookServer } from '../webhook/server';

async function main(): Promise<void> {
  const logger = createLogger('webhook');
  const env = parseEnv(webhookEnvSchema, process.env);
  if (!env.WEBHOOK_BEARER_TOKEN && !isLoopbackHost(env.WEBHOOK_HOST)) {
    throw new Error(
      `WEBHOOK_HOST=${env.WEBHOOK_HOST} is reachable from other machines, so WEBHOOK_BEARER_TOKEN is required; ` +
        'set it, or bind to 127.0.0.1',
    );
  }
  const runbook = loadRunbook(env.RUNBOOK_FILE);
  const connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS });
  const client = new Client({ connection, namespace: env.TEMPORAL_NAMESPACE });
  const server = createWebhookServer({
    runbook,
    client,
    taskQueue: env.TEMPORAL_TASK_QUEUE,
    webUiBaseUrl: env.TEMPORAL_WEB_UI_URL,
    logger,
    metrics: new WebhookMetrics(),
    bearerToken: env.WEBHOOK_BEARER_TOKEN,
    maxBodyBytes: env.WEBHOOK_MAX_BODY_BYTES,
  });
  server.listen(env.WEBHOOK_PORT, env.WEBHOOK_HOST, () => {
    logger.info(
      {
        url: `http://${env.WEBHOOK_HOST}:${env.WEBHOOK_PORT}${ALERTMANAGER_PATH}`,
        auth: Boolean(env.WEBHOOK_BEARER_TOKEN),
      },
      'Webhook server listening',
    );
  });
  const shutdown = () => {
    logger.info('Webhook server stopping');
    server.close(() => void connection.close());
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

main().catch((error) => {
  createLogger('webhook').fatal({ err: error }, 'Webhook server failed to start');
  process.exit(1);
});
