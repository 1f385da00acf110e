import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import type { KubeConfig } from '@kubernetes/client-node';
import { loadRunbook } from '../../src/runbook/load';
import type { ServiceRunbook } from '../../src/runbook/schema';
import { createRemediationActivities } from '../../src/activities';
import type { IndicatorReading, IndicatorRequest } from '../../src/activities/contracts';
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

/**
 * Starts a worker on the shared Temporal server with the real Kubernetes, PagerDuty and Slack activities, the
 * last two pointed at local stubs, and a scripted indicator in place of Prometheus.
 */
export async function startSagaHarness(
  kubeConfig: KubeConfig,
  taskQueue: string,
  extra: { secrets?: Record<string, string>; activities?: Record<string, (...args: any[]) => Promise<unknown>> } = {},
): Promise<SagaHarness> {
  const temporal = await sharedTemporal();
  const pagerDuty = await HttpStub.start((request) => ({
    status: 202,
    body: { status: 'success', message: 'Event processed', dedup_key: JSON.parse(request.body).dedup_key },
  }));
  const slack = await HttpStub.start(() => ({ status: 200, body: 'ok' }));
  const secrets = {
    ...TEST_SECRETS,
    SLACK_WEBHOOK_URL_STAKEHOLDERS: `${slack.baseUrl}/services/T000/B000/XXXX`,
    ...extra.secrets,
  };
  const incidentLogDir = mkdtempSync(join(tmpdir(), 'incident-log-'));
  const indicator = new ScriptedIndicator();
  const worker = await Worker.create({
    connection: temporal.nativeConnection,
    taskQueue,
    workflowsPath: require.resolve('../../src/workflows'),
    activities: {
      ...createRemediationActivities({
        prometheusUrl: 'http://127.0.0.1:9',
        pagerDutyEventsUrl: `${pagerDuty.baseUrl}/v2/enqueue`,
        kubeConfig,
        env: secrets,
        incidentLogDir,
        rolloutPollIntervalMs: 250,
      }),
      measureIndicator: indicator.measureIndicator,
      ...extra.activities,
    },
  });
  const running = worker.run();
  const baseRow = loadRunbook(join(__dirname, '../../config/runbook.yaml')).services[0]!;
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

/** A copy of the shipped GenAI API row for one test: its own id, namespace and short windows. */
export function rowFor(base: ServiceRunbook, id: string, overrides: Partial<ServiceRunbook> = {}): ServiceRunbook {
  return {
    ...structuredClone(base),
    id,
    alertLabels: { service: id },
    deployment: { namespace: id, name: 'genai-api' },
    verify: { completionTimeout: 60_000, window: 1_000 },
    escalation: {
      ...base.escalation,
      levels: base.escalation.levels.map((level) => ({ ...level, ackTimeout: 1_000 })),
    },
    ...overrides,
  };
}

export function alertFor(serviceId: string, fingerprint = `fp-${serviceId}`): AlertRef {
  return {
    fingerprint,
    startsAt: '2026-12-04T10:15:00.000Z',
    labels: { alertname: 'SloBreach', service: serviceId },
    annotations: {},
  };
}

export async function startRun(harness: SagaHarness, row: ServiceRunbook, alert = alertFor(row.id)) {
  const { workflowId } = await startOrSignalRemediation(harness.dispatch, row, alert);
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
