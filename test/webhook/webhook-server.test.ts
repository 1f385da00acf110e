import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import pino from 'pino';
import { loadRunbook } from '../../src/runbook/load';
import type { Runbook } from '../../src/runbook/schema';
import { WebhookMetrics } from '../../src/webhook/metrics';
import { ALERTMANAGER_PATH, createWebhookServer } from '../../src/webhook/server';
import { sharedTemporal } from '../support/temporal';

const fixture = JSON.parse(readFileSync(join(__dirname, '../fixtures/alertmanager/firing-genai-api.json'), 'utf8'));
const TOKEN = 'test-token-0123456789abcdef';

/** A runbook whose rows are the shipped GenAI API row under new ids, so each test owns its workflow id. */
function runbookWithServices(ids: string[]): Runbook {
  const base = loadRunbook(join(__dirname, '../../config/runbook.yaml')).services[0]!;
  return { version: 1, services: ids.map((id) => ({ ...structuredClone(base), id, alertLabels: { service: id } })) };
}

function deliveryFor(service: string, alerts: Partial<(typeof fixture.alerts)[0]>[] = [{}]) {
  return {
    ...fixture,
    alerts: alerts.map((alert, index) => ({
      ...fixture.alerts[0],
      fingerprint: `${service}-${index}`,
      ...alert,
      labels: { ...fixture.alerts[0].labels, service, ...(alert.labels ?? {}) },
    })),
  };
}

