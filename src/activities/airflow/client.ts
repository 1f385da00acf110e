import { ApplicationFailure } from '@temporalio/common';
import type { z } from 'zod';
import type { DagRunRef } from '../contracts';
import { FailureType } from '../errors';
import { describeFetchError, redact } from '../http-failure';
import { activityLogger } from './activity-log';
import { dagRunCollectionSchema, dagRunV1Schema, dagRunV2Schema } from './api-schemas';
import { AirflowAuth, readCredentials, safeJson, type AirflowApiVersion } from './auth';
import { fromV1, fromV2, type AirflowDagRun } from './dag-run';
import { airflowHttpFailure, describeErrorBody, invalidResponse } from './errors';

export interface AirflowClientOptions {
  /** Root URL of the Airflow API server (Airflow 3) or webserver (2.x), such as http://127.0.0.1:8080. */
  baseUrl: string;
  /** `v2` for Airflow 3 with token auth, `v1` for Airflow 2.x with basic auth. */
  apiVersion: AirflowApiVersion;
  /** Environment variable with the API user's name. */
  usernameEnv: string;
  /** Environment variable with the API user's password. */
  passwordEnv: string;
  env: NodeJS.ProcessEnv;
  /** Maximum time in ms for one HTTP request, including reading the body. Default 10000. */
  fetchTimeoutMs?: number;
  /** DAG runs per page when listing. Default 100, the `[api] maximum_page_limit` default of Airflow 2.x and 3.x. */
  pageSize?: number;
}

export interface TriggerRequest {
  dagRunId: string;
  conf: Record<string, unknown> | null;
  /** Shown with the run in the Airflow UI; Airflow 3.3 stores at most 1000 characters. */
  note: string;
}

/** A listing stops after this many pages, so a server that ignores `offset` cannot keep the client looping. */
const MAX_PAGES = 100;

interface HttpResult {
  status: number;
  text: string;
}

/**
 * Tells whether Airflow rejected the token itself rather than the user's permissions. Airflow 3.3 returns 401
 * `Token Expired` for an expired token and 403 `Invalid JWT token` for one signed with another key, as after a
 * restart with a new `[api_auth] jwt_secret`. A 403 for missing permissions has another detail.
 */
function isRejectedToken(result: HttpResult): boolean {
  if (result.status === 401) return true;
  return result.status === 403 && describeErrorBody(result.text) === 'Invalid JWT token';
}

/** A client for the DAG run endpoints of the Airflow REST API, `/api/v2` or `/api/v1`. */
export class AirflowClient {
  private readonly auth: AirflowAuth;
  private readonly fetchTimeoutMs: number;
  private readonly pageSize: number;

  constructor(private readonly options: AirflowClientOptions) {
    this.fetchTimeoutMs = options.fetchTimeoutMs ?? 10_000;
    this.pageSize = options.pageSize ?? 100;
    this.auth = new AirflowAuth(
      options.apiVersion,
      options.baseUrl,
      () => readCredentials(options.env, options.usernameEnv, options.passwordEnv),
      this.fetchTimeoutMs,
    );
  }

  async getDagRun(ref: DagRunRef): Promise<AirflowDagRun> {
    const path = this.runPath(ref);
    const result = await this.send('GET', path);
    return this.parseRun('GET', path, this.expectOk('GET', path, result));
  }

  /**
   * Lists the DAG's runs in any of `states`, following offset pagination to the last page. A run that changes
   * state between two pages can shift the offsets and be missed; the watchdog's next check finds it.
   */
  async listDagRuns(dagId: string, states: string[]): Promise<AirflowDagRun[]> {
    const path = `${this.prefix()}/dags/${encodeURIComponent(dagId)}/dagRuns`;
    const runs: AirflowDagRun[] = [];
    for (let page = 0; page < MAX_PAGES; page += 1) {
      const query = new URLSearchParams({ limit: String(this.pageSize), offset: String(runs.length) });
      for (const state of states) query.append('state', state);
      const result = await this.send('GET', path, query);
      const { dag_runs: batch, total_entries: total } = this.parseCollection(
        'GET',
        path,
        this.expectOk('GET', path, result),
      );
      runs.push(...batch);
      if (batch.length < this.pageSize || (typeof total === 'number' && runs.length >= total)) return runs;
    }
    activityLogger()?.warn('Airflow DAG run listing stopped at the page limit', { dagId, pages: MAX_PAGES });
    return runs;
  }

