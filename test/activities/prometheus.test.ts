import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { Histogram, Registry } from 'prom-client';
import type { IndicatorReading, IndicatorRequest } from '../../src/activities/contracts';
import { FailureType } from '../../src/activities/errors';
import { createPrometheusActivities, expandWindow } from '../../src/activities/prometheus';
import { findFreePort } from '../../src/stack/free-port';
import { PrometheusServer } from '../../src/stack/prometheus';
import { assertFailure } from './assert-failure';
import { HttpStub } from './http-stub';

const P95_QUERY =
  'histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{service="checkout"}[$window])))';

function indicator(query: string, windowMs = 30_000): IndicatorRequest {
  return { serviceId: 'checkout', query, windowMs };
}

/** Calls `measure` until it returns a reading with a value, for at most `timeoutMs`. */
async function waitForValue(measure: () => Promise<IndicatorReading>, timeoutMs: number): Promise<IndicatorReading> {
  const deadline = Date.now() + timeoutMs;
  let reading = await measure();
  while (reading.value === null && Date.now() < deadline) {
    await delay(250);
    reading = await measure();
  }
  return reading;
}

describe('Prometheus measureIndicator against Prometheus', function () {
  this.timeout(30_000);
  let stateDir: string;
  let metrics: HttpStub;
  let prometheus: PrometheusServer;
  let histogram: Histogram<'service'>;
  let activities: ReturnType<typeof createPrometheusActivities>;

  before(async () => {
    stateDir = mkdtempSync(join(tmpdir(), 'prometheus-activity-'));
    const registry = new Registry();
    histogram = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'Request latency',
      labelNames: ['service'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1],
      registers: [registry],
    });
    histogram.zero({ service: 'checkout' });
    metrics = await HttpStub.start(async () => ({
      status: 200,
      body: await registry.metrics(),
      headers: { 'content-type': registry.contentType },
    }));
    prometheus = await PrometheusServer.start({
      stateDir,
      scrapeTargets: [metrics.address],
      scrapeIntervalMs: 1000,
      evaluationIntervalMs: 1000,
    });
    activities = createPrometheusActivities({ baseUrl: prometheus.baseUrl, fetchTimeoutMs: 5000 });
  });

  after(async () => {
    await prometheus?.stop();
    await metrics?.close();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('measures the p95 of a scraped histogram', async () => {
    // The zeroed buckets must be in the TSDB first, so that rate() counts the observations as an increase.
    const scraped = await waitForValue(
      () => activities.measureIndicator(indicator('count(http_request_duration_seconds_bucket{service="checkout"})')),
      15_000,
    );
    assert.equal(scraped.value, 6);
    for (let i = 0; i < 90; i += 1) histogram.observe({ service: 'checkout' }, 0.03);
    for (let i = 0; i < 10; i += 1) histogram.observe({ service: 'checkout' }, 0.3);

    // Until the next scrape every bucket's rate is 0, so histogram_quantile returns NaN, read as no data.
    const reading = await waitForValue(() => activities.measureIndicator(indicator(P95_QUERY)), 15_000);

    // The 95th of 100 requests falls in the 0.25–0.5 s bucket, and linear interpolation puts p95 at 0.375.
    assert.ok(reading.value !== null, 'p95 has no value');
    assert.ok(reading.value > 0.25, `p95 was ${reading.value}`);
    assert.ok(reading.value <= 0.5, `p95 was ${reading.value}`);
    assert.ok(reading.query.includes('[30s]'), reading.query);
    assert.ok(Math.abs(Date.parse(reading.evaluatedAt) - Date.now()) < 10_000, reading.evaluatedAt);
  });

  it('reads an empty vector as no data', async () => {
    const reading = await activities.measureIndicator(
      indicator('sum(rate(http_request_duration_seconds_count{service="absent"}[$window]))'),
    );

    assert.equal(reading.value, null);
  });

  it('reads NaN as no data', async () => {
    const reading = await activities.measureIndicator(indicator('vector(0/0)'));

    assert.equal(reading.value, null);
  });

  it('reads +Inf as the largest number', async () => {
    const reading = await activities.measureIndicator(indicator('vector(1/0)'));

    assert.equal(reading.value, Number.MAX_VALUE);
  });

  it('reads a scalar result', async () => {
    const reading = await activities.measureIndicator(indicator('0.25 * 2'));

    assert.equal(reading.value, 0.5);
  });

  it('rejects a query that returns several series', async () => {
    await assertFailure(
      activities.measureIndicator(
        indicator('sum by (le) (rate(http_request_duration_seconds_bucket{service="checkout"}[$window]))'),
      ),
      { nonRetryable: true, type: FailureType.InvalidResponse, includes: ['6 series', 'le="0.05"', 'aggregate'] },
    );
  });

  it('rejects a range vector result', async () => {
    await assertFailure(activities.measureIndicator(indicator('up[$window]')), {
      nonRetryable: true,
      type: FailureType.InvalidResponse,
      includes: ['matrix'],
    });
  });

  it('rejects a query with a syntax error', async () => {
    const query = 'rate(http_request_duration_seconds_count[$window]';

    await assertFailure(activities.measureIndicator(indicator(query)), {
      nonRetryable: true,
      type: FailureType.InvalidRequest,
      includes: ['HTTP 400', 'bad_data', 'rate(http_request_duration_seconds_count[30s]'],
    });
  });
});

