// Benchmark of the webhook-to-workflow path on 127.0.0.1: Alertmanager deliveries → webhook server →
// signal-with-start → worker → remediation saga. Every component is the real one: a Temporal dev server, a
// Prometheus without data (so detection reads "no data" and each run ends quickly as not-confirmed), and the
// worker and webhook entry points as child processes. Usage: npx tsx scripts/bench-webhook.ts --help
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { startNodeScript } from '../src/demo/node-script';
import { findFreePort } from '../src/stack/free-port';
import type { ManagedProcess } from '../src/stack/managed-process';
import { PrometheusServer } from '../src/stack/prometheus';
import { findTemporalCli } from '../src/stack/temporal-binary';
import { TemporalDevServer } from '../src/stack/temporal-dev-server';
import type { Runbook } from '../src/runbook/schema';
import { ALERTMANAGER_PATH } from '../src/webhook/server';
import { remediationWorkflowId } from '../src/workflows/remediation/ids';
import { buildPayload, planDeliveries, readPayloadTemplate, type PlannedDelivery } from './bench/deliveries';
import { sendAll, sendDelivery, wallClockMs, type DeliveryResult } from './bench/load';
import { parseBenchOptions, USAGE, type BenchOptions } from './bench/options';
import { findChildPid, ProcSampler } from './bench/proc-stats';
import { renderMarkdown, type BenchReport } from './bench/report';
import { placeholderSecrets, writeBenchRunbook, type BenchRunbook } from './bench/runbook';
import {
  countOutcomes,
  countSplitIncidents,
  groupByRun,
  readSampleTimings,
  waitForAllRunsClosed,
  type ObservedRun,
  type RunTiming,
} from './bench/runs';
import { RequestSink } from './bench/sink';
import { summarizeDurations } from './bench/stats';

const repoRoot = resolve(__dirname, '..');
const SOURCE_RUNBOOK = join(repoRoot, 'config/runbook.yaml');
const PAYLOAD_TEMPLATE = join(repoRoot, 'test/fixtures/alertmanager/firing-genai-api.json');
/** Services that get one delivery each before the measured phase, which also waits out the workflow bundling. */
const WARM_UP_SERVICES = 4;

function say(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

/** Everything the benchmark started, stopped newest first. */
class Stack {
  private readonly stops: { name: string; stop: () => Promise<void> }[] = [];

  add(name: string, stop: () => Promise<void>): void {
    this.stops.push({ name, stop });
  }

  addProcess(child: ManagedProcess): ManagedProcess {
    this.add(child.options.name, () => child.stop());
    return child;
  }

  async stopAll(): Promise<void> {
    const stops = this.stops.splice(0).reverse();
    for (const { name, stop } of stops) {
      await stop().catch((error) => say(`stopping ${name} failed: ${(error as Error).message}`));
    }
  }
}

/** Kubeconfig that points at the loopback sink, so the worker never reaches a real cluster. */
function writeSinkKubeconfig(file: string, sinkUrl: string): void {
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'bench', cluster: { server: sinkUrl } }],
    users: [{ name: 'bench', user: { token: 'bench-placeholder-token' } }],
    contexts: [{ name: 'bench', context: { cluster: 'bench', user: 'bench' } }],
    'current-context': 'bench',
  };
  writeFileSync(file, JSON.stringify(config, null, 2));
}

interface RunningStack {
  client: Client;
  webhookUrl: URL;
  pids: Record<string, number>;
  sink: RequestSink;
}

