import type { BenchOptions } from './options';
import type { RunTiming } from './runs';
import type { ProcUsage } from './proc-stats';
import type { DurationSummary } from './stats';

/** Everything one benchmark run measured, as written to the JSON file. */
export interface BenchReport {
  command: string;
  startedAt: string;
  options: BenchOptions;
  machine: {
    nproc: number;
    cpuModel: string;
    totalMemoryBytes: number;
    kernel: string;
    node: string;
    temporalCli: string;
  };
  /** 1, 5 and 15 minute load averages of the whole machine. */
  loadAverageBefore: number[];
  loadAverageAfter: number[];
  plan: { incidents: number; perIncident: number; services: number };
  deliveries: {
    sent: number;
    /** Deliveries by HTTP status; 0 means no response. */
    statusCounts: Record<string, number>;
    firstErrors: string[];
    runsStarted: number;
    /** Accepted deliveries that signaled a run another delivery had started. */
    joinedOpenRun: number;
    /** Runs that received deliveries of more than one incident of their service. */
    runsWithSeveralIncidents: number;
    /** Incidents whose deliveries got responses naming more than one run id. */
    incidentsSplitOverRuns: number;
  };
  webhook: { sendDurationMs: number; requestsPerSecond: number; latencyMs: DurationSummary };
  runs: {
    sampled: number;
    completedInSample: number;
    postToStartedMs: DurationSummary;
    postToClosedMs: DurationSummary;
    /** Closed runs of the measured phase, by RemediationOutcome. */
    outcomes: Record<string, number>;
    /** From the first POST until visibility showed every run of the phase closed. */
    allClosedAfterMs: number;
    /** WorkflowTaskFailed events in the sampled histories, by cause. */
    workflowTaskFailures: Record<string, number>;
    meanHistoryLength: number;
    /** Per sampled run; only the first few keep their event list. */
    timings: (Omit<RunTiming, 'events'> & { events?: string[] })[];
  };
  /** Usage from the first POST until every run closed, per process. */
  processes: Record<string, ProcUsage & { pid: number }>;
  /** Requests that reached the PagerDuty, chat and Kubernetes stand-in, by method and path. */
  sinkRequests: Record<string, number>;
  /** TCP connections the stand-in accepted. */
  sinkConnections: number;
}

function ms(value: number): string {
  return Number.isNaN(value) ? 'n/a' : value.toFixed(1);
}

function mib(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(0);
}

function describeDistribution(summary: DurationSummary, withP99: boolean): string {
  const parts = withP99
    ? [summary.p50, summary.p95, summary.p99, summary.max]
    : [summary.p50, summary.p95, summary.max];
  return `${parts.map(ms).join(' / ')} ms`;
}

function describeProcess(usage: ProcUsage, phaseMs: number, deliveries: number): string {
  const share = (usage.cpuSeconds / (phaseMs / 1000)) * 100;
  const perDelivery = (usage.cpuSeconds * 1000) / deliveries;
  return (
    `${usage.cpuSeconds.toFixed(2)} s CPU (${share.toFixed(0)}% of one core, ${perDelivery.toFixed(1)} ms per delivery; ` +
    `${usage.cpuSecondsBefore.toFixed(1)} s before), RSS max ${mib(usage.maxRssBytes)} MiB, VmHWM ${mib(usage.peakRssBytes)} MiB`
  );
}

/** Renders the report as a two-column Markdown table. */
export function renderMarkdown(report: BenchReport): string {
  const { deliveries, webhook, runs } = report;
  const statuses = Object.entries(deliveries.statusCounts)
    .map(([status, count]) => `${status === '0' ? 'no response' : `HTTP ${status}`}: ${count}`)
    .join(', ');
  const rows: [string, string][] = [
    ['Command', `\`${report.command}\``],
    [
      'Deliveries sent',
      `${deliveries.sent} (${statuses}); ${report.plan.incidents} incidents × ${report.plan.perIncident} over ` +
        `${report.plan.services} services`,
    ],
    [
      'Runs started / deliveries that joined an open run',
      `${deliveries.runsStarted} / ${deliveries.joinedOpenRun} (runs joined by a later incident: ` +
        `${deliveries.runsWithSeveralIncidents}; incidents split over runs: ${deliveries.incidentsSplitOverRuns})`,
    ],
    [
      'Webhook throughput',
      `${webhook.requestsPerSecond.toFixed(1)} requests/s (${deliveries.sent} in ${(webhook.sendDurationMs / 1000).toFixed(2)} s)`,
    ],
    ['Response latency p50 / p95 / p99 / max', describeDistribution(webhook.latencyMs, true)],
    [
      `POST → WorkflowExecutionStarted p50 / p95 / max (${runs.sampled} runs)`,
      describeDistribution(runs.postToStartedMs, false),
    ],
    [
      `POST → run closed p50 / p95 / max (${runs.completedInSample} of ${runs.sampled} completed)`,
      describeDistribution(runs.postToClosedMs, false),
    ],
    [
      'Sampled histories: mean length / WorkflowTaskFailed events',
      `${runs.meanHistoryLength.toFixed(1)} events / ${describeCounts(runs.workflowTaskFailures)}`,
    ],
    ['All runs closed after the first POST', `${(runs.allClosedAfterMs / 1000).toFixed(2)} s`],
    ['Run outcomes', describeCounts(runs.outcomes)],
  ];
  for (const [name, usage] of Object.entries(report.processes)) {
    rows.push([`${name} (pid ${usage.pid})`, describeProcess(usage, runs.allClosedAfterMs, deliveries.sent)]);
  }
  rows.push([
    'Load average 1/5/15 min before → after',
    `${formatLoad(report.loadAverageBefore)} → ${formatLoad(report.loadAverageAfter)}`,
  ]);
  const sinkTotal = Object.values(report.sinkRequests).reduce((sum, count) => sum + count, 0);
  rows.push([
    'Requests (connections) to the PagerDuty/chat/Kubernetes stand-in',
    `${sinkTotal} (${report.sinkConnections})`,
  ]);
  const lines = ['| Measure | Value |', '| --- | --- |', ...rows.map(([name, value]) => `| ${name} | ${value} |`)];
  return lines.join('\n');
}

function describeCounts(counts: Record<string, number>): string {
  const entries = Object.entries(counts);
  if (entries.length === 0) return 'none';
  return entries.map(([key, count]) => `${key}: ${count}`).join(', ');
}

function formatLoad(load: number[]): string {
  return load.map((value) => value.toFixed(2)).join(' ');
}
