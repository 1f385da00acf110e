import { randomUUID } from 'node:crypto';
import { HttpStub, type RecordedRequest, type StubResponse } from './http-stub';

export interface StandInRefresh {
  requestId: string;
  id: number;
  refreshType: string;
  startTime: string;
  endTime?: string;
  status: string;
  serviceExceptionJson?: string;
}

const REFRESHES_PATH = /^\/v1\.0\/myorg\/groups\/([^/]+)\/datasets\/([^/]+)\/refreshes(?:\?\$top=(\d+))?$/;

/**
 * A stand-in for the Power BI REST API on 127.0.0.1 with the documented shapes of Refresh Dataset In Group
 * (202 with Location and RequestId) and Get Refresh History In Group (newest first, `$top`). It keeps one
 * refresh history per dataset and checks the bearer token. A test finishes refreshes itself with `finish`.
 */
export class PowerBiStandIn {
  /** Refresh histories by `workspaceId/datasetId`, oldest first. */
  readonly histories = new Map<string, StandInRefresh[]>();
  /** When set and it returns a response, that response replaces the stand-in's own handling of the request. */
  override: ((request: RecordedRequest) => StubResponse | undefined) | undefined;
  /** Send Location as for an enhanced refresh. When false, only the RequestId header carries the id. */
  sendLocation = true;
  /** Start the refresh but never send the 202, as when the response is lost on the way back. */
  loseRefreshResponses = false;
  private nextId = 1;

  private constructor(
    readonly stub: HttpStub,
    readonly token: string,
  ) {}

  static async start(token: string): Promise<PowerBiStandIn> {
    let standIn: PowerBiStandIn | undefined;
    const stub = await HttpStub.start((request) => standIn!.respond(request));
    standIn = new PowerBiStandIn(stub, token);
    return standIn;
  }

  get apiUrl(): string {
    return this.stub.baseUrl;
  }

  /** Adds a dataset with an empty history. Requests for other datasets get 404. */
  addDataset(workspaceId: string, datasetId: string): void {
    this.histories.set(`${workspaceId}/${datasetId}`, []);
  }

  /** Appends a refresh to a dataset's history, such as one started by the schedule. */
  addRefresh(workspaceId: string, datasetId: string, refresh: Partial<StandInRefresh>): StandInRefresh {
    const entry: StandInRefresh = {
      requestId: randomUUID(),
      id: this.nextId++,
      refreshType: 'ViaApi',
      startTime: new Date().toISOString(),
      status: 'Unknown',
      ...refresh,
    };
    this.histories.get(`${workspaceId}/${datasetId}`)!.push(entry);
    return entry;
  }

  /** Ends a refresh with `status`, as Power BI does when the refresh finishes. */
  finish(requestId: string, status: string, serviceExceptionJson?: string): void {
    for (const history of this.histories.values()) {
      const entry = history.find((candidate) => candidate.requestId === requestId);
      if (!entry) continue;
      entry.status = status;
      entry.endTime = new Date(Date.parse(entry.startTime) + 1500).toISOString();
      if (serviceExceptionJson !== undefined) entry.serviceExceptionJson = serviceExceptionJson;
      return;
    }
    throw new Error(`no refresh ${requestId} in the stand-in`);
  }

  /** Requests to the refresh endpoint, POST only. */
  get refreshPosts(): RecordedRequest[] {
    return this.stub.requests.filter((request) => request.method === 'POST');
  }

  async close(): Promise<void> {
    await this.stub.close();
  }

  private respond(request: RecordedRequest): StubResponse {
    const overridden = this.override?.(request);
    if (overridden) return overridden;
    if (request.headers.authorization !== `Bearer ${this.token}`) {
      return { status: 401, body: { error: { code: 'TokenExpired', message: 'Access token is missing or invalid' } } };
    }
    const match = REFRESHES_PATH.exec(request.url);
    const history = match ? this.histories.get(`${match[1]}/${match[2]}`) : undefined;
    if (!match || !history) {
      return { status: 404, body: { error: { code: 'ItemNotFound', message: `${request.url} is not found` } } };
    }
    if (request.method === 'GET') {
      const top = match[3] === undefined ? 60 : Number(match[3]);
      return { status: 200, body: { value: [...history].reverse().slice(0, top) } };
    }
    if (request.method === 'POST') {
      const entry = this.addRefresh(match[1]!, match[2]!, {});
      if (this.loseRefreshResponses) return { status: 202, hang: true };
      const headers: Record<string, string> = { RequestId: entry.requestId };
      if (this.sendLocation) {
        headers['x-ms-request-id'] = entry.requestId;
        headers.location = `${this.apiUrl}${request.url}/${entry.requestId}`;
      }
      return { status: 202, headers };
    }
    return { status: 405, body: { error: { code: 'MethodNotAllowed' } } };
  }
}
