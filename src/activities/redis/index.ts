import type { RowActionActivities } from '../contracts';
import { clearCache } from './clear-cache';

export interface CacheActivityOptions {
  /** Environment that contains the Redis URLs named by `redisUrlEnv` in the runbook. */
  env: NodeJS.ProcessEnv;
  /** Maximum time in ms to connect and authenticate. Default 5000. */
  connectTimeoutMs?: number;
  /** Maximum time in ms for one SCAN or UNLINK. Default 10000. */
  commandTimeoutMs?: number;
}

/** Creates the `clearCache` activity, which deletes the Redis keys that match a pattern. */
export function createCacheActivities(options: CacheActivityOptions): Pick<RowActionActivities, 'clearCache'> {
  const connection = {
    connectTimeoutMs: options.connectTimeoutMs ?? 5000,
    commandTimeoutMs: options.commandTimeoutMs ?? 10_000,
  };
  return {
    clearCache: (request) => clearCache(options.env, connection, request),
  };
}