describe('webhook server', function () {
  this.timeout(60_000);
  let server: Server;
  let baseUrl: string;
  let metrics: WebhookMetrics;
  const services = ['hook-duplicates', 'hook-grouped', 'hook-resolved', 'hook-valid'];

  before(async () => {
    const { client } = await sharedTemporal();
    metrics = new WebhookMetrics();
    server = createWebhookServer({
      runbook: runbookWithServices(services),
      client,
      // No worker polls this queue: runs stay open, which is what the duplicate checks need.
      taskQueue: 'webhook-tests-no-worker',
      webUiBaseUrl: 'http://127.0.0.1:8233',
      logger: pino({ level: 'silent' }),
      metrics,
      bearerToken: TOKEN,
      maxBodyBytes: 64 * 1024,
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  async function post(body: unknown, headers: Record<string, string> = {}) {
    const response = await fetch(`${baseUrl}${ALERTMANAGER_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}`, ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as any };
  }

  async function runCount(workflowId: string): Promise<number> {
    const { client } = await sharedTemporal();
    let count = 0;
    for await (const _ of client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) count += 1;
    return count;
  }

  it('starts a run for a firing alert', async () => {
    const response = await post(deliveryFor('hook-valid'));
    assert.equal(response.status, 202);
    assert.equal(response.body.runs.length, 1);
    assert.equal(response.body.runs[0].workflowId, 'slo-remediation-hook-valid');
    const { client } = await sharedTemporal();
    const description = await client.workflow.getHandle('slo-remediation-hook-valid').describe();
    assert.equal(description.status.name, 'RUNNING');
    assert.deepEqual(description.typedSearchAttributes.get({ name: 'SloService', type: 'KEYWORD' } as any), 'hook-valid');
  });

  it('starts one run for repeated deliveries', async () => {
    const delivery = deliveryFor('hook-duplicates');
    const responses = await Promise.all([post(delivery), post(delivery), post(delivery), post(delivery)]);
    assert.deepEqual(
      responses.map((response) => response.status),
      [202, 202, 202, 202],
    );
    const runIds = new Set(responses.map((response) => response.body.runs[0].runId));
    assert.equal(runIds.size, 1);
    assert.equal(await runCount('slo-remediation-hook-duplicates'), 1);
  });

  it('starts one run for a group of alerts', async () => {
    const delivery = deliveryFor('hook-grouped', [
      { labels: { pod: 'a' }, startsAt: '2026-12-04T10:16:00Z' },
      { labels: { pod: 'b' }, startsAt: '2026-12-04T10:15:00Z' },
      { labels: { pod: 'c' }, startsAt: '2026-12-04T10:17:00Z' },
    ]);
    const response = await post(delivery);
    assert.equal(response.status, 202);
    assert.equal(response.body.runs.length, 1);
    assert.equal(await runCount('slo-remediation-hook-grouped'), 1);
  });

  it('signals a resolved alert and ignores one without a run', async () => {
    await post(deliveryFor('hook-resolved'));
    const resolved = deliveryFor('hook-resolved', [{ status: 'resolved', endsAt: '2026-12-04T10:30:00Z' }]);
    const response = await post({ ...resolved, status: 'resolved' });
    assert.equal(response.status, 202);
    assert.deepEqual(response.body.resolved, [{ service: 'hook-resolved', signaled: true }]);

    const { client } = await sharedTemporal();
    await client.workflow.getHandle('slo-remediation-hook-resolved').terminate('test cleanup');
    const again = await post({ ...resolved, status: 'resolved' });
    assert.deepEqual(again.body.resolved, [{ service: 'hook-resolved', signaled: false }]);
  });

  describe('rejections', () => {
    const cases: { name: string; send: () => Promise<{ status: number; body: any }>; status: number; message: RegExp }[] = [
      { name: 'invalid JSON', send: () => post('{"version": "4",'), status: 400, message: /not valid JSON/ },
      {
        name: 'wrong content type',
        send: () => post(deliveryFor('hook-valid'), { 'content-type': 'text/plain' }),
        status: 415,
        message: /content type "text\/plain" is not supported/,
      },
      {
        name: 'oversized body',
        send: () => post({ ...deliveryFor('hook-valid'), padding: 'x'.repeat(70 * 1024) }),
        status: 413,
        message: /larger than the limit of 65536 bytes/,
      },
      {
        name: 'unknown service',
        send: () => post(deliveryFor('payments')),
        status: 422,
        message: /matches no runbook service/,
      },
      {
        name: 'missing labels',
        send: () => post({ ...fixture, alerts: [{ ...fixture.alerts[0], labels: undefined }] }),
        status: 422,
        message: /alerts\.0\.labels/,
      },
      {
        name: 'wrong version',
        send: () => post({ ...deliveryFor('hook-valid'), version: '3' }),
        status: 422,
        message: /version must be "4"/,
      },
      {
        name: 'missing token',
        send: () => post(deliveryFor('hook-valid'), { authorization: '' }),
        status: 401,
        message: /bearer token/,
      },
      {
        name: 'wrong token',
        send: () => post(deliveryFor('hook-valid'), { authorization: 'Bearer nope' }),
        status: 401,
        message: /bearer token/,
      },
    ];

    for (const testCase of cases) {
      it(`rejects ${testCase.name}`, async () => {
        const response = await testCase.send();
        assert.equal(response.status, testCase.status);
        assert.match(response.body.error, testCase.message);
        assert.ok(response.body.requestId);
      });
    }

    it('starts nothing when one alert of a group is unknown', async () => {
      const delivery = deliveryFor('hook-partial');
      delivery.alerts.unshift({ ...delivery.alerts[0], labels: { ...delivery.alerts[0].labels, service: 'hook-valid' } });
      const response = await post(delivery);
      assert.equal(response.status, 422);
      assert.equal(await runCount('slo-remediation-hook-partial'), 0);
    });

    it('counts rejections by reason', async () => {
      const text = await metrics.registry.metrics();
      assert.match(text, /slo_webhook_rejections_total\{reason="invalid_json"\} 1/);
      assert.match(text, /slo_webhook_rejections_total\{reason="unknown_service"\} 2/);
      assert.match(text, /slo_webhook_rejections_total\{reason="unauthorized"\} 2/);
    });
  });

  it('answers health checks and serves metrics', async () => {
    assert.equal((await fetch(`${baseUrl}/healthz`)).status, 200);
    const response = await fetch(`${baseUrl}/metrics`);
    assert.equal(response.status, 200);
    assert.match(await response.text(), /slo_webhook_requests_total/);
    assert.equal((await fetch(`${baseUrl}/nope`)).status, 404);
    const wrongMethod = await fetch(`${baseUrl}${ALERTMANAGER_PATH}`);
    assert.equal(wrongMethod.status, 405);
    assert.equal(wrongMethod.headers.get('allow'), 'POST');
  });
});