describe('Prometheus measureIndicator errors', () => {
  let stub: HttpStub;

  before(async () => {
    stub = await HttpStub.start(() => ({ status: 200 }));
  });

  after(async () => {
    await stub.close();
  });

  function activities(fetchTimeoutMs = 2000) {
    return createPrometheusActivities({ baseUrl: stub.baseUrl, fetchTimeoutMs });
  }

  it('posts the query with the window expanded', async () => {
    stub.respond = () => ({ status: 200, body: { status: 'success', data: { resultType: 'vector', result: [] } } });

    await activities().measureIndicator(indicator('sum(rate(x[$window])) / sum(rate(y[$window]))', 300_000));

    const request = stub.requests.at(-1)!;
    assert.equal(request.method, 'POST');
    assert.equal(request.url, '/api/v1/query');
    const form = new URLSearchParams(request.body);
    assert.equal(form.get('query'), 'sum(rate(x[5m])) / sum(rate(y[5m]))');
    assert.match(form.get('time') ?? '', /^\d+\.\d{3}$/);
  });

  it('keeps a path prefix of the base URL', async () => {
    stub.respond = () => ({ status: 200, body: { status: 'success', data: { resultType: 'vector', result: [] } } });
    const prefixed = createPrometheusActivities({ baseUrl: `${stub.baseUrl}/prometheus`, fetchTimeoutMs: 2000 });

    await prefixed.measureIndicator(indicator('vector(1)'));

    assert.equal(stub.requests.at(-1)!.url, '/prometheus/api/v1/query');
  });

  it('fails permanently when the query cannot be executed', async () => {
    stub.respond = () => ({
      status: 422,
      body: { status: 'error', errorType: 'execution', error: 'many-to-many matching not allowed' },
    });

    await assertFailure(activities().measureIndicator(indicator('a / b')), {
      nonRetryable: true,
      type: FailureType.InvalidRequest,
      includes: ['HTTP 422', 'execution: many-to-many', '"a / b"'],
    });
  });

  it('retries when Prometheus is unavailable', async () => {
    stub.respond = () => ({ status: 503, body: { status: 'error', errorType: 'timeout', error: 'query timed out' } });

    await assertFailure(activities().measureIndicator(indicator('vector(1)')), {
      nonRetryable: false,
      type: FailureType.Transient,
      includes: ['HTTP 503', 'timeout: query timed out'],
    });
  });

  it('retries on a proxy error page', async () => {
    stub.respond = () => ({ status: 502, body: '<html>Bad Gateway</html>' });

    await assertFailure(activities().measureIndicator(indicator('vector(1)')), {
      nonRetryable: false,
      type: FailureType.Transient,
      includes: ['HTTP 502'],
    });
  });

  it('retries on a timeout', async () => {
    stub.respond = () => ({ status: 200, hang: true });

    await assertFailure(activities(200).measureIndicator(indicator('vector(1)')), {
      nonRetryable: false,
      type: FailureType.Transient,
      includes: ['timed out after 200 ms'],
    });
  });

  it('retries on a refused connection', async () => {
    const port = await findFreePort();
    const refused = createPrometheusActivities({ baseUrl: `http://127.0.0.1:${port}`, fetchTimeoutMs: 2000 });

    await assertFailure(refused.measureIndicator(indicator('vector(1)')), {
      nonRetryable: false,
      type: FailureType.Transient,
      includes: ['ECONNREFUSED'],
    });
  });

  it('rejects a body that is not a query response', async () => {
    stub.respond = () => ({ status: 200, body: '<html>login</html>' });

    await assertFailure(activities().measureIndicator(indicator('vector(1)')), {
      nonRetryable: true,
      type: FailureType.InvalidResponse,
      includes: ['not a query response'],
    });
  });

  it('rejects a sample value that is not a number', async () => {
    stub.respond = () => ({
      status: 200,
      body: { status: 'success', data: { resultType: 'scalar', result: [1712345678.5, 'fast'] } },
    });

    await assertFailure(activities().measureIndicator(indicator('vector(1)')), {
      nonRetryable: true,
      type: FailureType.InvalidResponse,
      includes: ['"fast"'],
    });
  });

  it('rejects a window that is not a positive whole number', () => {
    assert.throws(() => expandWindow('rate(x[$window])', 0), /invalid indicator window 0 ms/);
    assert.throws(() => expandWindow('rate(x[$window])', 1.5), /invalid indicator window 1.5 ms/);
  });
});
