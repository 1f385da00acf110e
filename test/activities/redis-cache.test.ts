import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import type { ClearCacheRequest } from '../../src/activities/contracts';
import { FailureType } from '../../src/activities/errors';
import { createCacheActivities } from '../../src/activities/redis';
import { findFreePort } from '../../src/stack/free-port';
import { RedisServer } from '../../src/stack/redis';
import { activityEnvironment, runActivity } from './activity-environment';
import { assertFailure } from './assert-failure';

const PASSWORD = 'cache-secret-7d1f';
const VARIABLE = 'AR_RENDER_CACHE_REDIS_URL';

/** Writes `count` string keys named `${prefix}${index}` in pipelined MSET batches. */
async function writeKeys(client: Redis, prefix: string, count: number): Promise<void> {
  const pipeline = client.pipeline();
  for (let start = 0; start < count; start += 1000) {
    const pairs: string[] = [];
    for (let index = start; index < Math.min(start + 1000, count); index++) pairs.push(`${prefix}${index}`, 'v');
    pipeline.mset(...pairs);
  }
  await pipeline.exec();
}

async function countKeys(client: Redis, pattern: string): Promise<number> {
  let cursor = '0';
  let count = 0;
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    count += keys.length;
  } while (cursor !== '0');
  return count;
}

/** Reads the call counts of `INFO commandstats`, by lowercase command name. */
async function commandCalls(client: Redis): Promise<Map<string, number>> {
  const info = await client.info('commandstats');
  const calls = new Map<string, number>();
  for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) calls.set(match[1]!, Number(match[2]));
  return calls;
}

