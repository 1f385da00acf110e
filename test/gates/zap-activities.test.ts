import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { CancelledFailure } from '@temporalio/common';
import { GateFailureType } from '../../src/activities/gates/failure-types';
import { createZapGateActivities, type ZapGateOptions } from '../../src/activities/gates/zap';
import { MAX_REPORTED_ALERTS } from '../../src/activities/gates/zap/alerts';
import { activityEnvironment } from '../activities/activity-environment';
import { assertFailure } from '../activities/assert-failure';
import { ZapStandIn, type ZapStandInOptions } from './stand-ins/zap';

const API_KEY = 'zap-key-0123456789abcdef';
const TARGET = 'http://127.0.0.1:18080';

describe('ZAP gate activities', () => {
  const standIns: ZapStandIn[] = [];

  after(async () => {
    await Promise.all(standIns.map((standIn) => standIn.close()));
  });

  async function standIn(options: Partial<ZapStandInOptions> = {}): Promise<ZapStandIn> {
    const started = await ZapStandIn.start({ apiKey: API_KEY, ...options });
    standIns.push(started);
    return started;
  }

  function activities(zap: ZapStandIn, options: Partial<ZapGateOptions> = {}) {
    return createZapGateActivities({
      baseUrl: zap.baseUrl,
      apiKeyEnv: 'ZAP_API_KEY',
      env: { ZAP_API_KEY: API_KEY },
      pollIntervalMs: 20,
      ...options,
    });
  }

  function run<T>(fn: () => Promise<T>, environment = activityEnvironment()): Promise<T> {
    return environment.run(fn) as Promise<T>;
  }

  it('runs the spider to 100 percent', async () => {
    const zap = await standIn({ progressStep: 40 });
    const environment = activityEnvironment();
    const heartbeats: unknown[] = [];
    environment.on('heartbeat', (details) => heartbeats.push(details));

    const result = await run(() => activities(zap).runZapSpider({ targetUrl: TARGET, maxChildren: 10 }), environment);

    assert.equal(result.scanId, '0');
    assert.deepEqual(heartbeats, [
      { scanId: '0', progress: 40 },
      { scanId: '0', progress: 80 },
      { scanId: '0', progress: 100 },
    ]);
    const start = zap.paramsOf('/JSON/spider/action/scan/')[0]!;
    assert.equal(start.get('url'), TARGET);
    assert.equal(start.get('maxChildren'), '10');
    assert.ok(zap.stub.requests.every((request) => request.headers['x-zap-api-key'] === API_KEY));
  });

  it('runs the active scan after the spider', async () => {
    const zap = await standIn();
    const bound = activities(zap);

    await run(() => bound.runZapSpider({ targetUrl: TARGET }));
    const result = await run(() => bound.runZapActiveScan({ targetUrl: TARGET, scanPolicyName: 'staging' }));

    assert.equal(result.scanId, '0');
    const start = zap.paramsOf('/JSON/ascan/action/scan/')[0]!;
    assert.equal(start.get('recurse'), 'true');
    assert.equal(start.get('scanPolicyName'), 'staging');
  });

  it('resumes the scan of an earlier attempt', async () => {
    const zap = await standIn();
    await run(() => activities(zap).runZapSpider({ targetUrl: TARGET }));
    zap.scans.spider[0]!.progress = 50;

    const result = await run(
      () => activities(zap).runZapSpider({ targetUrl: TARGET }),
      activityEnvironment({ heartbeatDetails: { scanId: '0', progress: 50 } }),
    );

    assert.equal(result.scanId, '0');
    assert.equal(zap.scans.spider.length, 1);
  });

  it('starts anew when ZAP forgot the scan', async () => {
    const zap = await standIn();

    const result = await run(
      () => activities(zap).runZapSpider({ targetUrl: TARGET }),
      activityEnvironment({ heartbeatDetails: { scanId: '7', progress: 50 } }),
    );

    assert.equal(result.scanId, '0');
    assert.equal(zap.scans.spider.length, 1);
  });

  it('stops the active scan on cancellation', async () => {
    const zap = await standIn({ scanNeverFinishes: true });
    const bound = activities(zap);
    await run(() => bound.runZapSpider({ targetUrl: TARGET }));
    const environment = activityEnvironment();

    const scan = run(() => bound.runZapActiveScan({ targetUrl: TARGET }), environment);
    await zap.stub.waitForRequests(zap.stub.requests.length + 3, 5_000);
    environment.cancel();
    await assert.rejects(scan, CancelledFailure);

    assert.equal(zap.paramsOf('/JSON/ascan/action/stop/')[0]?.get('scanId'), '0');
    assert.equal(zap.scans.ascan[0]!.stopped, true);
    // No status read follows the stop.
    await delay(100);
    assert.equal(zap.paths().at(-1), '/JSON/ascan/action/stop/');
  });

  it('reads and counts the alerts', async () => {
    const zap = await standIn();
    await run(() => activities(zap).runZapSpider({ targetUrl: TARGET }));

    const result = await run(() => activities(zap).readZapAlerts({ targetUrl: TARGET }));

    assert.deepEqual(result.counts, { Informational: 1, Low: 1, Medium: 2, High: 1 });
    assert.equal(result.falsePositives, 1);
    assert.deepEqual(
      result.alerts.map((alert) => [alert.pluginId, alert.riskCode]),
      [
        ['40012', 3],
        ['10038', 2],
        ['10020', 2],
        ['10021', 1],
      ],
    );
    const xss = result.alerts[0]!;
    assert.equal(xss.param, 'q');
    assert.equal(xss.cweId, '79');
    assert.equal(xss.method, 'GET');
    const page = zap.paramsOf('/JSON/core/view/alerts/')[0]!;
    assert.equal(page.get('baseurl'), TARGET);
    assert.equal(page.get('start'), '0');
    assert.equal(page.get('count'), '500');
  });

  it('pages through many alerts', async () => {
    const zap = await standIn({ extraLowAlerts: 1_200 });
    await run(() => activities(zap).runZapSpider({ targetUrl: TARGET }));

    const result = await run(() => activities(zap).readZapAlerts({ targetUrl: TARGET }));

    assert.equal(result.counts.Low, 1_201);
    assert.equal(result.alerts.length, MAX_REPORTED_ALERTS);
    assert.equal(result.alerts[0]!.risk, 'High');
    assert.deepEqual(
      zap.paramsOf('/JSON/core/view/alerts/').map((params) => params.get('start')),
      ['0', '500', '1000'],
    );
  });

  it('rejects a wrong API key without leaking it', async () => {
    const zap = await standIn();
    const wrong = 'zap-key-wrong-wrong-wrong';

    await assertFailure(
      run(() => activities(zap, { env: { ZAP_API_KEY: wrong } }).runZapSpider({ targetUrl: TARGET })),
      {
        nonRetryable: true,
        type: GateFailureType.Forbidden,
        includes: ['ZAP_API_KEY', 'bad_api_key'],
        excludes: [wrong],
      },
    );
  });

  it('rejects a missing API key', async () => {
    const zap = await standIn();

    await assertFailure(
      run(() => activities(zap, { env: {} }).runZapSpider({ targetUrl: TARGET })),
      {
        nonRetryable: true,
        type: GateFailureType.MissingSecret,
        includes: ['ZAP_API_KEY'],
      },
    );
  });

  it('rejects a scan of an unknown URL', async () => {
    const zap = await standIn();

    await assertFailure(
      run(() => activities(zap).runZapActiveScan({ targetUrl: TARGET })),
      {
        nonRetryable: true,
        type: GateFailureType.InvalidRequest,
        includes: ['url_not_found'],
      },
    );
  });

  it('retries internal errors', async () => {
    const zap = await standIn({ failure: 'http500' });

    await assertFailure(
      run(() => activities(zap).runZapSpider({ targetUrl: TARGET })),
      {
        nonRetryable: false,
        type: GateFailureType.Transient,
        includes: ['HTTP 500', 'internal_error'],
      },
    );
  });

  it('fails without retry on garbage', async () => {
    const zap = await standIn({ failure: 'garbage' });

    await assertFailure(
      run(() => activities(zap).readZapAlerts({ targetUrl: TARGET })),
      {
        nonRetryable: true,
        type: GateFailureType.InvalidResponse,
        includes: ['ZAP is starting'],
      },
    );
  });
});
