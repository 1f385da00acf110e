// The main job on the local stack: a real Prometheus alert on a latency regression becomes a remediation run.
// Usage: npm run demo [-- --exit]. Without --exit the stack stays up for the Web UI until Ctrl-C.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import { loadRunbook } from '../runbook/load';
import { renderAlertRulesYaml } from '../runbook/alert-rules';
import { AlertmanagerServer } from '../stack/alertmanager';
import { findFreePort } from '../stack/free-port';
import type { ManagedProcess } from '../stack/managed-process';
import { PrometheusServer } from '../stack/prometheus';
import { TemporalDevServer } from '../stack/temporal-dev-server';
import { ALERTMANAGER_PATH } from '../webhook/server';
import type { remediationSaga } from '../workflows';
import { remediationWorkflowId } from '../workflows/remediation/ids';
import type { RemediationResult } from '../workflows/remediation/types';
import { createDeployment, setImage } from './deployments';
import { EscalationSink } from './escalation-sink';
import { loadKubeConfigFrom } from './kubeconfig';
import { startLocalCluster, type LocalCluster } from './local-cluster';
import { startNodeScript } from './node-script';

const repoRoot = resolve(__dirname, '../..');
const RUNBOOK_FILE = join(repoRoot, 'config/runbook.demo.yaml');

function say(message: string): void {
  process.stdout.write(`[demo] ${message}\n`);
}

/** Everything the demo started, stopped newest first. */
class Stack {
  private readonly stops: { name: string; stop: () => Promise<void> }[] = [];

  add(name: string, stop: () => Promise<void>): void {
    this.stops.push({ name, stop });
  }

  addProcess(process: ManagedProcess): ManagedProcess {
    this.add(process.options.name, () => process.stop());
    return process;
  }

  async stopAll(): Promise<void> {
    for (const { name, stop } of this.stops.reverse()) {
      await stop().catch((error) => say(`stopping ${name} failed: ${(error as Error).message}`));
    }
    this.stops.length = 0;
  }
}

async function waitForRun(
  client: Client,
  workflowId: string,
  timeoutMs: number,
): Promise<{ runId: string; result: RemediationResult }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const handle = client.workflow.getHandle<typeof remediationSaga>(workflowId);
      const description = await handle.describe();
      return { runId: description.runId, result: await handle.result() };
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError)) throw error;
    }
    if (Date.now() > deadline) throw new Error(`no remediation run ${workflowId} started within ${timeoutMs / 1000} s`);
    await delay(1000);
  }
}

