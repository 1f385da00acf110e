import { setTimeout as delay } from 'node:timers/promises';
import type { Client } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { REMEDIATION_OUTCOME } from '../../src/workflows/search-attributes';
import { remediationWorkflowId } from '../../src/workflows/remediation/ids';
import type { DeliveryResult } from './load';
import { pickEvenly } from './stats';

/** One remediation run and the deliveries whose 202 response named it. */
export interface ObservedRun {
  serviceId: string;
  runId: string;
  /** Earliest POST time among those deliveries, in Unix milliseconds: the best available start request time. */
  firstSentAtMs: number;
  deliveries: number;
  /** Incidents (distinct startsAt values) among those deliveries; more than one means a later incident joined. */
  incidents: number;
}

/** Groups the accepted deliveries by the run id the webhook returned. */
export function groupByRun(results: DeliveryResult[]): ObservedRun[] {
  const runs = new Map<string, ObservedRun & { incidentSet: Set<number> }>();
  for (const result of results) {
    if (!result.runId) continue;
    let run = runs.get(result.runId);
    if (!run) {
      run = {
        serviceId: result.serviceId,
        runId: result.runId,
        firstSentAtMs: result.sentAtMs,
        deliveries: 0,
        incidents: 0,
        incidentSet: new Set(),
      };
      runs.set(result.runId, run);
    }
    run.deliveries += 1;
    run.firstSentAtMs = Math.min(run.firstSentAtMs, result.sentAtMs);
    run.incidentSet.add(result.incident);
    run.incidents = run.incidentSet.size;
  }
  return [...runs.values()]
    .map(({ incidentSet: _incidentSet, ...run }) => run)
    .sort((a, b) => a.firstSentAtMs - b.firstSentAtMs);
}

/** Counts the incidents whose deliveries got responses naming more than one run id. */
export function countSplitIncidents(results: DeliveryResult[]): number {
  const runsByIncident = new Map<string, Set<string>>();
  for (const result of results) {
    if (!result.runId) continue;
    const key = `${result.serviceId}/${result.incident}`;
    const runIds = runsByIncident.get(key) ?? new Set<string>();
    runIds.add(result.runId);
    runsByIncident.set(key, runIds);
  }
  return [...runsByIncident.values()].filter((runIds) => runIds.size > 1).length;
}

/**
 * Polls visibility until `expected` remediation runs started at or after `sinceMs` are closed, and returns the
 * wall-clock time it saw them closed, in Unix ms. Counting closed runs, not open ones, keeps a run whose
 * visibility record is not written yet from passing as closed.
 */
export async function waitForAllRunsClosed(
  client: Client,
  sinceMs: number,
  expected: number,
  timeoutMs: number,
): Promise<number> {
  const since = new Date(sinceMs).toISOString();
  const query = `WorkflowType = 'remediationSaga' AND StartTime >= '${since}' AND ExecutionStatus != 'Running'`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { count } = await client.workflow.count(query);
    if (count >= expected) return Date.now();
    if (Date.now() > deadline) {
      throw new Error(`only ${count} of ${expected} remediation runs were closed after ${timeoutMs} ms`);
    }
    await delay(100);
  }
}

/** Counts the closed runs started at or after `sinceMs` by RemediationOutcome, and by status when it is unset. */
export async function countOutcomes(client: Client, sinceMs: number): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  const since = new Date(sinceMs).toISOString();
  const query = `WorkflowType = 'remediationSaga' AND StartTime >= '${since}'`;
  for await (const execution of client.workflow.list({ query })) {
    const outcome = execution.typedSearchAttributes.get(REMEDIATION_OUTCOME);
    const key = outcome ?? `no outcome (${execution.status.name})`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

/** Start and completion times of one sampled run, measured from its first POST, in milliseconds. */
export interface RunTiming {
  runId: string;
  serviceId: string;
  toStartedMs: number;
  toClosedMs: number | undefined;
  /** Type of the event that closed the run, such as WorkflowExecutionCompleted. */
  closeEvent: string | undefined;
  historyLength: number;
  /** Causes of the run's WorkflowTaskFailed events, such as UNHANDLED_COMMAND. */
  workflowTaskFailures: string[];
  /** Every history event as `offset ms: EventType`, the offset counted from the first POST. */
  events: string[];
}

/** A history event in the proto3 JSON form, where enums are names and timestamps RFC 3339 text. */
interface JsonEvent {
  eventTime: string;
  eventType: string;
  workflowTaskFailedEventAttributes?: { cause?: string };
}

const CLOSE_EVENTS = new Set([
  'WorkflowExecutionCompleted',
  'WorkflowExecutionFailed',
  'WorkflowExecutionTimedOut',
  'WorkflowExecutionTerminated',
  'WorkflowExecutionCanceled',
  'WorkflowExecutionContinuedAsNew',
]);

/** Parses an RFC 3339 time with up to nanosecond digits into Unix milliseconds, keeping the fraction. */
function parseEventTime(text: string): number {
  const match = /^(.+T\d{2}:\d{2}:\d{2})(\.\d+)?Z$/.exec(text);
  if (!match) throw new Error(`invalid event time ${JSON.stringify(text)} in a workflow history`);
  return Date.parse(`${match[1]}Z`) + Number(`0${match[2] ?? ''}`) * 1000;
}

/** Converts EVENT_TYPE_WORKFLOW_TASK_FAILED to WorkflowTaskFailed, the name the Web UI and docs use. */
function eventName(eventType: string): string {
  return eventType
    .replace(/^EVENT_TYPE_/, '')
    .split('_')
    .map((word) => word[0] + word.slice(1).toLowerCase())
    .join('');
}

/** Reads the run's history and measures its first POST to WorkflowExecutionStarted and to the close event. */
export async function readRunTiming(client: Client, run: ObservedRun): Promise<RunTiming> {
  const handle = client.workflow.getHandle(remediationWorkflowId(run.serviceId), run.runId);
  const history = JSON.parse(historyToJSON(await handle.fetchHistory())) as { events?: JsonEvent[] };
  const events = (history.events ?? []).map((event) => ({
    name: eventName(event.eventType),
    offsetMs: parseEventTime(event.eventTime) - run.firstSentAtMs,
    failureCause: event.workflowTaskFailedEventAttributes?.cause?.replace(/^WORKFLOW_TASK_FAILED_CAUSE_/, ''),
  }));
  const started = events.find((event) => event.name === 'WorkflowExecutionStarted');
  if (!started) throw new Error(`run ${run.runId} has no WorkflowExecutionStarted event`);
  const closed = events.find((event) => CLOSE_EVENTS.has(event.name));
  return {
    runId: run.runId,
    serviceId: run.serviceId,
    toStartedMs: started.offsetMs,
    toClosedMs: closed?.offsetMs,
    closeEvent: closed?.name,
    historyLength: events.length,
    workflowTaskFailures: events.flatMap((event) =>
      event.name === 'WorkflowTaskFailed' ? [event.failureCause ?? 'unknown cause'] : [],
    ),
    events: events.map((event) => `${event.offsetMs.toFixed(1)} ms: ${event.name}`),
  };
}

/** Reads the timings of up to `count` runs picked evenly over the measured phase, a few at a time. */
export async function readSampleTimings(client: Client, runs: ObservedRun[], count: number): Promise<RunTiming[]> {
  const sample = pickEvenly(runs, count);
  const timings: RunTiming[] = [];
  for (let offset = 0; offset < sample.length; offset += 8) {
    const batch = sample.slice(offset, offset + 8);
    timings.push(...(await Promise.all(batch.map((run) => readRunTiming(client, run)))));
  }
  return timings;
}