async function startStack(
  stack: Stack,
  stateDir: string,
  runbookFile: string,
  secretEnv: BenchRunbook['secretEnv'],
): Promise<RunningStack> {
  const logDir = join(stateDir, 'logs');
  const sink = await RequestSink.start();
  stack.add('request sink', () => sink.stop());
  const kubeconfig = join(stateDir, 'kubeconfig.json');
  writeSinkKubeconfig(kubeconfig, sink.baseUrl);

  say('starting the Temporal dev server (headless, in-memory SQLite)');
  const temporal = await TemporalDevServer.start({ stateDir: join(stateDir, 'temporal') });
  stack.add('temporal', () => temporal.stop());
  say('starting Prometheus without scrape targets');
  const prometheus = await PrometheusServer.start({ stateDir: join(stateDir, 'prometheus'), scrapeTargets: [] });
  stack.add('prometheus', () => prometheus.stop());

  const commonEnv = { TEMPORAL_ADDRESS: temporal.address, RUNBOOK_FILE: runbookFile, LOG_LEVEL: 'info' };
  const workerMetricsPort = await findFreePort();
  const worker = stack.addProcess(
    startNodeScript(
      'worker',
      'src/worker.ts',
      {
        ...commonEnv,
        KUBECONFIG: kubeconfig,
        PROMETHEUS_URL: prometheus.baseUrl,
        PAGERDUTY_EVENTS_URL: `${sink.baseUrl}/v2/enqueue`,
        ...placeholderSecrets(secretEnv, sink.baseUrl),
        // Rows copied from the BI row refresh datasets, so the worker needs Power BI settings; no run gets that far.
        POWERBI_API_URL: sink.baseUrl,
        POWERBI_TOKEN: 'bench-placeholder',
        INCIDENT_LOG_DIR: join(stateDir, 'incident-log'),
        // The benchmark measures remediation runs; the gate worker would only add a second workflow bundle.
        WORKER_GATES: 'false',
        WORKER_METRICS_ADDRESS: `127.0.0.1:${workerMetricsPort}`,
      },
      logDir,
    ),
  );
  const webhookPort = await findFreePort();
  const webhook = stack.addProcess(
    startNodeScript(
      'webhook',
      'src/starters/webhook-server.ts',
      { ...commonEnv, WEBHOOK_HOST: '127.0.0.1', WEBHOOK_PORT: String(webhookPort) },
      logDir,
    ),
  );
  say('starting the worker and the webhook server');
  await Promise.all([
    worker.waitForHttp(`http://127.0.0.1:${workerMetricsPort}/metrics`, 120_000),
    webhook.waitForHttp(`http://127.0.0.1:${webhookPort}/healthz`, 60_000),
  ]);

  const connection = await Connection.connect({ address: temporal.address });
  stack.add('temporal client', () => connection.close());
  const pids: Record<string, number> = { worker: worker.pid!, webhook: webhook.pid!, 'bench client': process.pid };
  const temporalPid = findChildPid(process.pid, 'temporal');
  if (temporalPid !== undefined) pids['temporal dev server'] = temporalPid;
  const prometheusPid = findChildPid(process.pid, 'prometheus');
  if (prometheusPid !== undefined) pids.prometheus = prometheusPid;
  return {
    client: new Client({ connection }),
    webhookUrl: new URL(`http://127.0.0.1:${webhookPort}${ALERTMANAGER_PATH}`),
    pids,
    sink,
  };
}

/**
 * Sends one delivery to each of the first few services and waits for their runs to finish. The first run
 * waits for the worker to bundle the workflow code, which must not count against the measured phase.
 */
async function warmUp(running: RunningStack, runbook: Runbook, startsAtMs: number): Promise<void> {
  const template = readPayloadTemplate(PAYLOAD_TEMPLATE);
  const agent = new Agent({ keepAlive: false });
  const rows = runbook.services.slice(0, WARM_UP_SERVICES);
  const startsAt = new Date(startsAtMs).toISOString();
  const results = await Promise.all(
    rows.map((row, index) => {
      const delivery: PlannedDelivery = {
        index,
        serviceId: row.id,
        incident: -1,
        repeat: 0,
        startsAt,
        body: JSON.stringify(buildPayload(template, row, startsAt)),
      };
      return sendDelivery(agent, running.webhookUrl, delivery, AbortSignal.timeout(30_000));
    }),
  );
  agent.destroy();
  for (const result of results) {
    if (!result.runId) throw new Error(`warm-up delivery for ${result.serviceId} failed: ${result.error}`);
    await running.client.workflow.getHandle(remediationWorkflowId(result.serviceId), result.runId).result();
  }
}

