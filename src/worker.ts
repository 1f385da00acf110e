import { NativeConnection, Runtime, Worker, makeTelemetryFilterString } from '@temporalio/worker';
import { createRemediationActivities } from './activities';
import { loadKubeConfig } from './activities/kubernetes';
import { parseEnv, workerEnvSchema, type WorkerEnv } from './config/env';
import {
  AIRFLOW_PASSWORD_ENV,
  AIRFLOW_USERNAME_ENV,
  findMissingIntegrations,
  POWERBI_TOKEN_ENV,
} from './config/integrations';
import { createLogger } from './logging';
import { findMissingSecrets, loadRunbook } from './runbook/load';

/** Options for a worker; tests pass their own connection and activity settings. */
export interface RemediationWorkerOptions {
  env: WorkerEnv;
  connection: NativeConnection;
  /** Environment that holds the runbook's secrets. */
  secrets: NodeJS.ProcessEnv;
  rolloutPollIntervalMs?: number;
}

/**
 * Creates the remediation worker after checking the runbook and its secrets, so a bad file or a missing
 * routing key stops the worker at start instead of failing the first incident.
 */
export async function createRemediationWorker(options: RemediationWorkerOptions): Promise<Worker> {
  const { env } = options;
  const runbook = loadRunbook(env.RUNBOOK_FILE);
  const missing = [
    ...findMissingSecrets(runbook, options.secrets),
    ...findMissingIntegrations(runbook, env, options.secrets),
  ];
  if (missing.length > 0) {
    throw new Error(
      `missing settings for ${env.RUNBOOK_FILE}; set these environment variables:\n  - ${missing.join('\n  - ')}`,
    );
  }
  return Worker.create({
    connection: options.connection,
    namespace: env.TEMPORAL_NAMESPACE,
    taskQueue: env.TEMPORAL_TASK_QUEUE,
    workflowsPath: require.resolve('./workflows'),
    activities: createRemediationActivities({
      prometheusUrl: env.PROMETHEUS_URL,
      pagerDutyEventsUrl: env.PAGERDUTY_EVENTS_URL,
      kubeConfig: loadKubeConfig(),
      env: options.secrets,
      incidentLogDir: env.INCIDENT_LOG_DIR,
      incidentLogBaseUrl: env.INCIDENT_LOG_BASE_URL,
      airflow: env.AIRFLOW_URL
        ? {
            baseUrl: env.AIRFLOW_URL,
            apiVersion: env.AIRFLOW_API_VERSION,
            usernameEnv: AIRFLOW_USERNAME_ENV,
            passwordEnv: AIRFLOW_PASSWORD_ENV,
          }
        : undefined,
      powerBi: env.POWERBI_API_URL ? { apiUrl: env.POWERBI_API_URL, tokenEnv: POWERBI_TOKEN_ENV } : undefined,
      githubApiUrl: env.GITHUB_API_URL,
      rolloutPollIntervalMs: options.rolloutPollIntervalMs,
    }),
    maxCachedWorkflows: env.WORKER_MAX_CACHED_WORKFLOWS,
  });
}

async function main(): Promise<void> {
  const logger = createLogger('worker');
  const env = parseEnv(workerEnvSchema, process.env);
  Runtime.install({
    telemetryOptions: {
      logging: { filter: makeTelemetryFilterString({ core: 'WARN' }), forward: {} },
      metrics: { prometheus: { bindAddress: env.WORKER_METRICS_ADDRESS } },
    },
  });
  const connection = await NativeConnection.connect({ address: env.TEMPORAL_ADDRESS });
  const worker = await createRemediationWorker({ env, connection, secrets: process.env });
  logger.info(
    { taskQueue: env.TEMPORAL_TASK_QUEUE, temporal: env.TEMPORAL_ADDRESS, metrics: env.WORKER_METRICS_ADDRESS },
    'Remediation worker started',
  );
  await worker.run();
  await connection.close();
  logger.info('Remediation worker stopped');
}

if (require.main === module) {
  main().catch((error) => {
    createLogger('worker').fatal({ err: error }, 'Remediation worker failed');
    process.exit(1);
  });
}
