import assert from 'node:assert/strict';
import type { PageRequest } from '../../src/activities/contracts';
import { FailureType } from '../../src/activities/errors';
import {
  MAX_SUMMARY_LENGTH,
  createPagingActivities,
  pageDedupKey,
  slugifyTeam,
} from '../../src/activities/paging/pagerduty';
import { findFreePort } from '../../src/stack/free-port';
import documentedRequest from '../fixtures/pagerduty/trigger-request.json';
import responses from '../fixtures/pagerduty/responses.json';
import { assertFailure } from './assert-failure';
import { HttpStub } from './http-stub';

const ROUTING_KEY = 'R0UT1NGKEY0000000000000000000042';

function pageRequest(overrides: Partial<PageRequest['incident']> = {}): PageRequest {
  return {
    target: { team: 'ML Ops', routingKeyEnv: 'PD_KEY_ML_OPS', severity: 'critical' },
    incident: {
      incidentId: 'remediation-genai-api-1712345678',
      serviceId: 'genai-api',
      serviceName: 'GenAI API',
      headline: 'p95 latency 0.31 s > 0.1 s; rollback did not restore the SLO',
      details: ['10:00 breach confirmed', '10:01 rolled back to revision 7'],
      runUrl: 'http://127.0.0.1:8233/namespaces/default/workflows/remediation-genai-api-1712345678',
      ...overrides,
    },
  };
}

describe('PagerDuty sendPage', () => {
  let stub: HttpStub;
  const env = { PD_KEY_ML_OPS: ROUTING_KEY };

  before(async () => {
    stub = await HttpStub.start(() => responses.accepted);
  });

  after(async () => {
    await stub.close();
  });

  beforeEach(() => {
    stub.requests.length = 0;
    stub.respond = () => responses.accepted;
  });

  function activities(fetchTimeoutMs?: number) {
    return createPagingActivities({ eventsUrl: `${stub.baseUrl}/v2/enqueue`, env, fetchTimeoutMs });
  }

  it('posts a documented trigger event', async () => {
    await activities().sendPage(pageRequest());

    assert.equal(stub.requests.length, 1);
    const request = stub.requests[0]!;
    assert.equal(request.method, 'POST');
    assert.equal(request.url, '/v2/enqueue');
    assert.equal(request.headers['content-type'], 'application/json');
    const event = JSON.parse(request.body);
    assert.equal(event.routing_key, ROUTING_KEY);
    assert.equal(event.event_action, 'trigger');
    assert.equal(event.dedup_key, 'remediation-genai-api-1712345678/ml-ops');
    assert.equal(event.payload.severity, 'critical');
    assert.equal(event.payload.source, 'genai-api');
    assert.match(event.payload.summary, /^\[GenAI API\] p95 latency/);
    assert.deepEqual(event.payload.custom_details.timeline, pageRequest().incident.details);
    assert.deepEqual(event.links, [{ href: pageRequest().incident.runUrl, text: 'Remediation run in Temporal' }]);
  });

  it('uses only fields of the documented example', async () => {
    await activities().sendPage(pageRequest());

    const event = JSON.parse(stub.requests[0]!.body);
    const documented = documentedRequest.body;
    for (const key of Object.keys(event)) assert.ok(key in documented, `top-level field ${key} is not documented`);
    for (const key of Object.keys(event.payload)) {
      assert.ok(key in documented.payload, `payload field ${key} is not documented`);
    }
  });

  it('returns the dedup key PagerDuty sends back', async () => {
    const result = await activities().sendPage(pageRequest());

    assert.equal(result.dedupKey, responses.accepted.body.dedup_key);
  });

  it('sends the same dedup key on a retry', async () => {
    await activities().sendPage(pageRequest());
    await activities().sendPage(pageRequest());

    const keys = stub.requests.map((request) => JSON.parse(request.body).dedup_key);
    assert.equal(keys[0], keys[1]);
  });

  it('cuts the summary to 1024 characters', async () => {
    await activities().sendPage(pageRequest({ headline: 'x'.repeat(2000) }));

    const summary: string = JSON.parse(stub.requests[0]!.body).payload.summary;
    assert.equal(summary.length, MAX_SUMMARY_LENGTH);
    assert.ok(summary.endsWith('…'));
  });

  it('rejects a missing routing key', async () => {
    const pager = createPagingActivities({ eventsUrl: `${stub.baseUrl}/v2/enqueue`, env: { PD_KEY_ML_OPS: '' } });

    await assertFailure(pager.sendPage(pageRequest()), {
      nonRetryable: true,
      type: FailureType.MissingSecret,
      includes: ['PD_KEY_ML_OPS'],
    });
    assert.equal(stub.requests.length, 0);
  });

  it('fails permanently on an invalid event', async () => {
    stub.respond = () => responses.invalidEvent;

    await assertFailure(activities().sendPage(pageRequest()), {
      nonRetryable: true,
      type: FailureType.InvalidRequest,
      includes: ['HTTP 400', 'Event object is invalid', "Length of 'routing_key' is incorrect"],
      excludes: [ROUTING_KEY],
    });
  });

  it('redacts a routing key echoed in an error', async () => {
    stub.respond = () => ({ status: 400, body: `bad key ${ROUTING_KEY}` });

    await assertFailure(activities().sendPage(pageRequest()), {
      nonRetryable: true,
      type: FailureType.InvalidRequest,
      includes: ['[redacted]'],
      excludes: [ROUTING_KEY],
    });
  });

  it('retries when throttled, after Retry-After', async () => {
    stub.respond = () => ({ ...responses.throttled, headers: { 'retry-after': '7' } });

    const failure = await assertFailure(activities().sendPage(pageRequest()), {
      nonRetryable: false,
      type: FailureType.Transient,
      includes: ['HTTP 429'],
    });
    assert.equal(failure.nextRetryDelay, 7000);
  });

  it('retries on a server error', async () => {
    stub.respond = () => responses.serverError;

    await assertFailure(activities().sendPage(pageRequest()), {
      nonRetryable: false,
      type: FailureType.Transient,
      includes: ['HTTP 500', 'Event object format is unrecognized'],
    });
  });

  it('retries on a timeout', async () => {
    stub.respond = () => ({ status: 202, hang: true });

    await assertFailure(activities(200).sendPage(pageRequest()), {
      nonRetryable: false,
      type: FailureType.Transient,
      includes: ['timed out after 200 ms'],
      excludes: [ROUTING_KEY],
    });
  });

  it('retries on a refused connection', async () => {
    const port = await findFreePort();
    const pager = createPagingActivities({ eventsUrl: `http://127.0.0.1:${port}/v2/enqueue`, env });

    await assertFailure(pager.sendPage(pageRequest()), {
      nonRetryable: false,
      type: FailureType.Transient,
      includes: ['ECONNREFUSED'],
    });
  });
});

describe('PagerDuty dedup key', () => {
  it('slugifies team names', () => {
    assert.equal(slugifyTeam('ML Ops'), 'ml-ops');
    assert.equal(slugifyTeam('  SRE / Platform  '), 'sre-platform');
    assert.equal(slugifyTeam('Équipe Données'), 'equipe-donnees');
  });

  it('keeps symbol-only team names apart', () => {
    assert.notEqual(slugifyTeam('+'), slugifyTeam('#'));
  });

  it('rejects keys above 255 characters', () => {
    assert.throws(() => pageDedupKey('i'.repeat(300), 'SRE'), /above the maximum of 255/);
  });
});
