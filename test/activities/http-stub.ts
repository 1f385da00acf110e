import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface StubResponse {
  status: number;
  /** Sent as is when a string, as JSON otherwise. */
  body?: unknown;
  headers?: Record<string, string>;
  /** Never respond, so that the client's timeout fires. */
  hang?: boolean;
}

export type Responder = (request: RecordedRequest) => StubResponse | Promise<StubResponse>;

/** An HTTP server on 127.0.0.1 that records each request and responds with a responder the test can swap. */
export class HttpStub {
  readonly requests: RecordedRequest[] = [];
  private readonly server: Server;
  private port = 0;

  private constructor(public respond: Responder) {
    this.server = createServer((req, res) => this.handle(req, res));
  }

  static async start(respond: Responder): Promise<HttpStub> {
    const stub = new HttpStub(respond);
    await new Promise<void>((resolve) => stub.server.listen(0, '127.0.0.1', resolve));
    stub.port = (stub.server.address() as AddressInfo).port;
    return stub;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** host:port of the server. */
  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** Waits until `count` requests have arrived, for at most `timeoutMs`, and returns all requests. */
  async waitForRequests(count: number, timeoutMs: number): Promise<RecordedRequest[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.requests.length < count && Date.now() < deadline) await delay(100);
    if (this.requests.length < count) {
      throw new Error(`received ${this.requests.length} of ${count} expected requests within ${timeoutMs} ms`);
    }
    return this.requests;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request: RecordedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      this.requests.push(request);
      void Promise.resolve(this.respond(request)).then((answer) => this.send(res, answer));
    });
  }

  private send(res: ServerResponse, answer: StubResponse): void {
    if (answer.hang) return;
    const body =
      typeof answer.body === 'string' || answer.body === undefined ? answer.body : JSON.stringify(answer.body);
    res.writeHead(answer.status, answer.headers);
    res.end(body);
  }
}