describe('Redis clearCache', function () {
  this.timeout(60_000);
  let server: RedisServer;
  let client: Redis;
  let prefix: string;
  let testNumber = 0;

  before(async () => {
    server = await RedisServer.start({ stateDir: mkdtempSync(join(tmpdir(), 'slo-redis-')), password: PASSWORD });
    client = new Redis(server.url);
  });

  after(async () => {
    client?.disconnect();
    await server?.stop();
  });

  beforeEach(() => {
    testNumber += 1;
    prefix = `t${testNumber}:`;
  });

  function activities(env: NodeJS.ProcessEnv = { [VARIABLE]: server.url }) {
    return createCacheActivities({ env, connectTimeoutMs: 2000, commandTimeoutMs: 5000 });
  }

  function request(overrides: Partial<ClearCacheRequest> = {}): ClearCacheRequest {
    return {
      incidentId: 'ar-overlay-20260101T000000Z',
      redisUrlEnv: VARIABLE,
      pattern: `${prefix}render:*`,
      batchSize: 100,
      maxKeys: 1_000_000,
      ...overrides,
    };
  }

  it('deletes only the matching keys', async () => {
    await writeKeys(client, `${prefix}render:`, 250);
    await writeKeys(client, `${prefix}session:`, 40);

    const result = await runActivity(() => activities().clearCache(request()));

    assert.deepEqual(result, { deleted: 250, scanned: 250, complete: true });
    assert.equal(await countKeys(client, `${prefix}render:*`), 0);
    assert.equal(await countKeys(client, `${prefix}session:*`), 40);
  });

  it('deletes nothing when no key matches', async () => {
    const result = await runActivity(() => activities().clearCache(request()));

    assert.deepEqual(result, { deleted: 0, scanned: 0, complete: true });
  });

  it('stops at maxKeys', async () => {
    await writeKeys(client, `${prefix}render:`, 1000);

    const result = await runActivity(() => activities().clearCache(request({ maxKeys: 120, batchSize: 50 })));

    assert.equal(result.deleted, 120);
    assert.equal(result.complete, false);
    assert.equal(await countKeys(client, `${prefix}render:*`), 880);
  });

  it('heartbeats the cursor and counts', async () => {
    await writeKeys(client, `${prefix}render:`, 300);
    const environment = activityEnvironment();
    const heartbeats: unknown[] = [];
    environment.on('heartbeat', (details: unknown) => heartbeats.push(details));

    await environment.run(() => activities().clearCache(request({ batchSize: 50 })));

    assert.ok(heartbeats.length >= 2, `${heartbeats.length} heartbeats`);
    const last = heartbeats.at(-1) as { cursor: string; deleted: number; scanned: number };
    assert.equal(last.cursor, '0');
    assert.equal(last.deleted, 300);
    assert.equal(last.scanned, 300);
  });

  it('resumes from the heartbeat of a failed attempt', async () => {
    await writeKeys(client, `${prefix}render:`, 600);
    const first = activityEnvironment();
    let lastHeartbeat: { cursor: string; deleted: number; scanned: number } | undefined;
    let paused = false;
    first.on('heartbeat', (details: { cursor: string; deleted: number; scanned: number }) => {
      lastHeartbeat = details;
      // Pausing writes after about 100 keys makes the next UNLINK time out, which fails the attempt midway.
      if (!paused && details.deleted >= 100) {
        paused = true;
        void client.call('CLIENT', 'PAUSE', '3000', 'WRITE');
      }
    });
    const timingOut = createCacheActivities({ env: { [VARIABLE]: server.url }, commandTimeoutMs: 300 });
    await assertFailure(
      first.run(() => timingOut.clearCache(request({ batchSize: 50 }))),
      {
        nonRetryable: false,
        type: FailureType.Transient,
        includes: ['timed out'],
      },
    );
    await client.call('CLIENT', 'UNPAUSE');

    const resumed = await runActivity(() => activities().clearCache(request({ batchSize: 50 })), {
      attempt: 2,
      heartbeatDetails: lastHeartbeat,
    });

    assert.ok(lastHeartbeat!.deleted >= 100, `first attempt deleted ${lastHeartbeat!.deleted}`);
    assert.ok(lastHeartbeat!.deleted < 600, `first attempt deleted ${lastHeartbeat!.deleted}`);
    assert.notEqual(lastHeartbeat!.cursor, '0');
    assert.equal(resumed.complete, true);
    // The UNLINK that timed out may still run once writes resume, before the second attempt scans its keys.
    assert.ok(resumed.deleted <= 600, `deleted ${resumed.deleted}`);
    assert.ok(resumed.deleted >= 500, `deleted ${resumed.deleted}`);
    assert.equal(await countKeys(client, `${prefix}render:*`), 0);
  });

  it('ignores heartbeat details of another shape', async () => {
    await writeKeys(client, `${prefix}render:`, 10);

    const result = await runActivity(() => activities().clearCache(request()), { heartbeatDetails: { cursor: 7 } });

    assert.deepEqual(result, { deleted: 10, scanned: 10, complete: true });
  });

  it('clears 20000 keys without KEYS or FLUSH', async () => {
    await writeKeys(client, `${prefix}render:`, 20_000);
    await writeKeys(client, `${prefix}keep:`, 500);
    await client.config('RESETSTAT');

    const result = await runActivity(() => activities().clearCache(request({ batchSize: 1000 })));

    assert.equal(result.deleted, 20_000);
    assert.equal(result.complete, true);
    assert.equal(await countKeys(client, `${prefix}render:*`), 0);
    assert.equal(await countKeys(client, `${prefix}keep:*`), 500);
    const calls = await commandCalls(client);
    assert.equal(calls.get('keys'), undefined);
    assert.equal(calls.get('flushall'), undefined);
    assert.equal(calls.get('flushdb'), undefined);
    assert.equal(calls.get('del'), undefined);
    assert.ok((calls.get('scan') ?? 0) > 1, `scan calls: ${calls.get('scan')}`);
    assert.ok((calls.get('unlink') ?? 0) > 1, `unlink calls: ${calls.get('unlink')}`);
  });

  it('stops when cancelled', async () => {
    await writeKeys(client, `${prefix}render:`, 300);
    const environment = activityEnvironment();
    environment.cancel();

    await assert.rejects(
      environment.run(() => activities().clearCache(request({ batchSize: 50 }))),
      (error: Error) => error.name === 'CancelledFailure',
    );
    assert.ok((await countKeys(client, `${prefix}render:*`)) > 0);
  });

  it('rejects a missing URL by variable name', async () => {
    await assertFailure(
      runActivity(() => activities({}).clearCache(request())),
      { nonRetryable: true, type: FailureType.MissingSecret, includes: [VARIABLE] },
    );
  });

  it('rejects a value that is not a Redis URL without showing it', async () => {
    const env = { [VARIABLE]: `http://user:${PASSWORD}@127.0.0.1:1` };

    await assertFailure(
      runActivity(() => activities(env).clearCache(request())),
      {
        nonRetryable: true,
        type: FailureType.InvalidRequest,
        includes: [VARIABLE],
        excludes: [PASSWORD],
      },
    );
  });

  it('rejects a pattern that matches every key', async () => {
    await assertFailure(
      runActivity(() => activities().clearCache(request({ pattern: '**' }))),
      {
        nonRetryable: true,
        type: FailureType.InvalidRequest,
        includes: ['matches every key'],
      },
    );
  });

  it('fails as Forbidden on a wrong password without showing it', async () => {
    const wrong = 'wrong-password-3c9a';
    const env = { [VARIABLE]: `redis://:${wrong}@127.0.0.1:${server.port}` };

    await assertFailure(
      runActivity(() => activities(env).clearCache(request())),
      {
        nonRetryable: true,
        type: FailureType.Forbidden,
        includes: [VARIABLE, 'WRONGPASS'],
        excludes: [wrong],
      },
    );
  });

  it('fails as Forbidden without a password', async () => {
    const env = { [VARIABLE]: `redis://127.0.0.1:${server.port}` };

    await assertFailure(
      runActivity(() => activities(env).clearCache(request())),
      {
        nonRetryable: true,
        type: FailureType.Forbidden,
        includes: ['NOAUTH'],
      },
    );
  });

  it('retries a refused connection without showing the URL', async () => {
    const port = await findFreePort();
    const env = { [VARIABLE]: `redis://:${PASSWORD}@127.0.0.1:${port}` };

    await assertFailure(
      runActivity(() => activities(env).clearCache(request())),
      {
        nonRetryable: false,
        type: FailureType.Transient,
        includes: [VARIABLE, 'ECONNREFUSED'],
        excludes: [PASSWORD],
      },
    );
  });
});
