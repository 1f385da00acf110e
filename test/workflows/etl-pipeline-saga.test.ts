import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { incidentKeyForRun } from '../../src/activities/airflow/start-remediation';
import type { ServiceRunbook } from '../../src/runbook/schema';
import { incidentIdFor } from '../../src/workflows/remediation/ids';
import { alertResolvedSignal, statusQuery } from '../../src/workflows/remediation/messages';
import type { AlertRef, RemediationResult } from '../../src/workflows/remediation/types';
import { GitHubStandIn, type StandInIssue } from '../activities/github-stand-in';
import type { StubResponse } from '../activities/http-stub';
import { AirflowStandIn, type StandInRun } from '../airflow/airflow-stand-in';
import {
  pagedKeys,
  readIncidentRecord,
  rowFor,
  runbookRow,
  startRun,
  startSagaHarness,
  unusedKubeConfig,
  type SagaHarness,
} from './saga-harness';

const DAG_ID = 'etl_daily';
const GITHUB_TOKEN = 'github_pat_incidents_0000000000';
const TICKET_REPOSITORY = 'example-org/data-incidents';
const DATA_TEAM_WEBHOOK = '/services/T000/B001/DATA';
/** Airflow 3.3.2's 403 for a user without the permission (`_requires_access` in `api_fastapi/core_api/security.py`). */
const FORBIDDEN: StubResponse = { status: 403, body: { detail: 'Forbidden' } };

/** Behaviour of the Airflow stand-in towards the saga's requests, reset before each test. */
interface AirflowScript {
  /** State each run the saga triggers ends in, shortly after the trigger. */
  newRunState: 'success' | 'failed';
  /** Response to PATCH requests in place of the stand-in's own, such as a 403. */
  patchResponse?: StubResponse;
  /** While set, reads of a single run wait for this promise, so the test can signal the saga in detection. */
  holdRunReads?: Promise<void>;
}

function secondsAgo(seconds: number): string {
  return new Date(Date.now() - seconds * 1000).toISOString();
}

async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await delay(50);
  }
}

function timelineOf(result: RemediationResult): string {
  return JSON.stringify(result.timeline, null, 2);
}

function hasEvent(result: RemediationResult, pattern: RegExp): boolean {
  return result.timeline.some((entry) => pattern.test(entry.event));
}

