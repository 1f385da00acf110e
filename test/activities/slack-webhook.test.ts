import assert from 'node:assert/strict';
import type { NotifyRequest } from '../../src/activities/contracts';
import { FailureType } from '../../src/activities/errors';
import {
  MAX_SECTION_TEXT,
  buildMessage,
  createChatActivities,
  escapeMrkdwn,
  formatTimeline,
} from '../../src/activities/chat/slack-webhook';
import { findFreePort } from '../../src/stack/free-port';
import documentedMessage from '../fixtures/slack/message-request.json';
import responses from '../fixtures/slack/responses.json';
import { assertFailure } from './assert-failure';
import { HttpStub } from './http-stub';

const WEBHOOK_PATH = '/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX';

function notifyRequest(): NotifyRequest {
  return {
    target: { audience: 'stakeholders', webhookUrlEnv: 'CHAT_WEBHOOK_URL' },
    incident: {
      incidentId: 'remediation-genai-api-1712345678',
      serviceId: 'genai-api',
      serviceName: 'GenAI API',
      headline: 'GenAI API p95 latency 0.31 s > 0.1 s: rolled back to revision 7',
      details: ['10:00 breach confirmed', '10:01 rolled back <genai-api> to revision 7'],
      runUrl: 'http://127.0.0.1:8233/namespaces/default/workflows/remediation-genai-api-1712345678',
    },
  };
}

describe('Slack webhook sendNotification', () => {
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

  function activities(env: NodeJS.ProcessEnv = { CHAT_WEBHOOK_URL: webhookUrl }, fetchTimeoutMs?: number) {
    return createChatActivities({ env, fetchTimeoutMs });
  }

  it('posts the message to the webhook URL', async () => {
    await activities().sendNotification(notifyRequest());

    assert.equal(stub.requests.length, 1);
    const request = stub.requests[0]!;
    assert.equal(request.method, 'POST');
    assert.equal(request.url, WEBHOOK_PATH);
    assert.equal(request.headers['content-type'], 'application/json');
    const message = JSON.parse(request.body);
    assert.equal(message.text, 'GenAI API p95 latency 0.31 s &gt; 0.1 s: rolled back to revision 7');
    assert.ok(message.blocks[0].text.text.includes('rolled back to revision 7'));
    assert.ok(message.blocks[1].text.text.includes('10:00 breach confirmed'));
    assert.ok(message.blocks[2].elements[0].text.includes(`<${notifyRequest().incident.runUrl}|Remediation run>`));
  });

  it('builds blocks shaped like the documented example', () => {
    const message = buildMessage(notifyRequest().incident, 'stakeholders') as {
      text: string;
      blocks: { type: string; text?: { type: string; text: string } }[];
    };
    const documented = documentedMessage.body.blocks[0]!;

    assert.equal(typeof message.text, 'string');
    assert.equal(message.blocks[0]!.type, documented.type);
    assert.deepEqual(Object.keys(message.blocks[0]!.text!), Object.keys(documented.text));
    assert.equal(message.blocks[0]!.text!.type, documented.text.type);
  });

  it('escapes mrkdwn control characters', () => {
    assert.equal(escapeMrkdwn('a <b> & c'), 'a &lt;b&gt; &amp; c');
    const timeline = formatTimeline(notifyRequest().incident.details);
    assert.ok(timeline.includes('&lt;genai-api&gt;'));
  });

  it('keeps the newest timeline lines within the block limit', () => {
    const details = Array.from({ length: 200 }, (_, index) => `step ${index} ${'x'.repeat(40)}`);

    const timeline = formatTimeline(details);

    assert.ok(timeline.length <= MAX_SECTION_TEXT);
    assert.ok(timeline.includes('step 199'));
    assert.ok(!timeline.includes('step 0 '));
    assert.match(timeline, /^_\d+ earlier lines left out_/);
  });

  it('rejects a missing webhook URL by variable name', async () => {
    await assertFailure(activities({}).sendNotification(notifyRequest()), {
      nonRetryable: true,
      type: FailureType.MissingSecret,
      includes: ['CHAT_WEBHOOK_URL'],
    });
    assert.equal(stub.requests.length, 0);
  });

  it('rejects a value that is not a URL without showing it', async () => {
    const env = { CHAT_WEBHOOK_URL: 'hooks.example.invalid/T0/B0/secret-part' };

    await assertFailure(activities(env).sendNotification(notifyRequest()), {
      nonRetryable: true,
      type: FailureType.InvalidRequest,
      includes: ['CHAT_WEBHOOK_URL'],
      excludes: ['secret-part'],
    });
  });

  for (const documented of responses.errors) {
    it(`maps ${documented.status} ${documented.body}`, async () => {
      stub.respond = () => ({ status: documented.status, body: documented.body });

      await assertFailure(activities().sendNotification(notifyRequest()), {
        nonRetryable: !documented.retryable,
        type: documented.type,
        includes: [`HTTP ${documented.status}`, documented.body, 'CHAT_WEBHOOK_URL'],
        excludes: [WEBHOOK_PATH],
      });
    });
  }

  it('waits for Retry-After when rate limited', async () => {
    stub.respond = () => ({ status: 429, body: 'rate_limited', headers: { 'retry-after': '30' } });

    const failure = await assertFailure(activities().sendNotification(notifyRequest()), {
      nonRetryable: false,
      type: FailureType.Transient,
    });
    assert.equal(failure.nextRetryDelay, 30_000);
  });

  it('redacts the URL echoed in an error body', async () => {
    stub.respond = () => ({ status: 400, body: `invalid_payload for ${webhookUrl}` });

    await assertFailure(activities().sendNotification(notifyRequest()), {
      nonRetryable: true,
      type: FailureType.InvalidRequest,
      includes: ['[redacted]'],
      excludes: [WEBHOOK_PATH],
    });
  });

  it('retries on a timeout without showing the URL', async () => {
    stub.respond = () => ({ status: 200, hang: true });

    await assertFailure(activities(undefined, 200).sendNotification(notifyRequest()), {
      nonRetryable: false,
      type: FailureType.Transient,
      includes: ['timed out after 200 ms', 'CHAT_WEBHOOK_URL'],
      excludes: [WEBHOOK_PATH],
    });
  });

  it('retries on a refused connection without showing the URL', async () => {
    const port = await findFreePort();
    const env = { CHAT_WEBHOOK_URL: `http://127.0.0.1:${port}${WEBHOOK_PATH}` };

    await assertFailure(activities(env).sendNotification(notifyRequest()), {
      nonRetryable: false,
      type: FailureType.Transient,
      includes: ['ECONNREFUSED'],
      excludes: [WEBHOOK_PATH],
    });
  });
});
