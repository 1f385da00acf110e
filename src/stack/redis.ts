import { mkdirSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { findFreePort } from './free-port';
import { ManagedProcess } from './managed-process';
import { requireExecutable } from './prometheus';

/** Binary of Debian's `redis-server` package (7.0 in bookworm). `REDIS_SERVER_PATH` overrides it. */
export const DEFAULT_REDIS_SERVER_BINARY = '/usr/bin/redis-server';

export interface RedisServerOptions {
  /** Folder for the log and Redis's working directory, one server per folder. */
  stateDir: string;
  /** Fixed port on 127.0.0.1, or a free one when unset. */
  port?: number;
  /** Password clients must send (`requirepass`), or none when unset. */
  password?: string;
  /** Path of the redis-server binary. Default `REDIS_SERVER_PATH` or DEFAULT_REDIS_SERVER_BINARY. */
  binary?: string;
}

/** Sends PING over a plain socket and resolves with the first reply line, such as `+PONG` or `-NOAUTH …`. */
function ping(port: number, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    let reply = '';
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`no reply to PING within ${timeoutMs} ms`)));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString('utf8');
      if (reply.includes('\r\n')) {
        socket.end();
        resolve(reply.split('\r\n')[0]!);
      }
    });
    socket.on('error', reject);
  });
}

/**
 * A Redis server on 127.0.0.1 for tests and local runs. It keeps data in memory only (`--save ''`,
 * `--appendonly no`), so a restart starts empty and nothing is written to disk.
 */
export class RedisServer {
  private constructor(
    private readonly process: ManagedProcess,
    readonly port: number,
    private readonly password: string | undefined,
  ) {}

  /** Starts redis-server and resolves once it replies to PING. */
  static async start(options: RedisServerOptions): Promise<RedisServer> {
    const binary = requireExecutable(
      options.binary ?? process.env.REDIS_SERVER_PATH ?? DEFAULT_REDIS_SERVER_BINARY,
      'install Debian package redis-server (scripts/install-system-packages.sh), or set REDIS_SERVER_PATH',
    );
    mkdirSync(options.stateDir, { recursive: true });
    const port = options.port ?? (await findFreePort());
    const args = ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no'];
    args.push('--dir', options.stateDir, '--daemonize', 'no', '--loglevel', 'warning');
    if (options.password !== undefined) args.push('--requirepass', options.password);
    const server = ManagedProcess.start({
      name: 'redis-server',
      command: binary,
      args,
      logFile: join(options.stateDir, 'redis-server.log'),
    });
    const redis = new RedisServer(server, port, options.password);
    try {
      await redis.waitForPing(server, 15_000);
    } catch (error) {
      await server.stop();
      throw error;
    }
    return redis;
  }

  /** URL for clients, with the password when the server has one. */
  get url(): string {
    const auth = this.password === undefined ? '' : `:${encodeURIComponent(this.password)}@`;
    return `redis://${auth}127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    await this.process.stop();
  }

  /** Polls with PING until the server replies. A NOAUTH error reply also means it is ready. */
  private async waitForPing(server: ManagedProcess, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let lastError = 'no reply yet';
    while (Date.now() < deadline) {
      if (server.exited) {
        throw new Error(`redis-server exited before it replied to PING; see ${server.options.logFile}`);
      }
      try {
        const reply = await ping(this.port, 2000);
        if (reply === '+PONG' || reply.startsWith('-NOAUTH')) return;
        lastError = reply;
      } catch (error) {
        lastError = (error as Error).message;
      }
      await delay(100);
    }
    throw new Error(
      `redis-server on port ${this.port} did not reply to PING within ${timeoutMs} ms (${lastError}); ` +
        `see ${server.options.logFile}`,
    );
  }
}