describe('ETL pipeline saga', function () {
  this.timeout(60_000);
  let harness: SagaHarness;
  let airflow: AirflowStandIn;
  let github: GitHubStandIn;
  let script: AirflowScript;

  before(async () => {
    airflow = await AirflowStandIn.start('v2');
    const respond = airflow.stub.respond;
    airflow.stub.respond = async (request) => {
      const path = new URL(request.url, 'http://stand-in').pathname;
      const runPath = /^\/api\/v2\/dags\/[^/]+\/dagRuns\/[^/]+$/.test(path);
      if (runPath && request.method === 'GET' && script.holdRunReads) await script.holdRunReads;
      if (runPath && request.method === 'PATCH' && script.patchResponse) return script.patchResponse;
      const response = await respond(request);
      if (request.method === 'POST' && path.endsWith('/dagRuns') && response.status === 200) {
        const triggered = response.body as StandInRun;
        const state = script.newRunState;
        // Airflow finishes the run a moment after the trigger, so the saga's first poll reads it queued.
        setTimeout(() => finishRun(triggered, state), 200);
      }
      return response;
    };
    github = await GitHubStandIn.start(GITHUB_TOKEN, TICKET_REPOSITORY);
    harness = await startSagaHarness(unusedKubeConfig(), 'etl-pipeline-saga-tests', {
      airflow: {
        baseUrl: airflow.baseUrl,
        apiVersion: 'v2',
        usernameEnv: 'AIRFLOW_USERNAME',
        passwordEnv: 'AIRFLOW_PASSWORD',
        pollIntervalMs: 100,
      },
      githubApiUrl: github.apiUrl,
      secrets: {
        AIRFLOW_USERNAME: airflow.credentials.username,
        AIRFLOW_PASSWORD: airflow.credentials.password,
        GITHUB_TOKEN_INCIDENTS: GITHUB_TOKEN,
      },
    });
  });

  after(async () => {
    await harness?.stop();
    await airflow?.close();
    await github?.close();
  });

  beforeEach(() => {
    script = { newRunState: 'success' };
    harness.pagerDuty.requests.length = 0;
    harness.slack.requests.length = 0;
  });

  function finishRun(run: StandInRun, state: 'success' | 'failed'): void {
    run.state = state;
    run.start_date = run.queued_at;
    run.end_date = new Date().toISOString();
  }

  /** Adds a run of etl_daily, started `seconds` ago, in the given state. */
  function addRun(dagRunId: string, state: string, seconds: number): StandInRun {
    return airflow.addRun('v2/dag-run-running.json', {
      dag_run_id: dagRunId,
      state,
      queued_at: secondsAgo(seconds + 2),
      start_date: secondsAgo(seconds),
      end_date: state === 'running' ? null : secondsAgo(0),
      conf: { date: '2026-12-04' },
    });
  }

  /** Builds the alert the ETL watchdog raises for an overdue run: the row's labels plus the DAG and run ids. */
  function overdueAlert(row: ServiceRunbook, run: StandInRun): AlertRef {
    return {
      fingerprint: `fp-${row.id}`,
      startsAt: String(run.start_date),
      labels: { ...row.alertLabels, dag_id: run.dag_id, dag_run_id: run.dag_run_id },
      annotations: { summary: `DAG run ${run.dag_id}/${run.dag_run_id} is overdue` },
    };
  }

  /** Starts the saga for the run as the watchdog does, with the run's own workflow id. */
  async function startForRun(row: ServiceRunbook, run: StandInRun) {
    const alert = overdueAlert(row, run);
    const handle = await startRun(harness, row, alert, incidentKeyForRun(run.dag_run_id));
    return { handle, incidentId: incidentIdFor(row.id, alert.startsAt) };
  }

  function runPath(run: StandInRun): string {
    return `/api/v2/dags/${DAG_ID}/dagRuns/${encodeURIComponent(run.dag_run_id)}`;
  }

  function triggerRequests(): { dag_run_id: string; note: string; conf: unknown; logical_date: unknown }[] {
    return airflow.requestsTo('POST', `/api/v2/dags/${DAG_ID}/dagRuns`).map((request) => JSON.parse(request.body));
  }

  function issueOf(incidentId: string): StandInIssue | undefined {
    return github.issues.find((issue) => issue.labels.some((label) => label.name === `incident:${incidentId}`));
  }

  function dataTeamMessages(): string[] {
    return harness.slack.requests
      .filter((request) => request.url === DATA_TEAM_WEBHOOK)
      .map((request) => String(JSON.parse(request.body).text));
  }

  /** Checks the ticket of an escalated incident: opened with the reason and closed out with an outcome comment. */
  function assertEscalationTicket(incidentId: string, workflowId: string, reason: RegExp): void {
    const issue = issueOf(incidentId);
    assert.ok(issue, `no GitHub issue labelled incident:${incidentId}`);
    assert.match(issue.title, /^\[incident\] ETL Pipeline: /);
    assert.match(issue.title, reason);
    assert.ok(issue.title.endsWith(`(${incidentId})`), issue.title);
    assert.deepEqual(issue.labels.map((label) => label.name).sort(), ['incident', `incident:${incidentId}`]);
    assert.ok(issue.body.includes(`/workflows/${workflowId}/`), issue.body);
    assert.ok(issue.body.includes(`${harness.incidentLogDir}/${incidentId}.md`), issue.body);
    const comments = github.comments.get(issue.number) ?? [];
    assert.equal(comments.length, 1);
    assert.match(comments[0]!.body, /^Outcome: \*\*escalated\*\*\. /);
    assert.match(comments[0]!.body, reason);
    const record = readIncidentRecord(harness, incidentId);
    assert.equal(record?.status, 'escalated');
    assert.equal(record?.ticketUrl, issue.html_url);
    assert.ok(record?.closedAt);
  }

  it('restarts an overdue run and verifies the new one', async () => {
    const row = rowFor(runbookRow('etl-pipeline'), 'etl-mitigated');
    const run = addRun('scheduled__2026-12-01T00:00:00+00:00', 'running', 1200);

    const { handle, incidentId } = await startForRun(row, run);
    const result = await handle.result();

    assert.equal(result.outcome, 'mitigated', timelineOf(result));
    assert.equal(handle.workflowId, `slo-remediation-etl-mitigated-${incidentKeyForRun(run.dag_run_id)}`);
    assert.ok(hasEvent(result, /DAG run etl_daily\/scheduled__2026-12-01T00:00:00\+00:00 is running; indicator/));
    const patches = airflow.requestsTo('PATCH', runPath(run)).map((request) => JSON.parse(request.body));
    assert.deepEqual(patches, [{ state: 'failed' }]);
    assert.equal(run.state, 'failed');
    const triggers = triggerRequests().filter((body) => body.note.includes(incidentId));
    assert.equal(triggers.length, 1);
    assert.match(triggers[0]!.dag_run_id, /^slo_restart__etl-mitigated-/);
    assert.deepEqual(triggers[0]!.conf, { date: '2026-12-04' }, 'the new run gets the old run conf');
    assert.equal(triggers[0]!.logical_date, null);
    assert.ok(hasEvent(result, new RegExp(`DAG run etl_daily/${triggers[0]!.dag_run_id} finished success`)));
    const messages = dataTeamMessages();
    assert.equal(messages.length, 1);
    assert.ok(messages[0]!.includes(incidentId), messages[0]);
    assert.deepEqual(pagedKeys(harness), []);
    assert.equal(issueOf(incidentId), undefined, 'a mitigated incident opens no ticket');
    const record = readIncidentRecord(harness, incidentId);
    assert.equal(record?.status, 'mitigated');
    assert.equal(record?.ticketUrl, undefined);
  });

  it('ends a false alarm when the run already finished', async () => {
    const row = rowFor(runbookRow('etl-pipeline'), 'etl-false-alarm');
    const run = addRun('scheduled__2026-12-02T00:00:00+00:00', 'success', 1000);

    const { handle, incidentId } = await startForRun(row, run);
    const result = await handle.result();

    assert.equal(result.outcome, 'not-confirmed', timelineOf(result));
    assert.ok(hasEvent(result, /is success;/));
    assert.equal(airflow.requestsTo('PATCH', runPath(run)).length, 0);
    assert.equal(triggerRequests().filter((body) => body.note.includes(incidentId)).length, 0);
    assert.deepEqual(pagedKeys(harness), []);
    assert.equal(issueOf(incidentId), undefined);
    assert.equal(readIncidentRecord(harness, incidentId), undefined);
  });

  it('escalates when Airflow forbids the restart', async () => {
    const row = rowFor(runbookRow('etl-pipeline'), 'etl-action-fails');
    const run = addRun('scheduled__2026-12-03T00:00:00+00:00', 'running', 1200);
    script.patchResponse = FORBIDDEN;

    const { handle, incidentId } = await startForRun(row, run);
    const result = await handle.result();

    assert.equal(result.outcome, 'escalated', timelineOf(result));
    assert.ok(hasEvent(result, /airflow\.restart-dag-run failed: .*HTTP 403.*Forbidden/));
    assert.equal(run.state, 'running');
    assert.equal(triggerRequests().filter((body) => body.note.includes(incidentId)).length, 0);
    assert.deepEqual(dataTeamMessages(), [], 'the notify action after the restart must not run');
    assert.deepEqual(pagedKeys(harness), [`${incidentId}/data-eng`]);
    assert.ok(hasEvent(result, /no acknowledgement of level 1 within 1s; no level left to page/));
    assertEscalationTicket(incidentId, handle.workflowId, /airflow\.restart-dag-run failed/);
  });

  it('escalates when the new run fails', async () => {
    const row = rowFor(runbookRow('etl-pipeline'), 'etl-verify-fails');
    const run = addRun('scheduled__2026-12-04T00:00:00+00:00', 'running', 1200);
    script.newRunState = 'failed';

    const { handle, incidentId } = await startForRun(row, run);
    const result = await handle.result();

    assert.equal(result.outcome, 'escalated', timelineOf(result));
    assert.equal(run.state, 'failed');
    assert.ok(
      hasEvent(
        result,
        /the work the actions started did not finish within the SLO: DAG run etl_daily\/slo_restart__.* failed/,
      ),
    );
    assert.equal(dataTeamMessages().length, 1);
    assert.deepEqual(pagedKeys(harness), [`${incidentId}/data-eng`]);
    assertEscalationTicket(incidentId, handle.workflowId, /the work the actions started did not finish within the SLO/);
  });

  it('pages the next level without an acknowledgement', async () => {
    const base = rowFor(runbookRow('etl-pipeline'), 'etl-unacknowledged');
    const second = {
      page: [
        { team: 'SRE managers', routingKeyEnv: 'PAGERDUTY_ROUTING_KEY_SRE_MANAGERS', severity: 'critical' as const },
      ],
      ackTimeout: 1_000,
    };
    const row = { ...base, escalation: { ...base.escalation, levels: [base.escalation.levels[0]!, second] } };
    const run = addRun('scheduled__2026-12-05T00:00:00+00:00', 'running', 1200);
    script.patchResponse = FORBIDDEN;

    const { handle, incidentId } = await startForRun(row, run);
    const result = await handle.result();

    assert.equal(result.outcome, 'escalated', timelineOf(result));
    assert.deepEqual(pagedKeys(harness), [`${incidentId}/data-eng`, `${incidentId}/sre-managers`]);
    assert.ok(hasEvent(result, /no acknowledgement of level 1 within 1s; paging level 2/));
    assert.ok(hasEvent(result, /no acknowledgement of level 2 within 1s; no level left to page/));
    assert.equal((await handle.query(statusQuery)).acknowledgedBy, undefined);
    assertEscalationTicket(incidentId, handle.workflowId, /airflow\.restart-dag-run failed/);
  });

  it('stops when the alert resolves before mitigation', async () => {
    const row = rowFor(runbookRow('etl-pipeline'), 'etl-resolved');
    const run = addRun('scheduled__2026-12-06T00:00:00+00:00', 'running', 1200);
    let releaseRead!: () => void;
    script.holdRunReads = new Promise<void>((resolve) => (releaseRead = resolve));

    const { handle, incidentId } = await startForRun(row, run);
    await waitUntil(() => airflow.requestsTo('GET', runPath(run)).length > 0, 10_000);
    await handle.signal(alertResolvedSignal, { fingerprint: 'fp-etl-resolved', endsAt: '2026-12-06T00:25:00Z' });
    script.holdRunReads = undefined;
    releaseRead();
    const result = await handle.result();

    assert.equal(result.outcome, 'resolved-before-mitigation', timelineOf(result));
    assert.ok(hasEvent(result, /is running;/), 'detection read the run before the outcome');
    assert.equal(airflow.requestsTo('PATCH', runPath(run)).length, 0);
    assert.equal(run.state, 'running');
    assert.deepEqual(pagedKeys(harness), []);
    assert.equal(issueOf(incidentId), undefined);
    assert.equal(readIncidentRecord(harness, incidentId)?.status, 'resolved-before-mitigation');
  });
});
