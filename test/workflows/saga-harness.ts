import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { WorkflowHandle } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { bundleWorkflowCode, Runtime, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { KubeConfig } from '@kubernetes/client-node';
import { loadRunbook } from '../../src/runbook/load';
import type { ServiceRunbook } from '../../src/runbook/schema';
import { createRemediationActivities, type RemediationActivityOptions } from '../../src/activities';
import type { IncidentRecord, IndicatorReading, IndicatorRequest } from '../../src/activities/contracts';
import { startOrSignalRemediation, type DispatchOptions } from '../../src/webhook/temporal-dispatch';
import type { AlertRef } from '../../src/workflows/remediation/types';
import type { remediationSaga } from '../../src/workflows';
import { HttpStub } from '../activities/http-stub';
import { sharedTemporal } from '../support/temporal';

/** Secrets the test rows name; the values only reach the local stubs. */
export const TEST_SECRETS: Record<string, string> = {
  PAGERDUTY_ROUTING_KEY_SRE: 'routing-key-sre-0000000000000000',
  PAGERDUTY_ROUTING_KEY_ML_OPS: 'routing-key-mlops-00000000000000',
  PAGERDUTY_ROUTING_KEY_SRE_MANAGERS: 'routing-key-managers-00000000000',
  PAGERDUTY_ROUTING_KEY_XR_ENG: 'routing-key-xr-eng-0000000000000',
  PAGERDUTY_ROUTING_KEY_DATA_ENG: 'routing-key-data-eng-00000000000',
  PAGERDUTY_ROUTING_KEY_BI_LEAD: 'routing-key-bi-lead-000000000000',
};

/** Slack webhook variables the rows name, each with its own path on the harness's Slack stub. */
const SLACK_WEBHOOK_PATHS: Record<string, string> = {
  SLACK_WEBHOOK_URL_STAKEHOLDERS: '/services/T000/B000/XXXX',
  SLACK_WEBHOOK_URL_DATA_TEAM: '/services/T000/B001/DATA',
  SLACK_WEBHOOK_URL_ANALYTICS: '/services/T000/B002/ANALYTICS',
};

/**
 * Indicator values the test scripts per service: each Prometheus read of a service takes the next value. A
 * value may be a promise, so a test can hold the saga inside detection while it signals the run.
 */
export class ScriptedIndicator {
  private readonly scripts = new Map<string, (number | null | Promise<number | null>)[]>();
  readonly requests: IndicatorRequest[] = [];

  script(serviceId: string, values: (number | null | Promise<number | null>)[]): void {
    this.scripts.set(serviceId, [...values]);
  }

  readonly measureIndicator = async (request: IndicatorRequest): Promise<IndicatorReading> => {
    this.requests.push(request);
    const next = this.scripts.get(request.serviceId)?.shift();
    if (next === undefined) throw new Error(`no scripted indicator value left for ${request.serviceId}`);
    return { value: await next, query: request.query, evaluatedAt: new Date().toISOString() };
  };

  /** Waits until the service's indicator has been read `count` times, for at most `timeoutMs`. */
  async waitForReads(serviceId: string, count: number, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const reads = () => this.requests.filter((request) => request.serviceId === serviceId).length;
    while (reads() < count && Date.now() < deadline) await delay(50);
    if (reads() < count) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${count} indicator reads of ${serviceId}: got ${reads()}`,
      );
    }
  }
}

export interface SagaHarness {
  worker: Worker;
  /** Folder of the incident log the worker writes. */
  incidentLogDir: string;
  running: Promise<void>;
  pagerDuty: HttpStub;
  slack: HttpStub;
  indicator: ScriptedIndicator;
  dispatch: DispatchOptions;
  baseRow: ServiceRunbook;
  stop(): Promise<void>;
}

/** Options for the systems only some rows use, and secrets or activities that replace the defaults. */
export interface SagaHarnessExtras extends Pick<RemediationActivityOptions, 'airflow' | 'powerBi' | 'githubApiUrl'> {
  secrets?: Record<string, string>;
  activities?: Record<string, (...args: any[]) => Promise<unknown>>;
}

let workflowBundle: Promise<WorkflowBundleWithSourceMap> | undefined;

/** Bundles the workflows once per test process, so every harness's worker reuses one bundle. */
function sharedWorkflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  workflowBundle ??= bundleWorkflowCode({
    workflowsPath: require.resolve('../../src/workflows'),
    logger: Runtime.instance().logger,
  });
  return workflowBundle;
}

/**
 * Starts a worker on the shared Temporal server with the real Kubernetes, PagerDuty and Slack activities, the
 * last two pointed at local stubs, and a scripted indicator in place of Prometheus. `extra` adds the Airflow,
 * Power BI and GitHub activities, pointed at the test's own stand-ins.
 */
export async function startSagaHarness(
  kubeConfig: KubeConfig,
  taskQueue: string,
  extra: SagaHarnessExtras = {},
): Promise<SagaHarness> {
  const temporal = await sharedTemporal();
  const pagerDuty = await HttpStub.start((request) => ({
    status: 202,
    body: { status: 'success', message: 'Event processed', dedup_key: JSON.parse(request.body).dedup_key },
  }));
  const slack = await HttpStub.start(() => ({ status: 200, body: 'ok' }));
  const webhookUrls = Object.fromEntries(
    Object.entries(SLACK_WEBHOOK_PATHS).map(([variable, path]) => [variable, `${slack.baseUrl}${path}`]),
  );
  const secrets = { ...TEST_SECRETS, ...webhookUrls, ...extra.secrets };
  const incidentLogDir = mkdtempSync(join(tmpdir(), 'incident-log-'));
  const indicator = new ScriptedIndicator();
  const worker = await Worker.create({
    connection: temporal.nativeConnection,
    taskQueue,
    workflowBundle: await sharedWorkflowBundle(),
    activities: {
      ...createRemediationActivities({
        prometheusUrl: 'http://127.0.0.1:9',
        pagerDutyEventsUrl: `${pagerDuty.baseUrl}/v2/enqueue`,
        kubeConfig,
        env: secrets,
        incidentLogDir,
        rolloutPollIntervalMs: 250,
        airflow: extra.airflow,
        powerBi: extra.powerBi,
        githubApiUrl: extra.githubApiUrl,
      }),
      measureIndicator: indicator.measureIndicator,
      ...extra.activities,
    },
  });
  const running = worker.run();
  const baseRow = runbookRow('genai-api');
  return {
    worker,
    incidentLogDir,
    running,
    pagerDuty,
    slack,
    indicator,
    dispatch: { client: temporal.client, taskQueue, webUiBaseUrl: 'http://127.0.0.1:8233' },
    baseRow,
    async stop() {
      worker.shutdown();
      await running;
      await pagerDuty.close();
      await slack.close();
    },
  };
}

/** Returns the row of config/runbook.yaml with the given service id. */
export function runbookRow(serviceId: string): ServiceRunbook {
  const row = loadRunbook(join(__dirname, '../../config/runbook.yaml')).services.find(
    (service) => service.id === serviceId,
  );
  if (!row) throw new Error(`config/runbook.yaml has no row with id ${serviceId}`);
  return row;
}

/**
 * Copies a shipped row for one test, with its own id and short windows. A row with a deployment gets one in the
 * namespace named after the id. A row without a verify window keeps none, because its verification rests on the
 * work the actions started.
 */
export function rowFor(base: ServiceRunbook, id: string, overrides: Partial<ServiceRunbook> = {}): ServiceRunbook {
  return {
    ...structuredClone(base),
    id,
    alertLabels: { service: id },
    ...(base.deployment ? { deployment: { namespace: id, name: base.deployment.name } } : {}),
    verify: { completionTimeout: 60_000, ...(base.verify.window === undefined ? {} : { window: 1_000 }) },
    escalation: {
      ...base.escalation,
      levels: base.escalation.levels.map((level) => ({ ...level, ackTimeout: 1_000 })),
    },
    ...overrides,
  };
}

/**
 * Builds a kubeconfig for harnesses whose rows have no Kubernetes actions. It names the discard port on
 * 127.0.0.1, so a Kubernetes call made by mistake fails at once instead of reaching a cluster.
 */
export function unusedKubeConfig(): KubeConfig {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [{ name: 'unused', server: 'http://127.0.0.1:9', skipTLSVerify: true }],
    users: [{ name: 'unused' }],
    contexts: [{ name: 'unused', cluster: 'unused', user: 'unused' }],
    currentContext: 'unused',
  });
  return kubeConfig;
}

/** Reads the JSON incident record the worker wrote, or returns undefined when there is none. */
export function readIncidentRecord(harness: SagaHarness, incidentId: string): IncidentRecord | undefined {
  const path = join(harness.incidentLogDir, `${incidentId}.json`);
  if (!existsSync(path)) return undefined;
  return JSON.parse(readFileSync(path, 'utf8')) as IncidentRecord;
}

/** Returns the dedup keys, `<incidentId>/<team>`, of the pages the PagerDuty stub received, oldest first. */
export function pagedKeys(harness: SagaHarness): string[] {
  return harness.pagerDuty.requests.map((request) => String(JSON.parse(request.body).dedup_key));
}

export function alertFor(serviceId: string, fingerprint = `fp-${serviceId}`): AlertRef {
  return {
    fingerprint,
    startsAt: '2026-12-04T10:15:00.000Z',
    labels: { alertname: 'SloBreach', service: serviceId },
    annotations: {},
  };
}

/** Starts the row's run as the webhook does. An `incidentKey` gives the run its own id, as the ETL watchdog does. */
export async function startRun(
  harness: SagaHarness,
  row: ServiceRunbook,
  alert = alertFor(row.id),
  incidentKey?: string,
) {
  const { workflowId } = await startOrSignalRemediation(harness.dispatch, row, alert, incidentKey);
  return harness.dispatch.client.workflow.getHandle<typeof remediationSaga>(workflowId);
}

const HISTORY_DIR = join(__dirname, '../fixtures/histories');

/**
 * Writes the run's event history to test/fixtures/histories/NAME.json when RECORD_HISTORIES=1. The replay test
 * replays every file there, so a workflow change that breaks open runs fails CI.
 */
export async function recordHistory(handle: WorkflowHandle, name: string): Promise<void> {
  if (process.env.RECORD_HISTORIES !== '1') return;
  const history = await handle.fetchHistory();
  writeFileSync(join(HISTORY_DIR, `${name}.json`), historyToJSON(history) + '\n');
}
