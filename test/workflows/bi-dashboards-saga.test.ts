import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { ServiceRunbook } from '../../src/runbook/schema';
import { signalAlertResolved } from '../../src/webhook/temporal-dispatch';
import { statusQuery } from '../../src/workflows/remediation/messages';
import type { RemediationResult } from '../../src/workflows/remediation/types';
import powerBiErrors from '../fixtures/powerbi/errors.json';
import { PowerBiStandIn, type StandInRefresh } from '../activities/powerbi-stand-in';
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

const WORKSPACE_ID = '00000000-0000-0000-0000-000000000000';
const POWERBI_TOKEN = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.powerbi-test-token';
const ANALYTICS_WEBHOOK = '/services/T000/B002/ANALYTICS';
const FORBIDDEN = powerBiErrors.errors.find((error) => error.status === 403)!;

/** Outcome of each refresh the saga starts, reset before each test. */
interface RefreshScript {
  status: 'Completed' | 'Failed';
  /** Time from startTime to endTime that the refresh history reports. */
  durationSeconds: number;
  serviceExceptionJson?: string;
  /** Response to the refresh POST in place of the stand-in's own, such as a 403. */
  postResponse?: { status: number; body: unknown };
}

function timelineOf(result: RemediationResult): string {
  return JSON.stringify(result.timeline, null, 2);
}

function hasEvent(result: RemediationResult, pattern: RegExp): boolean {
  return result.timeline.some((entry) => pattern.test(entry.event));
}

