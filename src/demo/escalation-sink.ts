import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request the stand-in received: which endpoint and the parsed JSON body. */
export interface ReceivedEscalation {
  kind: 'page' | 'chat';
  body: Record<string, unknown>;
}

/**
 * Local stand-in for PagerDuty's Events API v2 and a Slack incoming webhook, so the demo pages no one. It answers
 * with the documented success shapes and keeps what it received.
 */
export class EscalationSink {
  readonly received: ReceivedEscalation[] = [];

  private constructor(
    private readonly server: Server,
    readonly baseUrl: string,
  ) {}

  static async start(onReceive: (escalation: ReceivedEscalation) => void): Promise<EscalationSink> {
    let sink: EscalationSink | undefined;
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        let body: Record<string, unknown> = {};
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        } catch {
          response.writeHead(400).end('invalid_payload');
          return;
        }
        const kind = request.url?.startsWith('/v2/enqueue') ? 'page' : 'chat';
        const escalation = { kind, body } as ReceivedEscalation;
        sink?.received.push(escalation);
        onReceive(escalation);
        if (kind === 'page') {
          response.writeHead(202, { 'content-type': 'application/json' });
          response.end(JSON.stringify({ status: 'success', message: 'Event processed', dedup_key: body.dedup_key }));
        } else {
          response.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    sink = new EscalationSink(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return sink;
  }

  get pagerDutyEventsUrl(): string {
    return `${this.baseUrl}/v2/enqueue`;
  }

  chatWebhookUrl(audience: string): string {
    return `${this.baseUrl}/services/demo/${encodeURIComponent(audience)}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}
