import assert from 'node:assert/strict';
import type { RefreshDatasetRequest, WaitForRefreshRequest } from '../../src/activities/contracts';
import { FailureType } from '../../src/activities/errors';
import { createBiActivities } from '../../src/activities/bi';
import { CLOCK_SKEW_MS, refreshIdFromHeaders } from '../../src/activities/bi/refresh-dataset';
import { describeServiceException } from '../../src/activities/bi/wait-for-refresh';
import { findFreePort } from '../../src/stack/free-port';
import powerBiErrors from '../fixtures/powerbi/errors.json';
import documented from '../fixtures/powerbi/refresh-history.json';
import { activityEnvironment, runActivity } from './activity-environment';
import { assertFailure } from './assert-failure';
import { PowerBiStandIn } from './powerbi-stand-in';

const TOKEN = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.test-token';
const TOKEN_ENV = 'POWERBI_ACCESS_TOKEN';
const WORKSPACE = '00000000-0000-0000-0000-000000000000';
const DATASET = '00000000-0000-0000-0000-000000000001';

describe('Power BI activities', () => {
  let standIn: PowerBiStandIn;

  before(async () => {
    standIn = await PowerBiStandIn.start(TOKEN);
  });

  after(async () => {
    await standIn.close();
  });

  beforeEach(() => {
    standIn.stub.requests.length = 0;
    standIn.override = undefined;
    standIn.sendLocation = true;
    standIn.loseRefreshResponses = false;
    standIn.histories.clear();
    standIn.addDataset(WORKSPACE, DATASET);
  });

  function activities(env: NodeJS.ProcessEnv = { [TOKEN_ENV]: TOKEN }, apiUrl = standIn.apiUrl) {
    return createBiActivities({ apiUrl, tokenEnv: TOKEN_ENV, env, fetchTimeoutMs: 300, pollIntervalMs: 20 });
  }

  function refreshRequest(): RefreshDatasetRequest {
    return { incidentId: 'bi-dashboards-20260101T000000Z', workspaceId: WORKSPACE, datasetId: DATASET };
  }

  function waitRequest(refreshId: string, deadline = Date.now() + 5000): WaitForRefreshRequest {
    return { workspaceId: WORKSPACE, datasetId: DATASET, refreshId, deadline };
  }

  describe('refreshDataset', () => {
    it('posts a standard refresh with the bearer token', async () => {
      const result = await runActivity(() => activities().refreshDataset(refreshRequest()), {
        scheduledTimestampMs: Date.now(),
      });

      assert.equal(standIn.refreshPosts.length, 1);
      const post = standIn.refreshPosts[0]!;
      assert.equal(post.url, `/v1.0/myorg/groups/${WORKSPACE}/datasets/${DATASET}/refreshes`);
      assert.equal(post.headers.authorization, `Bearer ${TOKEN}`);
      assert.deepEqual(JSON.parse(post.body), { notifyOption: 'NoNotification' });
      const history = standIn.histories.get(`${WORKSPACE}/${DATASET}`)!;
      assert.deepEqual(result, { refreshId: history[0]!.requestId, alreadyApplied: false });
    });

    it('reads the id from RequestId without Location', async () => {
      standIn.sendLocation = false;

      const result = await runActivity(() => activities().refreshDataset(refreshRequest()), {
        scheduledTimestampMs: Date.now(),
      });

      assert.equal(result.refreshId, standIn.histories.get(`${WORKSPACE}/${DATASET}`)![0]!.requestId);
    });

    it('reads the id from the documented headers', () => {
      const headers = new Headers(documented.acceptedHeaders);

      assert.equal(refreshIdFromHeaders(headers), '87f31ef7-1e3a-4006-9b0b-191693e79e9e');
    });

    it('heartbeats the refresh id', async () => {
      const environment = activityEnvironment({ scheduledTimestampMs: Date.now() });
      const heartbeats: unknown[] = [];
      environment.on('heartbeat', (details: unknown) => heartbeats.push(details));

      const result = await environment.run(() => activities().refreshDataset(refreshRequest()));

      assert.deepEqual(heartbeats, [{ refreshId: (result as { refreshId: string }).refreshId }]);
    });

    it('returns the recorded refresh on a retry', async () => {
      const first = await runActivity(() => activities().refreshDataset(refreshRequest()), {
        scheduledTimestampMs: Date.now(),
      });

      const retried = await runActivity(() => activities().refreshDataset(refreshRequest()), {
        attempt: 2,
        heartbeatDetails: { refreshId: first.refreshId },
      });

      assert.deepEqual(retried, { refreshId: first.refreshId, alreadyApplied: true });
      assert.equal(standIn.refreshPosts.length, 1);
    });

    it('finds its refresh in the history after a lost response', async () => {
      const scheduledTimestampMs = Date.now();
      standIn.loseRefreshResponses = true;
      await assertFailure(
        runActivity(() => activities().refreshDataset(refreshRequest()), { scheduledTimestampMs }),
        {
          nonRetryable: false,
          type: FailureType.Transient,
          includes: ['timed out'],
        },
      );
      standIn.loseRefreshResponses = false;

      const retried = await runActivity(() => activities().refreshDataset(refreshRequest()), {
        attempt: 2,
        scheduledTimestampMs,
      });

      const history = standIn.histories.get(`${WORKSPACE}/${DATASET}`)!;
      assert.equal(history.length, 1);
      assert.deepEqual(retried, { refreshId: history[0]!.requestId, alreadyApplied: true });
      assert.equal(standIn.refreshPosts.length, 1);
    });

    it('posts again when only older refreshes exist', async () => {
      const scheduledTimestampMs = Date.now();
      standIn.addRefresh(WORKSPACE, DATASET, {
        startTime: new Date(scheduledTimestampMs - CLOCK_SKEW_MS - 60_000).toISOString(),
        status: 'Completed',
      });
      standIn.addRefresh(WORKSPACE, DATASET, {
        startTime: new Date(scheduledTimestampMs).toISOString(),
        refreshType: 'Scheduled',
      });

      const result = await runActivity(() => activities().refreshDataset(refreshRequest()), { scheduledTimestampMs });

      assert.equal(result.alreadyApplied, false);
      assert.equal(standIn.refreshPosts.length, 1);
    });

    it('calls twice with one refresh', async () => {
      const scheduledTimestampMs = Date.now();

      const first = await runActivity(() => activities().refreshDataset(refreshRequest()), { scheduledTimestampMs });
      const second = await runActivity(() => activities().refreshDataset(refreshRequest()), {
        attempt: 2,
        scheduledTimestampMs,
      });

      assert.equal(second.refreshId, first.refreshId);
      assert.equal(second.alreadyApplied, true);
      assert.equal(standIn.refreshPosts.length, 1);
    });

    it('waits for Retry-After on 429', async () => {
      const { status, body, headers } = powerBiErrors.tooManyRequests;
      standIn.override = (request) => (request.method === 'POST' ? { status, body, headers } : undefined);

      const failure = await assertFailure(
        runActivity(() => activities().refreshDataset(refreshRequest())),
        {
          nonRetryable: false,
          type: FailureType.Transient,
          includes: ['HTTP 429', 'TooManyRequests'],
        },
      );
      assert.equal(failure.nextRetryDelay, 42_000);
    });

    for (const error of powerBiErrors.errors) {
      it(`maps HTTP ${error.status} on the refresh request`, async () => {
        standIn.override = (request) =>
          request.method === 'POST' ? { status: error.status, body: error.body } : undefined;

        await assertFailure(
          runActivity(() => activities().refreshDataset(refreshRequest())),
          {
            nonRetryable: !error.retryable,
            type: error.type,
            includes: [`HTTP ${error.status}`],
            excludes: [TOKEN],
          },
        );
      });
    }

    it('fails as NotFound for an unknown dataset', async () => {
      const request = { ...refreshRequest(), datasetId: 'ffffffff-0000-0000-0000-000000000000' };

      await assertFailure(
        runActivity(() => activities().refreshDataset(request)),
        {
          nonRetryable: true,
          type: FailureType.NotFound,
          includes: ['ItemNotFound'],
        },
      );
    });

    it('fails as Forbidden with a wrong token', async () => {
      await assertFailure(
        runActivity(() => activities({ [TOKEN_ENV]: 'expired' }).refreshDataset(refreshRequest())),
        {
          nonRetryable: true,
          type: FailureType.Forbidden,
          includes: ['HTTP 401'],
        },
      );
    });

    it('rejects a missing token by variable name', async () => {
      await assertFailure(
        runActivity(() => activities({}).refreshDataset(refreshRequest())),
        {
          nonRetryable: true,
          type: FailureType.MissingSecret,
          includes: [TOKEN_ENV],
        },
      );
      assert.equal(standIn.stub.requests.length, 0);
    });

    it('retries a 202 without a refresh id', async () => {
      standIn.override = (request) => (request.method === 'POST' ? { status: 202 } : undefined);

      await assertFailure(
        runActivity(() => activities().refreshDataset(refreshRequest())),
        {
          nonRetryable: false,
          type: FailureType.InvalidResponse,
          includes: ['neither a Location nor a RequestId'],
        },
      );
    });

    it('redacts the token echoed in an error body', async () => {
      standIn.override = () => ({ status: 400, body: { error: { code: 'BadRequest', message: `token ${TOKEN}` } } });

      await assertFailure(
        runActivity(() => activities().refreshDataset(refreshRequest())),
        {
          nonRetryable: true,
          type: FailureType.InvalidRequest,
          includes: ['[redacted]'],
          excludes: [TOKEN],
        },
      );
    });

    it('retries on a timeout', async () => {
      standIn.override = () => ({ status: 200, hang: true });

      await assertFailure(
        runActivity(() => activities().refreshDataset(refreshRequest())),
        {
          nonRetryable: false,
          type: FailureType.Transient,
          includes: ['timed out after 300 ms'],
        },
      );
    });

    it('retries on a refused connection', async () => {
      const apiUrl = `http://127.0.0.1:${await findFreePort()}`;

      await assertFailure(
        runActivity(() => activities(undefined, apiUrl).refreshDataset(refreshRequest())),
        {
          nonRetryable: false,
          type: FailureType.Transient,
          includes: ['ECONNREFUSED'],
        },
      );
    });

    it('rejects a history of another shape', async () => {
      standIn.override = (request) => (request.method === 'GET' ? { status: 200, body: { refreshes: [] } } : undefined);

      await assertFailure(
        runActivity(() => activities().refreshDataset(refreshRequest())),
        {
          nonRetryable: false,
          type: FailureType.InvalidResponse,
          includes: ['unexpected shape'],
        },
      );
    });
  });

  describe('waitForDatasetRefresh', () => {
    it('returns once the refresh completes', async () => {
      const refresh = standIn.addRefresh(WORKSPACE, DATASET, {});
      setTimeout(() => standIn.finish(refresh.requestId, 'Completed'), 100);

      const status = await runActivity(() => activities().waitForDatasetRefresh(waitRequest(refresh.requestId)));

      assert.deepEqual(status, { refreshId: refresh.requestId, status: 'Completed', durationSeconds: 1.5 });
      assert.ok(standIn.stub.requests.every((request) => request.url.endsWith('/refreshes?$top=20')));
    });

    it('heartbeats while the refresh runs', async () => {
      const refresh = standIn.addRefresh(WORKSPACE, DATASET, {});
      setTimeout(() => standIn.finish(refresh.requestId, 'Completed'), 150);
      const environment = activityEnvironment();
      const heartbeats: unknown[] = [];
      environment.on('heartbeat', (details: unknown) => heartbeats.push(details));

      await environment.run(() => activities().waitForDatasetRefresh(waitRequest(refresh.requestId)));

      assert.ok(heartbeats.length >= 1);
      assert.deepEqual(heartbeats[0], { refreshId: refresh.requestId, waitingFor: 'status Unknown' });
    });

    it('accepts the documented completed entry', async () => {
      standIn.addRefresh(WORKSPACE, DATASET, documented.completed);

      const status = await runActivity(() =>
        activities().waitForDatasetRefresh(waitRequest(documented.completed.requestId)),
      );

      assert.deepEqual(status, {
        refreshId: documented.completed.requestId,
        status: 'Completed',
        durationSeconds: 360,
      });
    });

    it('fails as RefreshFailed with the service exception', async () => {
      standIn.addRefresh(WORKSPACE, DATASET, documented.failed);

      await assertFailure(
        runActivity(() => activities().waitForDatasetRefresh(waitRequest(documented.failed.requestId))),
        {
          nonRetryable: true,
          type: FailureType.RefreshFailed,
          includes: ['ended as Failed', 'ModelRefreshFailed_CredentialsNotSpecified'],
        },
      );
    });

    for (const status of ['Cancelled', 'Disabled']) {
      it(`fails as RefreshFailed when ${status}`, async () => {
        const refresh = standIn.addRefresh(WORKSPACE, DATASET, { status });

        await assertFailure(
          runActivity(() => activities().waitForDatasetRefresh(waitRequest(refresh.requestId))),
          {
            nonRetryable: true,
            type: FailureType.RefreshFailed,
            includes: [`ended as ${status}`],
          },
        );
      });
    }

    it('fails as CompletionTimeout at the deadline', async () => {
      standIn.addRefresh(WORKSPACE, DATASET, documented.inProgress);
      const request = waitRequest(documented.inProgress.requestId, Date.now() + 150);

      await assertFailure(
        runActivity(() => activities().waitForDatasetRefresh(request)),
        {
          nonRetryable: true,
          type: FailureType.CompletionTimeout,
          includes: ['did not complete', 'status Unknown'],
        },
      );
    });

    it('waits for a refresh missing from the history', async () => {
      const request = waitRequest('4a2b0c55-0000-0000-0000-000000000000', Date.now() + 100);

      await assertFailure(
        runActivity(() => activities().waitForDatasetRefresh(request)),
        {
          nonRetryable: true,
          type: FailureType.CompletionTimeout,
          includes: ['to appear in the history'],
        },
      );
    });

    it('matches the refresh id in any case', async () => {
      const refresh = standIn.addRefresh(WORKSPACE, DATASET, {
        status: 'Completed',
        endTime: new Date().toISOString(),
      });

      const status = await runActivity(() =>
        activities().waitForDatasetRefresh(waitRequest(refresh.requestId.toUpperCase())),
      );

      assert.equal(status.status, 'Completed');
    });

    it('retries a server error', async () => {
      standIn.override = () => ({ status: 503, body: '' });

      await assertFailure(
        runActivity(() => activities().waitForDatasetRefresh(waitRequest('any'))),
        {
          nonRetryable: false,
          type: FailureType.Transient,
          includes: ['HTTP 503'],
        },
      );
    });
  });

  describe('describeServiceException', () => {
    it('shows code and description', () => {
      const json = JSON.stringify({
        errorCode: 'DMTS_DatasourceHasNoCredentialError',
        errorDescription: 'no credentials',
      });

      assert.equal(describeServiceException(json), 'DMTS_DatasourceHasNoCredentialError: no credentials');
    });

    it('shows text that is not JSON', () => {
      assert.equal(describeServiceException('plain failure'), 'plain failure');
    });

    it('names a missing reason', () => {
      assert.equal(describeServiceException(undefined), 'Power BI gave no reason');
    });
  });
});