describe('BI dashboards saga', function () {
  this.timeout(60_000);
  let harness: SagaHarness;
  let powerBi: PowerBiStandIn;
  let script: RefreshScript;

  before(async () => {
    powerBi = await PowerBiStandIn.start(POWERBI_TOKEN);
    powerBi.override = (request) => (request.method === 'POST' ? script.postResponse : undefined);
    const respond = powerBi.stub.respond;
    powerBi.stub.respond = async (request) => {
      const response = await respond(request);
      if (request.method === 'POST' && response.status === 202) {
        const refreshId = String(response.headers?.RequestId);
        const { status, durationSeconds, serviceExceptionJson } = script;
        // Power BI lists a running refresh as Unknown. It ends a moment later, so the wait polls it at least once.
        setTimeout(() => endRefresh(refreshId, status, durationSeconds, serviceExceptionJson), 200);
      }
      return response;
    };
    harness = await startSagaHarness(unusedKubeConfig(), 'bi-dashboards-saga-tests', {
      powerBi: { apiUrl: powerBi.apiUrl, tokenEnv: 'POWERBI_TOKEN', pollIntervalMs: 100 },
      secrets: { POWERBI_TOKEN },
    });
  });

  after(async () => {
    await harness?.stop();
    await powerBi?.close();
  });

  beforeEach(() => {
    script = { status: 'Completed', durationSeconds: 20 };
    harness.pagerDuty.requests.length = 0;
    harness.slack.requests.length = 0;
  });

  function findRefresh(refreshId: string): StandInRefresh {
    for (const history of powerBi.histories.values()) {
      const refresh = history.find((entry) => entry.requestId === refreshId);
      if (refresh) return refresh;
    }
    throw new Error(`no refresh ${refreshId} in the stand-in`);
  }

  function endRefresh(refreshId: string, status: string, seconds: number, serviceExceptionJson?: string): void {
    const refresh = findRefresh(refreshId);
    refresh.status = status;
    refresh.endTime = new Date(Date.parse(refresh.startTime) + seconds * 1000).toISOString();
    if (serviceExceptionJson !== undefined) refresh.serviceExceptionJson = serviceExceptionJson;
  }

  /**
   * Builds the shipped BI Dashboards row with the test's id and a dataset of its own. The refresh activity adopts
   * an API refresh of the dataset that started up to 30 s before it was scheduled, so tests must not share one.
   */
  function biRow(id: string, overrides: Partial<ServiceRunbook> = {}): { row: ServiceRunbook; datasetId: string } {
    const datasetId = randomUUID();
    powerBi.addDataset(WORKSPACE_ID, datasetId);
    const row = rowFor(runbookRow('bi-dashboards'), id, overrides);
    row.actions = row.actions.map((action) =>
      action.type === 'bi.refresh-dataset' ? { ...action, workspaceId: WORKSPACE_ID, datasetId } : action,
    );
    return { row, datasetId };
  }

  function refreshesOf(datasetId: string): StandInRefresh[] {
    return powerBi.histories.get(`${WORKSPACE_ID}/${datasetId}`) ?? [];
  }

  function refreshPostsFor(datasetId: string) {
    return powerBi.refreshPosts.filter((request) => request.url.includes(`/datasets/${datasetId}/refreshes`));
  }

  function analyticsMessages(): string[] {
    return harness.slack.requests
      .filter((request) => request.url === ANALYTICS_WEBHOOK)
      .map((request) => String(JSON.parse(request.body).text));
  }

  it('refreshes the dataset and verifies the refresh', async () => {
    const { row, datasetId } = biRow('bi-mitigated');
    harness.indicator.script(row.id, [95]);

    const result = await (await startRun(harness, row)).result();

    assert.equal(result.outcome, 'mitigated', timelineOf(result));
    const posts = refreshPostsFor(datasetId);
    assert.equal(posts.length, 1);
    assert.deepEqual(JSON.parse(posts[0]!.body), { notifyOption: 'NoNotification' });
    const [refresh] = refreshesOf(datasetId);
    assert.ok(hasEvent(result, new RegExp(`refresh ${refresh!.requestId} of dataset ${datasetId} Completed in 20 s`)));
    assert.equal(analyticsMessages().length, 1);
    assert.ok(analyticsMessages()[0]!.includes('bi-mitigated-20261204T101500Z'));
    assert.equal(harness.indicator.requests.filter((request) => request.serviceId === row.id).length, 1);
    assert.deepEqual(pagedKeys(harness), []);
    const record = readIncidentRecord(harness, 'bi-mitigated-20261204T101500Z');
    assert.equal(record?.status, 'mitigated');
    assert.ok(record?.closedAt);
  });

  it('ends a false alarm without refreshing', async () => {
    const { row, datasetId } = biRow('bi-false-alarm');
    harness.indicator.script(row.id, [30]);

    const result = await (await startRun(harness, row)).result();

    assert.equal(result.outcome, 'not-confirmed', timelineOf(result));
    assert.equal(refreshPostsFor(datasetId).length, 0);
    assert.deepEqual(pagedKeys(harness), []);
    assert.equal(readIncidentRecord(harness, 'bi-false-alarm-20261204T101500Z'), undefined);
  });

  it('escalates when Power BI forbids the refresh', async () => {
    const { row, datasetId } = biRow('bi-action-fails');
    harness.indicator.script(row.id, [95]);
    script.postResponse = { status: FORBIDDEN.status, body: FORBIDDEN.body };

    const result = await (await startRun(harness, row)).result();

    assert.equal(result.outcome, 'escalated', timelineOf(result));
    assert.ok(hasEvent(result, /bi\.refresh-dataset failed: .*HTTP 403.*PowerBINotAuthorizedException/));
    assert.equal(refreshPostsFor(datasetId).length, 1, 'a 403 is not retried');
    assert.deepEqual(refreshesOf(datasetId), []);
    assert.deepEqual(analyticsMessages(), [], 'the notify action after the refresh must not run');
    assert.deepEqual(pagedKeys(harness), ['bi-action-fails-20261204T101500Z/bi-lead']);
    assert.ok(hasEvent(result, /no acknowledgement of level 1 within 1s; no level left to page/));
    const record = readIncidentRecord(harness, 'bi-action-fails-20261204T101500Z');
    assert.equal(record?.status, 'escalated');
    assert.ok(record?.closedAt);
  });

  it('escalates when the refresh fails', async () => {
    const { row } = biRow('bi-refresh-fails');
    harness.indicator.script(row.id, [95]);
    script.status = 'Failed';
    script.serviceExceptionJson = '{"errorCode":"ModelRefreshFailed_CredentialsNotSpecified"}';

    const result = await (await startRun(harness, row)).result();

    assert.equal(result.outcome, 'escalated', timelineOf(result));
    assert.ok(hasEvent(result, /ended as Failed: ModelRefreshFailed_CredentialsNotSpecified/));
    assert.deepEqual(pagedKeys(harness), ['bi-refresh-fails-20261204T101500Z/bi-lead']);
    const summary = String(JSON.parse(harness.pagerDuty.requests[0]!.body).payload.summary);
    assert.match(summary, /did not finish within the SLO/);
    assert.equal(readIncidentRecord(harness, 'bi-refresh-fails-20261204T101500Z')?.status, 'escalated');
  });

  it('escalates when the refresh takes over a minute', async () => {
    const { row, datasetId } = biRow('bi-refresh-slow');
    harness.indicator.script(row.id, [95]);
    script.durationSeconds = 90;

    const result = await (await startRun(harness, row)).result();

    assert.equal(result.outcome, 'escalated', timelineOf(result));
    assert.equal(refreshesOf(datasetId)[0]?.status, 'Completed');
    assert.ok(hasEvent(result, /Completed in 90 s/));
    assert.ok(hasEvent(result, /the refresh took 90 s, more than the SLO allows/));
    assert.deepEqual(pagedKeys(harness), ['bi-refresh-slow-20261204T101500Z/bi-lead']);
    assert.equal(readIncidentRecord(harness, 'bi-refresh-slow-20261204T101500Z')?.status, 'escalated');
  });

  it('pages the next level without an acknowledgement', async () => {
    const { row: base } = biRow('bi-unacknowledged');
    const second = {
      page: [
        { team: 'SRE managers', routingKeyEnv: 'PAGERDUTY_ROUTING_KEY_SRE_MANAGERS', severity: 'critical' as const },
      ],
      ackTimeout: 1_000,
    };
    const row = { ...base, escalation: { ...base.escalation, levels: [base.escalation.levels[0]!, second] } };
    harness.indicator.script(row.id, [95]);
    script.postResponse = { status: FORBIDDEN.status, body: FORBIDDEN.body };

    const handle = await startRun(harness, row);
    const result = await handle.result();

    assert.equal(result.outcome, 'escalated', timelineOf(result));
    assert.deepEqual(pagedKeys(harness), [
      'bi-unacknowledged-20261204T101500Z/bi-lead',
      'bi-unacknowledged-20261204T101500Z/sre-managers',
    ]);
    assert.ok(hasEvent(result, /no acknowledgement of level 1 within 1s; paging level 2/));
    assert.ok(hasEvent(result, /no acknowledgement of level 2 within 1s; no level left to page/));
    const status = await handle.query(statusQuery);
    assert.equal(status.escalationLevel, 2);
    assert.equal(status.acknowledgedBy, undefined);
  });

  it('stops when the alert resolves before mitigation', async () => {
    const { row, datasetId } = biRow('bi-resolved');
    let releaseDetection!: (value: number) => void;
    harness.indicator.script(row.id, [new Promise<number>((resolve) => (releaseDetection = resolve))]);

    const handle = await startRun(harness, row);
    await harness.indicator.waitForReads(row.id, 1);
    assert.equal(await signalAlertResolved(harness.dispatch, row, 'fp-bi-resolved', '2026-12-04T10:20:00Z'), true);
    releaseDetection(95);
    const result = await handle.result();

    assert.equal(result.outcome, 'resolved-before-mitigation', timelineOf(result));
    assert.equal(refreshPostsFor(datasetId).length, 0);
    assert.deepEqual(pagedKeys(harness), []);
    assert.equal(readIncidentRecord(harness, 'bi-resolved-20261204T101500Z')?.status, 'resolved-before-mitigation');
  });
});
