import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Flaws of the item store; each breaks the contract in test/fixtures/targets/contract-api/openapi.yaml. */
export interface ContractApiFlaws {
  /** GET /items/{id} returns the id as a string, which the Item schema types as integer. */
  stringIds?: boolean;
  /** POST /items answers 500 for names longer than 10 characters. */
  serverErrorOnLongNames?: boolean;
  /** Requests get no response at all. */
  hang?: boolean;
}

/** The item store of test/fixtures/targets/contract-api on 127.0.0.1, correct unless a flaw is switched on. */
export class ContractApiServer {
  private constructor(private readonly server: Server) {}

  static async start(flaws: ContractApiFlaws = {}): Promise<ContractApiServer> {
    const server = createServer((request, response) => void handle(flaws, request, response));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new ContractApiServer(server);
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function handle(flaws: ContractApiFlaws, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const body = await readBody(request);
  if (flaws.hang) return;
  const path = (request.url ?? '/').split('?')[0]!;
  const item = /^\/items\/([^/]+)$/.exec(path);
  if (item && request.method === 'GET') {
    const id = /^\d+$/.test(item[1]!) ? Number(item[1]) : NaN;
    if (!Number.isInteger(id) || id < 1 || id > 1000) return send(response, 400, { error: 'itemId must be 1 to 1000' });
    if (id > 500) return send(response, 404, { error: `item ${id} not found` });
    return send(response, 200, { id: flaws.stringIds ? String(id) : id, name: `item ${id}` });
  }
  if (path === '/items' && request.method === 'POST') {
    if (!(request.headers['content-type'] ?? '').startsWith('application/json')) {
      return send(response, 415, { error: 'send application/json' });
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return send(response, 400, { error: 'body is not JSON' });
    }
    const name = (parsed as { name?: unknown } | null)?.name;
    if (typeof name !== 'string' || name.length < 1 || name.length > 50) {
      return send(response, 400, { error: 'name must be a string of 1 to 50 characters' });
    }
    if (flaws.serverErrorOnLongNames && name.length > 10) return send(response, 500, { error: 'internal error' });
    return send(response, 201, { id: 1, name });
  }
  send(response, 404, { error: `no route for ${request.method} ${path}` });
}