/** Raw results of the measured phase, before summarizing. */
interface LoadPhase {
  plan: PlannedDelivery[];
  results: DeliveryResult[];
  runs: ObservedRun[];
  loadStartMs: number;
  sendEndMs: number;
  allClosedAtMs: number;
  processes: BenchReport['processes'];
  timings: RunTiming[];
  outcomes: Record<string, number>;
}

/**
 * Sends the planned deliveries while sampling the processes, waits until every run they started has closed,
 * then reads the sampled histories and the outcomes.
 */
async function runLoadPhase(
  options: BenchOptions,
  stack: Stack,
  running: RunningStack,
  plan: PlannedDelivery[],
): Promise<LoadPhase> {
  const samplers = Object.entries(running.pids).map(([name, pid]) => new ProcSampler(name, pid));
  say(`sending ${plan.length} deliveries with concurrency ${options.concurrency}`);
  const abort = new AbortController();
  stack.add('load', async () => abort.abort());
  for (const sampler of samplers) sampler.start();
  const loadStartMs = wallClockMs();
  const results = await sendAll(running.webhookUrl, plan, options.concurrency, abort.signal);
  const sendEndMs = wallClockMs();
  const runs = groupByRun(results);
  say(`waiting for ${runs.length} runs to close`);
  const allClosedAtMs = await waitForAllRunsClosed(running.client, loadStartMs, runs.length, 120_000);
  const processes: BenchReport['processes'] = {};
  for (const sampler of samplers) processes[sampler.name] = { pid: sampler.pid, ...sampler.stop() };

  say(`reading the histories of up to ${options.sample} runs`);
  const timings = await readSampleTimings(running.client, runs, options.sample);
  const outcomes = await countOutcomes(running.client, loadStartMs);
  return { plan, results, runs, loadStartMs, sendEndMs, allClosedAtMs, processes, timings, outcomes };
}

function countKeys(keys: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const key of keys) counts[key] = (counts[key] ?? 0) + 1;
  return counts;
}

function summarizeRuns(phase: LoadPhase): BenchReport['runs'] {
  const { timings } = phase;
  const closedTimings = timings.filter((timing) => timing.toClosedMs !== undefined);
  return {
    sampled: timings.length,
    completedInSample: timings.filter((timing) => timing.closeEvent === 'WorkflowExecutionCompleted').length,
    postToStartedMs: summarizeDurations(timings.map((timing) => timing.toStartedMs)),
    postToClosedMs: summarizeDurations(closedTimings.map((timing) => timing.toClosedMs!)),
    outcomes: phase.outcomes,
    allClosedAfterMs: phase.allClosedAtMs - phase.loadStartMs,
    workflowTaskFailures: countKeys(timings.flatMap((timing) => timing.workflowTaskFailures)),
    meanHistoryLength: timings.reduce((sum, timing) => sum + timing.historyLength, 0) / (timings.length || 1),
    timings: timings.map(({ events, ...timing }, index) => (index < 3 ? { ...timing, events } : timing)),
  };
}

function summarizeDeliveries(phase: LoadPhase): BenchReport['deliveries'] {
  const { results, runs } = phase;
  const accepted = results.filter((result) => result.runId !== undefined).length;
  return {
    sent: results.length,
    statusCounts: countKeys(results.map((result) => String(result.status))),
    firstErrors: results.flatMap((result) => (result.error ? [result.error] : [])).slice(0, 5),
    runsStarted: runs.length,
    joinedOpenRun: accepted - runs.length,
    runsWithSeveralIncidents: runs.filter((run) => run.incidents > 1).length,
    incidentsSplitOverRuns: countSplitIncidents(results),
  };
}

