import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime, Worker, makeTelemetryFilterString } from '@temporalio/worker';
import { createRemediationActivities } from './activities';
import { createWatchdogActivities } from './activities/airflow';
import { createGateActivities, scannerOptionsFromEnv } from './activities/gates';
import { GATE_TASK_QUEUE } from './workflows/gates/pipeline-types';
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
import { createWatchdogSchedules } from './starters/create-watchdog-schedule';

/** Options for a worker; tests pass their own connection and activity settings. */
export interface RemediationWorkerOptions {
  env: WorkerEnv;
  connection: NativeConnection;
  /** Client the ETL watchdog starts remediation runs with. */
  client: Client;
  /** Environment that contains the runbook's secrets. */
  secrets: NodeJS.ProcessEnv;
  rolloutPollIntervalMs?: number;
}

/**
 * Loads the runbook and checks that every secret and system it names is configured, listing all that are
 * missing in one error.
 */
export function loadCheckedRunbook(env: WorkerEnv, secrets: NodeJS.ProcessEnv) {
  const runbook = loadRunbook(env.RUNBOOK_FILE);
  const missing = [...findMissingSecrets(runbook, secrets), ...findMissingIntegrations(runbook, env, secrets)];
  if (missing.length > 0) {
    throw new Error(
      `missing settings for ${env.RUNBOOK_FILE}; set these environment variables:\n  - ${missing.join('\n  - ')}`,
    );
  }
  return runbook;
}

/**
 * Creates the remediation worker after checking the runbook and its secrets, so a bad file or a missing
 * routing key stops the worker at start instead of failing the first incident.
 */
export async function createRemediationWorker(options: RemediationWorkerOptions): Promise<Worker> {
  const { env } = options;
  const runbook = loadCheckedRunbook(env, options.secrets);
  const watchdog = createWatchdogActivities({
    client: options.client,
    taskQueue: env.TEMPORAL_TASK_QUEUE,
    webUiBaseUrl: env.TEMPORAL_WEB_UI_URL,
    runbook,
  });
  return Worker.create({
    connection: options.connection,
    namespace: env.TEMPORAL_NAMESPACE,
    taskQueue: env.TEMPORAL_TASK_QUEUE,
    workflowsPath: require.resolve('./workflows'),
    activities: {
      ...watchdog,
      ...createRemediationActivities({
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
    },
    maxCachedWorkflows: env.WORKER_MAX_CACHED_WORKFLOWS,
  });
}

async function main(): Promise<void> {
  const logger = createLogger('worker');
  const env = parseEnv(workerEnvSchema, process.env);
  // Configuration faults are reported before any connection, so they show even while Temporal is down.
  const runbook = loadCheckedRunbook(env, process.env);
  Runtime.install({
    telemetryOptions: {
      logging: { filter: makeTelemetryFilterString({ core: 'WARN' }), forward: {} },
      metrics: { prometheus: { bindAddress: env.WORKER_METRICS_ADDRESS } },
    },
  });
  const connection = await NativeConnection.connect({ address: env.TEMPORAL_ADDRESS }).catch((error: Error) => {
    throw new Error(`cannot connect to Temporal at TEMPORAL_ADDRESS=${env.TEMPORAL_ADDRESS}: ${error.message}`);
  });
  const clientConnection = await Connection.connect({ address: env.TEMPORAL_ADDRESS });
  const client = new Client({ connection: clientConnection, namespace: env.TEMPORAL_NAMESPACE });
  const worker = await createRemediationWorker({ env, connection, client, secrets: process.env });
  // Each watchdog row gets its Temporal Schedule; creating one that exists leaves it or updates its interval.
  const schedules = await createWatchdogSchedules({ client, runbook, taskQueue: env.TEMPORAL_TASK_QUEUE });
  for (const schedule of schedules) logger.info(schedule, 'Watchdog schedule checked');
  logger.info(
    { taskQueue: env.TEMPORAL_TASK_QUEUE, temporal: env.TEMPORAL_ADDRESS, metrics: env.WORKER_METRICS_ADDRESS },
    'Remediation worker started',
  );
  const workers = [worker.run()];
  if (env.WORKER_GATES) {
    const gateWorker = await createGateWorker(env, connection);
    logger.info({ taskQueue: GATE_TASK_QUEUE }, 'Gate worker started');
    workers.push(gateWorker.run());
  }
  await Promise.all(workers);
  await connection.close();
  await clientConnection.close();
  logger.info('Workers stopped');
}

/** Creates the worker of the CI gate workflows; scanner activities exist only for scanners with a URL. */
function createGateWorker(env: WorkerEnv, connection: NativeConnection): Promise<Worker> {
  return Worker.create({
    connection,
    namespace: env.TEMPORAL_NAMESPACE,
    taskQueue: GATE_TASK_QUEUE,
    workflowsPath: require.resolve('./workflows/gates'),
    activities: createGateActivities({ env: process.env, ...scannerOptionsFromEnv(process.env) }),
    maxCachedWorkflows: env.WORKER_MAX_CACHED_WORKFLOWS,
  });
}

if (require.main === module) {
  main().catch((error) => {
    createLogger('worker').fatal({ err: error }, 'Remediation worker failed');
    process.exit(1);
  });
}
