import { ApplicationFailure } from '@temporalio/common';
import Redis from 'ioredis';
import { FailureType } from '../failure-types';
import { redact } from '../http-failure';

export interface ConnectionOptions {
  /** Maximum time in ms to connect and authenticate. */
  connectTimeoutMs: number;
  /** Maximum time in ms for one command. */
  commandTimeoutMs: number;
}

/** A connected client and the secret texts that must never reach a message: the URL and its password. */
export interface RedisConnection {
  client: Redis;
  secrets: string[];
  variable: string;
}

/** Reads the Redis URL from the environment. Its error messages name the variable and never the value. */
export function readRedisUrl(env: NodeJS.ProcessEnv, variable: string): string {
  const url = env[variable];
  if (!url) {
    throw ApplicationFailure.nonRetryable(
      `environment variable ${variable} is unset or empty. Set it to the Redis URL, such as redis://:PASSWORD@HOST:6379/0.`,
      FailureType.MissingSecret,
    );
  }
  let protocol: string | undefined;
  try {
    protocol = new URL(url).protocol;
  } catch {
    protocol = undefined;
  }
  if (protocol !== 'redis:' && protocol !== 'rediss:') {
    throw ApplicationFailure.nonRetryable(
      `environment variable ${variable} does not contain a redis:// or rediss:// URL. Set it to the Redis URL.`,
      FailureType.InvalidRequest,
    );
  }
  return url;
}

function secretsOf(url: string): string[] {
  const parsed = new URL(url);
  const password = parsed.password;
  return [url, password, password === '' ? '' : decodeURIComponent(password)];
}

/**
 * Converts a Redis or connection error into an ApplicationFailure. Authentication and permission errors, and
 * replies that show a wrong server kind (a replica, a cluster node), are non-retryable. Connection errors,
 * timeouts and a server still loading its data are retryable.
 */
export function toRedisFailure(error: unknown, connection: Pick<RedisConnection, 'secrets' | 'variable'>) {
  if (error instanceof ApplicationFailure) return error;
  const message = redact(error instanceof Error ? error.message : String(error), connection.secrets);
  const text = `Redis at ${connection.variable} failed: ${message}`;
  if ((error as { name?: unknown }).name !== 'ReplyError') {
    return ApplicationFailure.retryable(text, FailureType.Transient);
  }
  const code = message.split(' ')[0] ?? '';
  if (['NOAUTH', 'WRONGPASS', 'NOPERM'].includes(code)) {
    return ApplicationFailure.nonRetryable(text, FailureType.Forbidden);
  }
  if (['LOADING', 'BUSY', 'TRYAGAIN', 'MASTERDOWN'].includes(code)) {
    return ApplicationFailure.retryable(text, FailureType.Transient);
  }
  if (['MOVED', 'ASK', 'CROSSSLOT', 'CLUSTERDOWN'].includes(code)) {
    return ApplicationFailure.nonRetryable(
      `${text}. Redis Cluster is not supported: point ${connection.variable} at a standalone Redis or a primary.`,
      FailureType.InvalidRequest,
    );
  }
  return ApplicationFailure.nonRetryable(text, FailureType.InvalidRequest);
}

/**
 * Connects to the Redis at the URL. The client neither reconnects nor queues commands while disconnected, so a
 * lost connection fails the command at once and Temporal's retry (which resumes from the heartbeat) takes over.
 */
export async function connectRedis(
  url: string,
  variable: string,
  options: ConnectionOptions,
): Promise<RedisConnection> {
  const secrets = secretsOf(url);
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: options.connectTimeoutMs,
    commandTimeout: options.commandTimeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  // ioredis reports the cause of a failed connect (ECONNREFUSED, WRONGPASS) only as an 'error' event, and
  // connect() rejects with a plain "Connection is closed.", so the last event is kept for the message.
  let lastError: unknown;
  client.on('error', (error: unknown) => {
    lastError = error;
  });
  const connection = { client, secrets, variable };
  try {
    await client.connect();
  } catch (error) {
    client.disconnect();
    throw toRedisFailure(lastError ?? error, connection);
  }
  return connection;
}