function readTemporalVersion(): string {
  const cli = findTemporalCli();
  if (!cli) return 'not found';
  return execFileSync(cli, ['--version'], { encoding: 'utf8' }).trim();
}

async function measure(options: BenchOptions, stack: Stack, command: string): Promise<BenchReport> {
  const startedAt = new Date();
  const loadAverageBefore = loadavg();
  rmSync(options.stateDir, { recursive: true, force: true });
  mkdirSync(options.stateDir, { recursive: true });
  const runbookFile = join(options.stateDir, 'runbook.yaml');
  const { runbook, secretEnv } = writeBenchRunbook(SOURCE_RUNBOOK, runbookFile, options.services);
  const running = await startStack(stack, options.stateDir, runbookFile, secretEnv);

  // Alert start times lie in the past, as Alertmanager's do; warm-up ones lie before all measured ones.
  const firstStartsAtMs = Math.floor(startedAt.getTime() / 1000) * 1000 - 3_600_000;
  say('warming up: one run per service on the first few services, waiting for the workflow bundle');
  await warmUp(running, runbook, firstStartsAtMs - 60_000);

  const template = readPayloadTemplate(PAYLOAD_TEMPLATE);
  const plan = planDeliveries(runbook.services, options.requests, options.perIncident, template, firstStartsAtMs);
  const phase = await runLoadPhase(options, stack, running, plan);
  const sendDurationMs = phase.sendEndMs - phase.loadStartMs;
  return {
    command,
    startedAt: startedAt.toISOString(),
    options,
    machine: {
      nproc: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      totalMemoryBytes: totalmem(),
      kernel: release(),
      node: process.version,
      temporalCli: readTemporalVersion(),
    },
    loadAverageBefore,
    loadAverageAfter: loadavg(),
    plan: {
      incidents: new Set(plan.map((delivery) => `${delivery.serviceId}/${delivery.incident}`)).size,
      perIncident: options.perIncident,
      services: options.services,
    },
    deliveries: summarizeDeliveries(phase),
    webhook: {
      sendDurationMs,
      requestsPerSecond: phase.results.length / (sendDurationMs / 1000),
      latencyMs: summarizeDurations(phase.results.map((result) => result.latencyMs)),
    },
    runs: summarizeRuns(phase),
    processes: phase.processes,
    sinkRequests: Object.fromEntries(running.sink.received),
    sinkConnections: running.sink.connections,
  };
}

async function main(): Promise<void> {
  let options: BenchOptions | undefined;
  try {
    options = parseBenchOptions(process.argv.slice(2), repoRoot);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  if (!options) {
    process.stdout.write(USAGE);
    return;
  }
  const command = ['npx tsx scripts/bench-webhook.ts', ...process.argv.slice(2)].join(' ');
  const stack = new Stack();
  const stopAndExit = (reason: string, code: number) => {
    say(`${reason}; stopping everything the benchmark started`);
    void stack.stopAll().then(() => process.exit(code));
  };
  process.once('SIGINT', () => stopAndExit('interrupted', 130));
  process.once('SIGTERM', () => stopAndExit('terminated', 143));
  const timeLimit = setTimeout(
    () => stopAndExit(`time limit of ${options.timeLimitSeconds} s reached`, 124),
    options.timeLimitSeconds * 1000,
  );

  try {
    const report = await measure(options, stack, command);
    await stack.stopAll();
    process.stdout.write(`${renderMarkdown(report)}\n`);
    if (options.out) {
      writeFileSync(options.out, `${JSON.stringify(report, null, 2)}\n`);
      say(`wrote ${options.out}`);
    }
  } catch (error) {
    say(`failed: ${(error as Error).message}; logs are in ${join(options.stateDir, 'logs')}`);
    await stack.stopAll();
    process.exitCode = 1;
  } finally {
    clearTimeout(timeLimit);
  }
}

void main();
