import { ApplicationFailure } from '@temporalio/common';
import { FailureType } from '../errors';
import { describeFetchError, redact } from '../http-failure';
import { airflowHttpFailure, invalidResponse } from './errors';
import { tokenResponseSchema } from './api-schemas';

export type AirflowApiVersion = 'v2' | 'v1';

export interface AirflowCredentials {
  username: string;
  password: string;
}

/**
 * A token is renewed this long before its `exp`, so a request never leaves with a token about to expire. Tokens
 * that live less than twice this long are renewed at half their lifetime instead.
 */
const EXPIRY_MARGIN_MS = 60_000;

/** Reads the user name and password from the environment variables the config names; messages name only the variables. */
export function readCredentials(env: NodeJS.ProcessEnv, usernameEnv: string, passwordEnv: string): AirflowCredentials {
  const username = env[usernameEnv];
  const password = env[passwordEnv];
  if (!username || !password) {
    const missing: string[] = [];
    if (!username) missing.push(`${usernameEnv} (Airflow API user name)`);
    if (!password) missing.push(`${passwordEnv} (Airflow API password)`);
    throw ApplicationFailure.nonRetryable(
      `missing Airflow credentials: set the environment variable ${missing.join(' and ')}`,
      FailureType.MissingSecret,
    );
  }
  return { username, password };
}

/** Reads the `exp` claim (Unix seconds) of a JWT without checking its signature; the server checks that. */
export function tokenExpiryMs(token: string): number | undefined {
  const payload = token.split('.')[1];
  if (payload === undefined) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof claims.exp === 'number' ? claims.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

interface CachedToken {
  value: string;
  /** Epoch ms after which the token is renewed before use; undefined when the token carries no `exp`. */
  renewAt: number | undefined;
}

/**
 * Builds the Authorization header for each request. Airflow 2.x takes HTTP basic auth (with the
 * `airflow.api.auth.backend.basic_auth` backend). Airflow 3 takes a JWT from `POST /auth/token`, which is cached until shortly before its `exp` and shared by concurrent requests.
 */
export class AirflowAuth {
  private cached: CachedToken | undefined;
  private pending: Promise<CachedToken> | undefined;

  constructor(
    private readonly apiVersion: AirflowApiVersion,
    private readonly baseUrl: string,
    private readonly credentials: () => AirflowCredentials,
    private readonly fetchTimeoutMs: number,
  ) {}

  /** Returns the header value; `renew` drops the cached token first, as after a 401. */
  async header(renew = false): Promise<string> {
    const credentials = this.credentials();
    if (this.apiVersion === 'v1') {
      return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
    }
    if (renew) this.cached = undefined;
    const token = this.cached && !this.expired(this.cached) ? this.cached : await this.renew(credentials);
    return `Bearer ${token.value}`;
  }

  /** Secrets to redact from any text that leaves the client. */
  secrets(): string[] {
    const credentials = this.credentials();
    return [credentials.password, ...(this.cached ? [this.cached.value] : [])];
  }

  private expired(token: CachedToken): boolean {
    return token.renewAt !== undefined && Date.now() >= token.renewAt;
  }

  private renew(credentials: AirflowCredentials): Promise<CachedToken> {
    this.pending ??= this.requestToken(credentials).finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  private async requestToken(credentials: AirflowCredentials): Promise<CachedToken> {
    const path = '/auth/token';
    const url = new URL(path.slice(1), this.baseUrl.endsWith('/') ? this.baseUrl : `${this.baseUrl}/`);
    let response: Response;
    let text: string;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ username: credentials.username, password: credentials.password }),
        signal: AbortSignal.timeout(this.fetchTimeoutMs),
      });
      text = await response.text();
    } catch (error) {
      throw ApplicationFailure.retryable(
        `Airflow POST ${path} request to ${url.origin} failed: ` +
          describeFetchError(error, this.fetchTimeoutMs, [credentials.password]),
        FailureType.Transient,
      );
    }
    if (!response.ok) throw airflowHttpFailure('POST', path, response.status, text, [credentials.password]);
    const parsed = tokenResponseSchema.safeParse(safeJson(text));
    if (!parsed.success) throw invalidResponse('POST', path, redact(parsed.error.message, [credentials.password]));
    const token = parsed.data.access_token;
    const expiry = tokenExpiryMs(token);
    const margin = expiry === undefined ? 0 : Math.min(EXPIRY_MARGIN_MS, (expiry - Date.now()) / 2);
    this.cached = { value: token, renewAt: expiry === undefined ? undefined : expiry - margin };
    return this.cached;
  }
}

export function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
