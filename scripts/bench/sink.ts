import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback HTTP server in place of PagerDuty, chat webhooks and the Kubernetes API, which counts what it receives.
 * A run that ends as not-confirmed calls none of them, so any request here is a finding to report.
 */
export class RequestSink {
  /** Requests received, by method and path. */
  readonly received = new Map<string, number>();
  /** TCP connections accepted, which also counts clients that do not speak HTTP, such as a Redis client. */
  connections = 0;

  private constructor(
    private readonly server: Server,
    readonly baseUrl: string,
  ) {}

  static async start(): Promise<RequestSink> {
    let sink: RequestSink | undefined;
    const server = createServer((request, response) => {
      const key = `${request.method} ${(request.url ?? '/').split('?')[0]}`;
      sink?.received.set(key, (sink.received.get(key) ?? 0) + 1);
      request.resume();
      request.on('end', () => {
        // PagerDuty's documented success response. Chat clients accept it too, because they check only for a 2xx.
        response.writeHead(202, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ status: 'success', message: 'Event processed' }));
      });
    });
    server.on('connection', () => {
      if (sink) sink.connections += 1;
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    sink = new RequestSink(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return sink;
  }

  get total(): number {
    return [...this.received.values()].reduce((sum, count) => sum + count, 0);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}
