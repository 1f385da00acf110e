import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api } from '@kubernetes/client-node';
import Redis from 'ioredis';
import type { ServiceRunbook } from '../../src/runbook/schema';
import { RedisServer } from '../../src/stack/redis';
import { signalAlertResolved } from '../../src/webhook/temporal-dispatch';
import { statusQuery } from '../../src/workflows/remediation/messages';
import type { RemediationResult } from '../../src/workflows/remediation/types';
import { loadKubeConfigFrom, localClusterKubeconfig } from '../support/kubernetes';
import {
  pagedKeys,
  readIncidentRecord,
  rowFor,
  runbookRow,
  startRun,
  startSagaHarness,
  type SagaHarness,
} from './saga-harness';

const FLAGS = 'ar-overlay-flags';
const FLAG_KEY = 'low-res-fallback';
const RENDER_KEYS = ['render:tile:1', 'render:tile:2', 'render:frame:9'];
const OTHER_KEYS = ['other:session:1', 'other:session:2'];

function timelineOf(result: RemediationResult): string {
  return JSON.stringify(result.timeline, null, 2);
}

function hasEvent(result: RemediationResult, pattern: RegExp): boolean {
  return result.timeline.some((entry) => pattern.test(entry.event));
}

describe('AR overlay saga', function () {
  this.timeout(60_000);
  // Namespaces of earlier runs may still be terminating, so each run of this file uses its own names.
  const suffix = randomBytes(3).toString('hex');
  const namespaces: string[] = [];
  let harness: SagaHarness;
  let core: CoreV1Api;
  let redisServer: RedisServer;
  let redis: Redis;

  before(async () => {
    const kubeConfig = loadKubeConfigFrom(localClusterKubeconfig());
    core = kubeConfig.makeApiClient(CoreV1Api);
    redisServer = await RedisServer.start({ stateDir: mkdtempSync(join(tmpdir(), 'ar-saga-redis-')) });
    redis = new Redis(redisServer.url);
    harness = await startSagaHarness(kubeConfig, 'ar-overlay-saga-tests', {
      secrets: { AR_RENDER_CACHE_REDIS_URL: redisServer.url },
    });
  });

  after(async () => {
    await harness?.stop();
    redis?.disconnect();
    await redisServer?.stop();
    await Promise.all(namespaces.map((name) => core.deleteNamespace({ name }).catch(() => undefined)));
  });

  beforeEach(async () => {
    harness.pagerDuty.requests.length = 0;
    harness.slack.requests.length = 0;
    await redis.flushall();
    await redis.mset(...[...RENDER_KEYS, ...OTHER_KEYS].flatMap((key) => [key, 'cached']));
  });

  /** Creates the test's namespace, with the flags ConfigMap unless `flags` is undefined. */
  async function flagsNamespace(id: string, flags: Record<string, string> | undefined): Promise<string> {
    const namespace = `${id}-${suffix}`;
    await core.createNamespace({ body: { metadata: { name: namespace } } });
    namespaces.push(namespace);
    if (flags) await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: FLAGS }, data: flags } });
    return namespace;
  }

  async function readFlag(namespace: string): Promise<string | undefined> {
    const configMap = await core.readNamespacedConfigMap({ name: FLAGS, namespace });
    return configMap.data?.[FLAG_KEY];
  }

  async function cachedKeys(pattern: string): Promise<string[]> {
    return (await redis.keys(pattern)).sort();
  }

  /** Builds the shipped AR Overlay row with the test's id, ConfigMap namespace and a hold period of one second. */
  function arRow(id: string, namespace: string, overrides: Partial<ServiceRunbook> = {}): ServiceRunbook {
    const row = rowFor(runbookRow('ar-overlay'), id, overrides);
    row.actions = row.actions.map((action) =>
      action.type === 'feature-flag.enable'
        ? { ...action, configMap: { namespace, name: FLAGS }, revertAfterSloHolds: 1_000 }
        : action,
    );
    return row;
  }

  it('mitigates a breach and ends the fallback', async () => {
    const namespace = await flagsNamespace('ar-mitigated', { [FLAG_KEY]: 'false' });
    const row = arRow('ar-mitigated', namespace);
    let releaseVerify!: (value: number) => void;
    const verifyReading = new Promise<number>((resolve) => (releaseVerify = resolve));
    harness.indicator.script(row.id, [0.35, verifyReading, 0.12]);

    const handle = await startRun(harness, row);
    // The saga waits on the verify reading here, after both actions ran and before the hold period.
    await harness.indicator.waitForReads(row.id, 2);
    assert.equal(await readFlag(namespace), 'true', 'the fallback is on while the saga verifies');
    assert.deepEqual(await cachedKeys('render:*'), []);
    assert.deepEqual(await cachedKeys('other:*'), OTHER_KEYS);
    releaseVerify(0.09);
    const result = await handle.result();

    assert.equal(result.outcome, 'mitigated', timelineOf(result));
    assert.equal(await readFlag(namespace), 'false', 'the fallback is back to its previous value');
    assert.ok(hasEvent(result, /turned on .* key low-res-fallback \(was false\)/));
    assert.ok(hasEvent(result, /cleared 3 cache keys matching render:\*/));
    assert.ok(hasEvent(result, /SLO held for 1s: turn off .* \(back to false\)/));
    const windows = harness.indicator.requests
      .filter((request) => request.serviceId === row.id)
      .map((request) => request.windowMs);
    assert.deepEqual(windows, [180_000, 1_000, 1_000], 'detect over the trigger window, then verify, then hold');
    assert.deepEqual(pagedKeys(harness), []);
    const record = readIncidentRecord(harness, 'ar-mitigated-20261204T101500Z');
    assert.equal(record?.status, 'mitigated');
    assert.ok(record?.closedAt);
    assert.match(String(record?.runUrl), /\/workflows\/slo-remediation-ar-mitigated\//);
  });

  it('ends a false alarm without acting', async () => {
    const namespace = await flagsNamespace('ar-false-alarm', { [FLAG_KEY]: 'false' });
    const row = arRow('ar-false-alarm', namespace);
    harness.indicator.script(row.id, [0.15]);

    const result = await (await startRun(harness, row)).result();

    assert.equal(result.outcome, 'not-confirmed', timelineOf(result));
    assert.equal(await readFlag(namespace), 'false');
    assert.deepEqual(await cachedKeys('render:*'), RENDER_KEYS.slice().sort());
    assert.deepEqual(pagedKeys(harness), []);
    assert.equal(readIncidentRecord(harness, 'ar-false-alarm-20261204T101500Z'), undefined);
  });

  it('escalates when the flags ConfigMap is missing', async () => {
    const namespace = await flagsNamespace('ar-action-fails', undefined);
    const row = arRow('ar-action-fails', namespace);
    harness.indicator.script(row.id, [0.4]);

    const result = await (await startRun(harness, row)).result();

    assert.equal(result.outcome, 'escalated', timelineOf(result));
    assert.ok(hasEvent(result, /feature-flag\.enable failed: configmap .*\/ar-overlay-flags not found/));
    assert.deepEqual(await cachedKeys('render:*'), RENDER_KEYS.slice().sort(), 'the cache clear must not run');
    assert.deepEqual(pagedKeys(harness), ['ar-action-fails-20261204T101500Z/xr-eng']);
    assert.ok(hasEvent(result, /no acknowledgement of level 1 within 1s; no level left to page/));
    const record = readIncidentRecord(harness, 'ar-action-fails-20261204T101500Z');
    assert.equal(record?.status, 'escalated');
    assert.ok(record?.closedAt);
    assert.ok(record?.timeline.some((entry) => /feature-flag\.enable failed/.test(entry.event)));
  });

  it('escalates when the SLO stays breached', async () => {
    const namespace = await flagsNamespace('ar-verify-fails', { [FLAG_KEY]: 'false' });
    const row = arRow('ar-verify-fails', namespace);
    harness.indicator.script(row.id, [0.35, 0.3]);

    const result = await (await startRun(harness, row)).result();

    assert.equal(result.outcome, 'escalated', timelineOf(result));
    assert.ok(hasEvent(result, /finished: escalated \(the SLO is still breached after mitigation\)/));
    // Compensation on a still-breached SLO is off by default, so the fallback stays on for the people paged.
    assert.equal(await readFlag(namespace), 'true');
    assert.deepEqual(await cachedKeys('render:*'), []);
    assert.deepEqual(pagedKeys(harness), ['ar-verify-fails-20261204T101500Z/xr-eng']);
    assert.match(String(JSON.parse(harness.pagerDuty.requests[0]!.body).payload.summary), /still breached/);
    assert.equal(readIncidentRecord(harness, 'ar-verify-fails-20261204T101500Z')?.status, 'escalated');
  });

  it('pages the next level without an acknowledgement', async () => {
    const namespace = await flagsNamespace('ar-unacknowledged', undefined);
    const base = arRow('ar-unacknowledged', namespace);
    const first = { ...base.escalation.levels[0]!, ackTimeout: 1_000 };
    const second = {
      page: [
        { team: 'SRE managers', routingKeyEnv: 'PAGERDUTY_ROUTING_KEY_SRE_MANAGERS', severity: 'critical' as const },
      ],
      ackTimeout: 1_000,
    };
    const row = { ...base, escalation: { ...base.escalation, levels: [first, second] } };
    harness.indicator.script(row.id, [0.4]);

    const handle = await startRun(harness, row);
    const result = await handle.result();

    assert.equal(result.outcome, 'escalated', timelineOf(result));
    assert.deepEqual(pagedKeys(harness), [
      'ar-unacknowledged-20261204T101500Z/xr-eng',
      'ar-unacknowledged-20261204T101500Z/sre-managers',
    ]);
    assert.ok(hasEvent(result, /no acknowledgement of level 1 within 1s; paging level 2/));
    assert.ok(hasEvent(result, /no acknowledgement of level 2 within 1s; no level left to page/));
    const status = await handle.query(statusQuery);
    assert.equal(status.escalationLevel, 2);
    assert.equal(status.acknowledgedBy, undefined);
  });

  it('stops when the alert resolves before mitigation', async () => {
    const namespace = await flagsNamespace('ar-resolved', { [FLAG_KEY]: 'false' });
    const row = arRow('ar-resolved', namespace);
    let releaseDetection!: (value: number) => void;
    harness.indicator.script(row.id, [new Promise<number>((resolve) => (releaseDetection = resolve))]);

    const handle = await startRun(harness, row);
    await harness.indicator.waitForReads(row.id, 1);
    assert.equal(await signalAlertResolved(harness.dispatch, row, 'fp-ar-resolved', '2026-12-04T10:19:00Z'), true);
    releaseDetection(0.35);
    const result = await handle.result();

    assert.equal(result.outcome, 'resolved-before-mitigation', timelineOf(result));
    assert.equal(await readFlag(namespace), 'false');
    assert.deepEqual(await cachedKeys('render:*'), RENDER_KEYS.slice().sort());
    assert.deepEqual(pagedKeys(harness), []);
    assert.equal(readIncidentRecord(harness, 'ar-resolved-20261204T101500Z')?.status, 'resolved-before-mitigation');
  });
});
