import { CancelledFailure, ApplicationFailure } from '@temporalio/common';
import { Context } from '@temporalio/activity';
import { z } from 'zod';
import type { ClearCacheRequest, ClearCacheResult } from '../contracts';
import { FailureType } from '../failure-types';
import {
  connectRedis,
  readRedisUrl,
  toRedisFailure,
  type ConnectionOptions,
  type RedisConnection,
} from './redis-connection';

/** Progress of a clear, sent as heartbeat details so that a retried attempt resumes at the same SCAN cursor. */
const progressSchema = z.object({
  cursor: z.string().regex(/^\d+$/),
  deleted: z.number().int().nonnegative(),
  scanned: z.number().int().nonnegative(),
});

type Progress = z.output<typeof progressSchema>;

const scanReplySchema = z.tuple([z.instanceof(Buffer), z.array(z.instanceof(Buffer))]);
const unlinkReplySchema = z.number().int().nonnegative();

/** Returns the progress of an earlier attempt from its heartbeat details, or a fresh start. */
function resumeProgress(): Progress {
  const details: unknown = Context.current().info.heartbeatDetails;
  const parsed = progressSchema.safeParse(details);
  return parsed.success ? parsed.data : { cursor: '0', deleted: 0, scanned: 0 };
}

function checkRequest(request: ClearCacheRequest): void {
  const problems: string[] = [];
  if (request.pattern.replace(/\*/g, '') === '') problems.push(`pattern "${request.pattern}" matches every key`);
  if (!Number.isInteger(request.batchSize) || request.batchSize < 1) problems.push('batchSize must be at least 1');
  if (!Number.isInteger(request.maxKeys) || request.maxKeys < 1) problems.push('maxKeys must be at least 1');
  if (problems.length > 0) {
    throw ApplicationFailure.nonRetryable(
      `invalid cache clear request: ${problems.join('; ')}`,
      FailureType.InvalidRequest,
    );
  }
}

/** Scans one batch and unlinks the keys in it, at most `limit` of them, and returns the next cursor and the counts. */
async function clearBatch(connection: RedisConnection, request: ClearCacheRequest, cursor: string, limit: number) {
  const reply = await connection.client.scanBuffer(cursor, 'MATCH', request.pattern, 'COUNT', request.batchSize);
  const [nextCursor, keys] = scanReplySchema.parse(reply);
  const batch = keys.slice(0, limit);
  // UNLINK frees the values in a background thread, so large values do not block Redis as DEL would.
  const deleted = batch.length === 0 ? 0 : unlinkReplySchema.parse(await connection.client.unlink(...batch));
  return {
    nextCursor: nextCursor.toString('utf8'),
    scanned: keys.length,
    deleted,
    truncated: batch.length < keys.length,
  };
}

/**
 * Deletes the keys that match the pattern with SCAN and UNLINK, never KEYS or FLUSHDB, so Redis keeps serving
 * while a large keyspace is cleared. Stops once `maxKeys` keys are deleted. Each batch heartbeats the cursor and
 * counts, and a retried attempt resumes from the last heartbeat that reached Temporal. After such a retry,
 * `deleted` leaves out keys the failed attempt removed after that heartbeat (so the total may pass `maxKeys` by
 * as many), and `scanned` may count a key twice because SCAN can return a key more than once.
 *
 * NOTE: Redis Cluster is not supported. SCAN on one cluster node covers only that node's keys, and replies such
 * as MOVED fail the activity as InvalidRequest.
 */
export async function clearCache(
  env: NodeJS.ProcessEnv,
  options: ConnectionOptions,
  request: ClearCacheRequest,
): Promise<ClearCacheResult> {
  checkRequest(request);
  const context = Context.current();
  const url = readRedisUrl(env, request.redisUrlEnv);
  const progress = resumeProgress();
  if (progress.cursor !== '0' || progress.scanned > 0) {
    context.log.info('Resuming cache clear from the last heartbeat', { incidentId: request.incidentId, ...progress });
  }
  const connection = await connectRedis(url, request.redisUrlEnv, options);
  try {
    for (;;) {
      const limit = request.maxKeys - progress.deleted;
      if (limit <= 0) return finish(request, progress, false);
      const batch = await clearBatch(connection, request, progress.cursor, limit);
      progress.cursor = batch.nextCursor;
      progress.scanned += batch.scanned;
      progress.deleted += batch.deleted;
      context.heartbeat(progress);
      if (context.cancellationSignal.aborted) throw new CancelledFailure('cache clear cancelled');
      if (batch.truncated) return finish(request, progress, false);
      if (progress.cursor === '0') return finish(request, progress, true);
    }
  } catch (error) {
    if (error instanceof CancelledFailure) throw error;
    if (error instanceof z.ZodError) {
      throw ApplicationFailure.nonRetryable(
        `Redis at ${request.redisUrlEnv} returned an unexpected reply: ${z.prettifyError(error)}`,
        FailureType.InvalidResponse,
      );
    }
    throw toRedisFailure(error, connection);
  } finally {
    connection.client.disconnect();
  }
}

function finish(request: ClearCacheRequest, progress: Progress, complete: boolean): ClearCacheResult {
  const result = { deleted: progress.deleted, scanned: progress.scanned, complete };
  Context.current().log.info('Cleared cache keys', {
    incidentId: request.incidentId,
    pattern: request.pattern,
    ...result,
  });
  return result;
}
