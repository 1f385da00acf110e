import { HttpStub, type RecordedRequest, type StubResponse } from '../activities/http-stub';
import { apiFixture, errorFixture, fakeJwt } from './fixtures';

export type StandInRun = Record<string, unknown> & { dag_id: string; dag_run_id: string; state: string };

/** A loopback stand-in for the DAG run endpoints of Airflow's REST API, serving the documented shapes. */
export class AirflowStandIn {
  readonly runs = new Map<string, StandInRun>();
  /** Tokens the stand-in accepts; a test removes one to make it expire. */
  readonly validTokens = new Set<string>();
  tokenLifetimeMs = 3_600_000;
  /** Responses to send instead of the normal one, oldest first, for the next requests whose path matches. */
  readonly injected: { pathPrefix: string; response: StubResponse }[] = [];

  private constructor(
    readonly stub: HttpStub,
    readonly version: 'v1' | 'v2',
    readonly credentials: { username: string; password: string },
  ) {}

  static async start(version: 'v1' | 'v2', credentials = { username: 'slo', password: 'pw-secret-1' }) {
    const stub = await HttpStub.start(() => ({ status: 500 }));
    const standIn = new AirflowStandIn(stub, version, credentials);
    stub.respond = (request) => standIn.handle(request);
    return standIn;
  }

  get baseUrl(): string {
    return this.stub.baseUrl;
  }

  /** Adds a run built from a fixture, with the given fields replaced. */
  addRun(fixture: string, fields: Partial<StandInRun>): StandInRun {
    const run = { ...apiFixture<StandInRun>(fixture), ...fields };
    this.runs.set(`${run.dag_id}/${run.dag_run_id}`, run);
    return run;
  }

  inject(pathPrefix: string, response: StubResponse): void {
    this.injected.push({ pathPrefix, response });
  }

  requestsTo(method: string, pathPrefix: string): RecordedRequest[] {
    return this.stub.requests.filter((request) => request.method === method && request.url.startsWith(pathPrefix));
  }

  async close(): Promise<void> {
    await this.stub.close();
  }

  private handle(request: RecordedRequest): StubResponse {
    const url = new URL(request.url, 'http://stand-in');
    const injectedIndex = this.injected.findIndex((entry) => url.pathname.startsWith(entry.pathPrefix));
    if (injectedIndex >= 0) return this.injected.splice(injectedIndex, 1)[0]!.response;
    if (url.pathname === '/auth/token' && request.method === 'POST') return this.issueToken(request);
    const denied = this.authenticate(request);
    if (denied) return denied;
    const prefix = `/api/${this.version}/dags/`;
    if (!url.pathname.startsWith(prefix)) return { status: 404, body: { detail: 'Not Found' } };
    const [dagId, collection, runId] = url.pathname.slice(prefix.length).split('/').map(decodeURIComponent);
    if (collection !== 'dagRuns' || dagId === undefined) return { status: 404, body: { detail: 'Not Found' } };
    if (runId === undefined) {
      if (request.method === 'GET') return this.list(dagId, url.searchParams);
      if (request.method === 'POST') return this.trigger(dagId, JSON.parse(request.body) as Record<string, unknown>);
    } else {
      const run = this.runs.get(`${dagId}/${runId}`);
      if (!run) return { status: 404, body: errorFixture(this.version, '404-dag-run') };
      if (request.method === 'GET') return { status: 200, body: run };
      if (request.method === 'PATCH') return this.patch(run, JSON.parse(request.body) as { state: string });
    }
    return { status: 405, body: { detail: 'Method Not Allowed' } };
  }

  private issueToken(request: RecordedRequest): StubResponse {
    const body = JSON.parse(request.body) as { username?: string; password?: string };
    if (body.username !== this.credentials.username || body.password !== this.credentials.password) {
      return { status: 401, body: errorFixture('v2', '401-invalid-credentials') };
    }
    const token = fakeJwt(Date.now() + this.tokenLifetimeMs);
    this.validTokens.add(token);
    return { status: 201, body: { access_token: token } };
  }

  private authenticate(request: RecordedRequest): StubResponse | undefined {
    const header = request.headers.authorization ?? '';
    if (this.version === 'v1') {
      const expected = Buffer.from(`${this.credentials.username}:${this.credentials.password}`).toString('base64');
      return header === `Basic ${expected}`
        ? undefined
        : { status: 401, body: errorFixture('v1', '401-unauthenticated') };
    }
    if (!header.startsWith('Bearer ')) return { status: 401, body: errorFixture('v2', '401-not-authenticated') };
    if (!this.validTokens.has(header.slice('Bearer '.length))) {
      return { status: 401, body: errorFixture('v2', '401-token-expired') };
    }
    return undefined;
  }

  private list(dagId: string, query: URLSearchParams): StubResponse {
    const states = query.getAll('state');
    const limit = Number(query.get('limit') ?? 50);
    const offset = Number(query.get('offset') ?? 0);
    const matching = [...this.runs.values()].filter(
      (run) => run.dag_id === dagId && (states.length === 0 || states.includes(run.state)),
    );
    return { status: 200, body: { dag_runs: matching.slice(offset, offset + limit), total_entries: matching.length } };
  }

  private patch(run: StandInRun, body: { state: string }): StubResponse {
    run.state = body.state;
    run.end_date = new Date().toISOString();
    return { status: 200, body: run };
  }

  private trigger(dagId: string, body: Record<string, unknown>): StubResponse {
    if (this.version === 'v2' && !('logical_date' in body)) {
      return { status: 422, body: errorFixture('v2', '422-trigger') };
    }
    const runId = String(body.dag_run_id);
    if (this.runs.has(`${dagId}/${runId}`)) return { status: 409, body: errorFixture(this.version, '409-trigger') };
    const now = new Date().toISOString();
    const fixture = this.version === 'v2' ? 'v2/dag-run-queued.json' : 'v1/dag-run-running.json';
    const run = this.addRun(fixture, {
      dag_id: dagId,
      dag_run_id: runId,
      state: 'queued',
      conf: body.conf as Record<string, unknown>,
      note: body.note,
      start_date: null,
      end_date: null,
      ...(this.version === 'v2' ? { queued_at: now, run_after: now } : { logical_date: now, execution_date: now }),
    });
    return { status: 200, body: run };
  }
}