  /** Sets a run's state, as the UI's "mark failed" does; Airflow then stops its running tasks. */
  async setDagRunState(ref: DagRunRef, state: 'failed' | 'success' | 'queued'): Promise<AirflowDagRun> {
    const path = this.runPath(ref);
    const result = await this.send('PATCH', path, undefined, { state });
    return this.parseRun('PATCH', path, this.expectOk('PATCH', path, result));
  }

  /** Triggers a manual run with the given id; returns `exists` when a run with that id is already there (409). */
  async triggerDagRun(dagId: string, request: TriggerRequest): Promise<'created' | 'exists'> {
    const path = `${this.prefix()}/dags/${encodeURIComponent(dagId)}/dagRuns`;
    const body: Record<string, unknown> = {
      dag_run_id: request.dagRunId,
      conf: request.conf ?? {},
      note: request.note,
    };
    // Airflow 3 requires logical_date in the body; null makes a run that is not tied to a data interval.
    if (this.options.apiVersion === 'v2') body.logical_date = null;
    const result = await this.send('POST', path, undefined, body);
    if (result.status === 409) return 'exists';
    this.parseRun('POST', path, this.expectOk('POST', path, result));
    return 'created';
  }

  private prefix(): string {
    return `/api/${this.options.apiVersion}`;
  }

  private runPath(ref: DagRunRef): string {
    return `${this.prefix()}/dags/${encodeURIComponent(ref.dagId)}/dagRuns/${encodeURIComponent(ref.dagRunId)}`;
  }

  private parseRun(method: string, path: string, json: unknown): AirflowDagRun {
    if (this.options.apiVersion === 'v2') return fromV2(this.parse(dagRunV2Schema, method, path, json));
    return fromV1(this.parse(dagRunV1Schema, method, path, json));
  }

  private parseCollection(
    method: string,
    path: string,
    json: unknown,
  ): { dag_runs: AirflowDagRun[]; total_entries?: number | null } {
    if (this.options.apiVersion === 'v2') {
      const page = this.parse(dagRunCollectionSchema(dagRunV2Schema), method, path, json);
      return { dag_runs: page.dag_runs.map(fromV2), total_entries: page.total_entries };
    }
    const page = this.parse(dagRunCollectionSchema(dagRunV1Schema), method, path, json);
    return { dag_runs: page.dag_runs.map(fromV1), total_entries: page.total_entries };
  }

  private parse<T extends z.ZodType>(schema: T, method: string, path: string, json: unknown): z.output<T> {
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw invalidResponse(method, path, parsed.error.message);
    return parsed.data;
  }

  /** Returns the parsed JSON body of a 2xx response and throws the matching failure for any other status. */
  private expectOk(method: string, path: string, result: HttpResult): unknown {
    if (result.status < 200 || result.status > 299) {
      throw airflowHttpFailure(method, path, result.status, result.text, this.auth.secrets());
    }
    return safeJson(result.text);
  }

  /** Sends one request with the Authorization header, and once more with a new token when Airflow rejected it. */
  private async send(method: string, path: string, query?: URLSearchParams, body?: unknown): Promise<HttpResult> {
    const first = await this.fetchOnce(method, path, query, body, await this.auth.header());
    if (this.options.apiVersion !== 'v2' || !isRejectedToken(first)) return first;
    activityLogger()?.info('Airflow rejected the cached token; requesting a new one', { method, path });
    return this.fetchOnce(method, path, query, body, await this.auth.header(true));
  }

  private async fetchOnce(
    method: string,
    path: string,
    query: URLSearchParams | undefined,
    body: unknown,
    authorization: string,
  ): Promise<HttpResult> {
    const base = this.options.baseUrl.endsWith('/') ? this.options.baseUrl : `${this.options.baseUrl}/`;
    const url = new URL(path.slice(1), base);
    if (query) url.search = query.toString();
    const headers: Record<string, string> = { accept: 'application/json', authorization };
    if (body !== undefined) headers['content-type'] = 'application/json';
    try {
      const response = await fetch(url, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.fetchTimeoutMs),
      });
      return { status: response.status, text: await response.text() };
    } catch (error) {
      // Refused connections, resets and timeouts are worth another attempt: the API server may be restarting.
      const reason = describeFetchError(error, this.fetchTimeoutMs, this.auth.secrets());
      throw ApplicationFailure.retryable(
        redact(`Airflow ${method} ${path} request to ${url.origin} failed: ${reason}`, this.auth.secrets()),
        FailureType.Transient,
      );
    }
  }
}