async function main(): Promise<void> {
  const exitWhenDone = process.argv.includes('--exit');
  const stateDir = resolve(process.env.DEMO_STATE_DIR ?? join(repoRoot, '.state/demo'));
  rmSync(stateDir, { recursive: true, force: true });
  mkdirSync(stateDir, { recursive: true });
  const logDir = join(stateDir, 'logs');
  const stack = new Stack();
  process.once('SIGINT', () => void stack.stopAll().then(() => process.exit(130)));
  process.once('SIGTERM', () => void stack.stopAll().then(() => process.exit(143)));

  try {
    const runbook = loadRunbook(RUNBOOK_FILE);
    const row = runbook.services[0]!;
    if (!row.deployment || row.trigger.source !== 'prometheus-alert') {
      throw new Error(`${RUNBOOK_FILE}: the demo needs a row with a deployment and a prometheus-alert trigger`);
    }
    const trigger = row.trigger;
    const { namespace, name } = row.deployment;

    say('starting the local Kubernetes control plane (etcd, kube-apiserver, controllers, kwok)');
    const cluster: LocalCluster = await startLocalCluster(join(stateDir, 'kube'), [namespace]);
    stack.add('kubernetes', () => cluster.stop());
    const admin = loadKubeConfigFrom(cluster.adminKubeconfig);
    const deployment = await createDeployment(admin, namespace, name, 'genai:v1');
    say(`deployment ${namespace}/${name} runs genai:v1 (revision 1)`);

    say('starting the Temporal dev server with its Web UI');
    const temporal = await TemporalDevServer.start({ stateDir: join(stateDir, 'temporal'), ui: true, persist: true });
    stack.add('temporal', () => temporal.stop());
    const connection = await Connection.connect({ address: temporal.address });
    stack.add('temporal client', () => connection.close());
    const client = new Client({ connection });

    const sink = await EscalationSink.start((escalation) =>
      say(`stand-in ${escalation.kind} received: ${JSON.stringify(escalation.body).slice(0, 160)}`),
    );
    stack.add('escalation stand-in', () => sink.stop());

    const servicePort = await findFreePort();
    await stack
      .addProcess(
        startNodeScript(
          'genai-service',
          'src/demo/genai-service.ts',
          {
            DEMO_SERVICE_PORT: String(servicePort),
            KUBECONFIG: cluster.adminKubeconfig,
            DEMO_NAMESPACE: namespace,
            DEMO_DEPLOYMENT: name,
          },
          logDir,
        ),
      )
      .waitForHttp(`http://127.0.0.1:${servicePort}/metrics`, 30_000);

    const webhookPort = await findFreePort();
    const commonEnv = { TEMPORAL_ADDRESS: temporal.address, RUNBOOK_FILE, LOG_LEVEL: 'info' };
    const webhook = stack.addProcess(
      startNodeScript(
        'webhook',
        'src/starters/webhook-server.ts',
        { ...commonEnv, WEBHOOK_PORT: String(webhookPort), TEMPORAL_WEB_UI_URL: temporal.webUiUrl },
        logDir,
      ),
    );
    await webhook.waitForHttp(`http://127.0.0.1:${webhookPort}/healthz`, 30_000);

    const rulesFile = join(stateDir, 'slo-rules.yml');
    writeFileSync(rulesFile, renderAlertRulesYaml(runbook.services, 1000));
    const alertmanager = await AlertmanagerServer.start({
      stateDir: join(stateDir, 'alertmanager'),
      webhookUrl: `http://127.0.0.1:${webhookPort}${ALERTMANAGER_PATH}`,
      groupBy: ['alertname', 'service'],
      groupWaitMs: 1000,
      groupIntervalMs: 5000,
    });
    stack.add('alertmanager', () => alertmanager.stop());
    const prometheus = await PrometheusServer.start({
      stateDir: join(stateDir, 'prometheus'),
      scrapeTargets: [`127.0.0.1:${servicePort}`],
      scrapeIntervalMs: 1000,
      evaluationIntervalMs: 1000,
      ruleFiles: [rulesFile],
      alertmanagerTargets: [alertmanager.address],
    });
    stack.add('prometheus', () => prometheus.stop());

    const workerMetricsPort = await findFreePort();
    const worker = stack.addProcess(
      startNodeScript(
        'worker',
        'src/worker.ts',
        {
          ...commonEnv,
          KUBECONFIG: cluster.workerKubeconfig,
          PROMETHEUS_URL: prometheus.baseUrl,
          PAGERDUTY_EVENTS_URL: sink.pagerDutyEventsUrl,
          PAGERDUTY_ROUTING_KEY_SRE: 'demo-routing-key-sre',
          PAGERDUTY_ROUTING_KEY_ML_OPS: 'demo-routing-key-ml-ops',
          PAGERDUTY_ROUTING_KEY_SRE_MANAGERS: 'demo-routing-key-sre-managers',
          SLACK_WEBHOOK_URL_STAKEHOLDERS: sink.chatWebhookUrl('stakeholders'),
          WORKER_METRICS_ADDRESS: `127.0.0.1:${workerMetricsPort}`,
          // The demo shows remediation only; skipping the gate worker saves a workflow bundle on start.
          WORKER_GATES: 'false',
          INCIDENT_LOG_DIR: join(stateDir, 'incident-log'),
        },
        logDir,
      ),
    );
    await worker.waitForHttp(`http://127.0.0.1:${workerMetricsPort}/metrics`, 60_000);

    say(
      `stack is up: Temporal Web UI ${temporal.webUiUrl}, Prometheus ${prometheus.baseUrl}, Alertmanager ${alertmanager.baseUrl}`,
    );
    say('letting Prometheus collect a healthy baseline for 15 s');
    await delay(15_000);
    say('injecting a latency regression: deploying genai:v2 (revision 2)');
    await setImage(deployment, 'genai:v2');
    say(`waiting for the alert (p95 > 100 ms for ${trigger.for / 1000} s), the webhook and the remediation run`);

    const workflowId = remediationWorkflowId(row.id);
    const { runId, result } = await waitForRun(client, workflowId, 10 * 60_000);
    const runUrl = `${temporal.webUiUrl}/namespaces/default/workflows/${workflowId}/${runId}/history`;
    say(`run finished: ${result.outcome} (${result.reason})`);
    for (const entry of result.timeline) say(`  ${entry.at} [${entry.phase}] ${entry.event}`);
    say(`open the run in the Temporal Web UI: ${runUrl}`);
    writeFileSync(join(stateDir, 'result.json'), JSON.stringify({ workflowId, runId, runUrl, ...result }, null, 2));

    if (!exitWhenDone) {
      say('the stack stays up; press Ctrl-C to stop it');
      await new Promise(() => undefined);
    }
    await stack.stopAll();
    process.exitCode = result.outcome === 'mitigated' ? 0 : 1;
  } catch (error) {
    say(`failed: ${(error as Error).message}; logs are in ${logDir}`);
    await stack.stopAll();
    process.exitCode = 1;
  }
}

void main();
