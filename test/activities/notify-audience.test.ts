import assert from 'node:assert/strict';
import type { NotifyAudienceRequest } from '../../src/activities/contracts';
import { FailureType } from '../../src/activities/errors';
import {
  MAX_MESSAGE_TEXT,
  buildAudienceMessage,
  createNotifyAudienceActivities,
} from '../../src/activities/chat/notify-audience';
import { findFreePort } from '../../src/stack/free-port';
import responses from '../fixtures/slack/responses.json';
import { runActivity } from './activity-environment';
import { assertFailure } from './assert-failure';
import { HttpStub } from './http-stub';

const WEBHOOK_PATH = '/services/T00000000/B00000000/YYYYYYYYYYYYYYYYYYYYYYYY';
const VARIABLE = 'SLACK_WEBHOOK_URL_DATA_TEAM';

function notifyRequest(text = 'ETL Pipeline: restarted DAG run etl_daily <late> & overdue'): NotifyAudienceRequest {
  return { incidentId: 'etl-pipeline-20260101T000000Z', audience: 'data team', webhookUrlEnv: VARIABLE, text };
}

describe('notifyAudience', () => {
  let stub: HttpStub;
  let webhookUrl: string;

  before(async () => {
    stub = await HttpStub.start(() => responses.ok);
    webhookUrl = `${stub.baseUrl}${WEBHOOK_PATH}`;
  });

  after(async () => {
    await stub.close();
  });

  beforeEach(() => {
    stub.requests.length = 0;
    stub.respond = () => responses.ok;
  });

  function activities(env: NodeJS.ProcessEnv = { [VARIABLE]: webhookUrl }, fetchTimeoutMs?: number) {
    return createNotifyAudienceActivities({ env, fetchTimeoutMs });
  }

  it('posts the text as a plain message', async () => {
    await runActivity(() => activities().notifyAudience(notifyRequest()));

    assert.equal(stub.requests.length, 1);
    const request = stub.requests[0]!;
    assert.equal(request.method, 'POST');
    assert.equal(request.url, WEBHOOK_PATH);
    assert.equal(request.headers['content-type'], 'application/json');
    const message = JSON.parse(request.body);
    assert.equal(message.text, 'ETL Pipeline: restarted DAG run etl_daily &lt;late&gt; &amp; overdue');
    assert.equal(message.mrkdwn, false);
    assert.equal(message.blocks, undefined);
  });

  it('cuts text above the Slack limit', () => {
    const message = buildAudienceMessage('x'.repeat(MAX_MESSAGE_TEXT + 10)) as { text: string };

    assert.equal(message.text.length, MAX_MESSAGE_TEXT);
    assert.ok(message.text.endsWith('…'));
  });

  it('rejects a missing webhook URL by variable name', async () => {
    await assertFailure(
      runActivity(() => activities({}).notifyAudience(notifyRequest())),
      { nonRetryable: true, type: FailureType.MissingSecret, includes: [VARIABLE] },
    );
    assert.equal(stub.requests.length, 0);
  });

  it('rejects a value that is not a URL without showing it', async () => {
    const env = { [VARIABLE]: 'hooks.example.invalid/T0/B0/secret-part' };

    await assertFailure(
      runActivity(() => activities(env).notifyAudience(notifyRequest())),
      {
        nonRetryable: true,
        type: FailureType.InvalidRequest,
        includes: [VARIABLE],
        excludes: ['secret-part'],
      },
    );
  });

  for (const documented of responses.errors) {
    it(`maps ${documented.status} ${documented.body}`, async () => {
      stub.respond = () => ({ status: documented.status, body: documented.body });

      await assertFailure(
        runActivity(() => activities().notifyAudience(notifyRequest())),
        {
          nonRetryable: !documented.retryable,
          type: documented.type,
          includes: [`HTTP ${documented.status}`, documented.body, VARIABLE],
          excludes: [WEBHOOK_PATH],
        },
      );
    });
  }

  it('waits for Retry-After when rate limited', async () => {
    stub.respond = () => ({ status: 429, body: 'rate_limited', headers: { 'retry-after': '12' } });

    const failure = await assertFailure(
      runActivity(() => activities().notifyAudience(notifyRequest())),
      {
        nonRetryable: false,
        type: FailureType.Transient,
      },
    );
    assert.equal(failure.nextRetryDelay, 12_000);
  });

  it('redacts the URL echoed in an error body', async () => {
    stub.respond = () => ({ status: 400, body: `invalid_payload for ${webhookUrl}` });

    await assertFailure(
      runActivity(() => activities().notifyAudience(notifyRequest())),
      {
        nonRetryable: true,
        type: FailureType.InvalidRequest,
        includes: ['[redacted]'],
        excludes: [WEBHOOK_PATH],
      },
    );
  });

  it('retries on a timeout without showing the URL', async () => {
    stub.respond = () => ({ status: 200, hang: true });

    await assertFailure(
      runActivity(() => activities(undefined, 200).notifyAudience(notifyRequest())),
      {
        nonRetryable: false,
        type: FailureType.Transient,
        includes: ['timed out after 200 ms', VARIABLE],
        excludes: [WEBHOOK_PATH],
      },
    );
  });

  it('retries on a refused connection', async () => {
    const port = await findFreePort();
    const env = { [VARIABLE]: `http://127.0.0.1:${port}${WEBHOOK_PATH}` };

    await assertFailure(
      runActivity(() => activities(env).notifyAudience(notifyRequest())),
      {
        nonRetryable: false,
        type: FailureType.Transient,
        includes: ['ECONNREFUSED'],
        excludes: [WEBHOOK_PATH],
      },
    );
  });
});
