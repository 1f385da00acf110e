import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { WorkflowFailedError } from '@temporalio/client';
import { createZapGateActivities, type ZapGateActivities } from '../../src/activities/gates/zap';
import type { GateVerdict } from '../../src/gates/contracts';
import type { DastGateInput } from '../../src/workflows/gates/gate-inputs';
import { sharedTemporal } from '../support/temporal';
import { forwardingActivities, startScannerWorker, type ScannerWorker } from './scanner-worker';
import { ZapStandIn, type ZapStandInOptions } from './stand-ins/zap';

const API_KEY = 'zap-dast-gate-0123456789abcdef';
const STAGING = 'http://127.0.0.1:18081';

describe('DAST gate workflow', function () {
  this.timeout(60_000);
  const standIns: ZapStandIn[] = [];
  let worker: ScannerWorker;
  let activities: ZapGateActivities;

  before(async () => {
    const sample = createZapGateActivities({ baseUrl: 'http://127.0.0.1:9', apiKeyEnv: 'X', env: {} });
    worker = await startScannerWorker(
      `dast-${randomUUID()}`,
      require.resolve('./scanner-test-workflows'),
      forwardingActivities(sample, () => activities),
    );
  });

  after(async () => {
    await worker?.stop();
    await Promise.all(standIns.map((standIn) => standIn.close()));
  });

  /** Starts a ZAP stand-in and points the worker's activities at it. */
  async function setUp(options: Partial<ZapStandInOptions> = {}): Promise<ZapStandIn> {
    const zap = await ZapStandIn.start({ apiKey: API_KEY, ...options });
    standIns.push(zap);
    activities = createZapGateActivities({
      baseUrl: zap.baseUrl,
      apiKeyEnv: 'ZAP_API_KEY',
      env: { ZAP_API_KEY: API_KEY },
      pollIntervalMs: 50,
    });
    return zap;
  }

  function gateInput(input: Partial<DastGateInput> = {}): DastGateInput {
    return {
      target: { repositoryPath: '/nonexistent', headSha: 'main', baseUrl: STAGING },
      maxAttempts: 2,
      ...input,
    };
  }

  async function runGate(input: DastGateInput): Promise<GateVerdict> {
    const { client } = await sharedTemporal();
    return client.workflow.execute('dastGate', {
      taskQueue: worker.taskQueue,
      workflowId: `dast-test-${randomUUID()}`,
      args: [input],
    });
  }

  it('passes without medium or high alerts', async () => {
    const zap = await setUp({ alerts: 'alerts-clean.json' });

    const verdict = await runGate(gateInput());

    assert.equal(verdict.status, 'pass', verdict.summary);
    assert.match(
      verdict.summary,
      /no Medium or High risk alerts on http:\/\/127\.0\.0\.1:18081 \(1 Low, 1 Informational/,
    );
    assert.deepEqual(
      verdict.findings.map((finding) => [finding.severity, finding.ruleId]),
      [['low', '10021']],
    );
    assert.deepEqual(zap.paths().slice(0, 2), ['/JSON/spider/action/scan/', '/JSON/spider/view/status/']);
    assert.equal(zap.paramsOf('/JSON/ascan/action/scan/')[0]?.get('url'), STAGING);
  });

  it('blocks medium and high alerts', async () => {
    await setUp();

    const verdict = await runGate(gateInput({ scanPolicyName: 'staging-policy' }));

    assert.equal(verdict.status, 'block');
    assert.match(verdict.summary, /1 High and 2 Medium risk alerts/);
    assert.match(verdict.summary, /1 false positive/);
    const xss = verdict.findings[0]!;
    assert.equal(xss.severity, 'high');
    assert.equal(xss.title, 'Cross Site Scripting (Reflected)');
    assert.match(xss.location ?? '', /^GET http:\/\/127\.0\.0\.1:18081\/search\?q=.* \(parameter q\)$/);
    assert.match(xss.detail ?? '', /CWE-79/);
    assert.equal(verdict.findings.filter((finding) => finding.severity === 'medium').length, 2);
  });

  it('prefers targetUrl over target.baseUrl', async () => {
    const zap = await setUp({ alerts: 'alerts-clean.json' });

    await runGate(gateInput({ targetUrl: 'http://127.0.0.1:18082/app' }));

    assert.equal(zap.paramsOf('/JSON/spider/action/scan/')[0]?.get('url'), 'http://127.0.0.1:18082/app');
  });

  it('reports a crashing ZAP as error', async () => {
    const zap = await setUp({ failure: 'http500' });

    const verdict = await runGate(gateInput());

    assert.equal(verdict.status, 'error');
    assert.match(verdict.summary, /ZAP spider of http:\/\/127\.0\.0\.1:18081 failed: .*internal_error/);
    assert.equal(zap.stub.requests.length, 2);
  });

  it('reports garbage responses as error', async () => {
    await setUp({ failure: 'garbage' });

    const verdict = await runGate(gateInput());

    assert.equal(verdict.status, 'error');
    assert.match(verdict.summary, /\[InvalidResponse\]/);
  });

  it('stops a scan that passes its deadline', async () => {
    const zap = await setUp({ scanNeverFinishes: true });

    const verdict = await runGate(gateInput({ scanTimeoutMs: 2_000 }));

    assert.equal(verdict.status, 'error');
    assert.match(verdict.summary, /ZAP active scan .* failed: timed out/);
    // The activity learns of the timeout from its next heartbeat and then stops the scan.
    const deadline = Date.now() + 5_000;
    while (!zap.scans.ascan[0]?.stopped && Date.now() < deadline) await delay(100);
    assert.equal(zap.scans.ascan[0]?.stopped, true, 'the active scan was stopped in ZAP');
  });

  it('stops the scan when cancelled', async () => {
    const zap = await setUp({ scanNeverFinishes: true });
    const { client } = await sharedTemporal();
    const handle = await client.workflow.start('dastGate', {
      taskQueue: worker.taskQueue,
      workflowId: `dast-test-${randomUUID()}`,
      args: [gateInput()],
    });
    const deadline = Date.now() + 10_000;
    while (zap.paramsOf('/JSON/ascan/view/status/').length < 2 && Date.now() < deadline) await delay(50);

    await handle.cancel();

    await assert.rejects(handle.result(), WorkflowFailedError);
    while (!zap.scans.ascan[0]?.stopped && Date.now() < deadline) await delay(50);
    assert.equal(zap.scans.ascan[0]?.stopped, true);
  });

  it('reports a missing target URL', async () => {
    await setUp();

    const verdict = await runGate(gateInput({ target: { repositoryPath: '/nonexistent', headSha: 'main' } }));

    assert.equal(verdict.status, 'error');
    assert.match(verdict.summary, /no URL to scan/);
  });
});
