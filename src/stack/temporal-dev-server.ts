import { join } from 'node:path';
import { CUSTOM_SEARCH_ATTRIBUTES } from '../workflows/search-attributes';
import { findFreePort } from './free-port';
import { ManagedProcess } from './managed-process';
import { findTemporalCli } from './temporal-binary';

export interface TemporalDevServerOptions {
  /** Folder for the server's log file and, when `persist` is set, its SQLite file. */
  stateDir: string;
  /** Serve the Web UI; tests leave it off to save memory and time. */
  ui?: boolean;
  /** Keep history in `stateDir/temporal.db` across restarts instead of in memory. */
  persist?: boolean;
  /** Fixed gRPC port; a free one is chosen when unset. */
  port?: number;
  /** Fixed Web UI port; a free one is chosen when unset. */
  uiPort?: number;
}

/** A `temporal server start-dev` process on 127.0.0.1 with this product's search attributes registered. */
export class TemporalDevServer {
  private constructor(
    private readonly stopServer: () => Promise<void>,
    /** gRPC address for clients and workers, host:port. */
    readonly address: string,
    /** Web UI base URL, or undefined when the UI is off. */
    readonly webUiUrl: string | undefined,
  ) {}

  static async start(options: TemporalDevServerOptions): Promise<TemporalDevServer> {
    const cli = findTemporalCli();
    if (!cli) {
      throw new Error(
        'Temporal CLI not found: run scripts/install-temporal.sh, or set TEMPORAL_CLI_PATH to a temporal binary',
      );
    }
    const port = options.port ?? (await findFreePort());
    const httpPort = await findFreePort();
    const metricsPort = await findFreePort();
    const uiPort = options.uiPort ?? (await findFreePort());
    const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--http-port', String(httpPort)];
    args.push('--metrics-port', String(metricsPort), '--log-level', 'warn', '--namespace', 'default');
    if (options.ui) args.push('--ui-ip', '127.0.0.1', '--ui-port', String(uiPort));
    else args.push('--headless');
    if (options.persist) args.push('--db-filename', join(options.stateDir, 'temporal.db'));
    for (const key of CUSTOM_SEARCH_ATTRIBUTES) args.push('--search-attribute', `${key.name}=Keyword`);

    const server = ManagedProcess.start({
      name: 'temporal dev server',
      command: cli,
      args,
      logFile: join(options.stateDir, 'temporal.log'),
    });
    try {
      await server.waitForHttp(`http://127.0.0.1:${httpPort}/api/v1/namespaces/default`, 60_000);
      if (options.ui) await server.waitForHttp(`http://127.0.0.1:${uiPort}/`, 30_000);
    } catch (error) {
      await server.stop();
      throw error;
    }
    const webUiUrl = options.ui ? `http://127.0.0.1:${uiPort}` : undefined;
    return new TemporalDevServer(() => server.stop(), `127.0.0.1:${port}`, webUiUrl);
  }

  /**
   * Falls back to the SDK's own download of the CLI, for machines with internet access but no Go toolchain.
   * Machines that reach only package registries cannot download it and get the install hint instead.
   */
  private static async startDownloaded(options: TemporalDevServerOptions): Promise<TemporalDevServer> {
    const { TestWorkflowEnvironment } = await import('@temporalio/testing');
    const uiPort = options.uiPort ?? (await findFreePort());
    try {
      const environment = await TestWorkflowEnvironment.createLocal({
        server: {
          ip: '127.0.0.1',
          port: options.port,
          ui: options.ui ?? false,
          uiPort,
          dbFilename: options.persist ? join(options.stateDir, 'temporal.db') : undefined,
          searchAttributes: CUSTOM_SEARCH_ATTRIBUTES,
        },
      });
      const webUiUrl = options.ui ? `http://127.0.0.1:${uiPort}` : undefined;
      return new TemporalDevServer(() => environment.teardown(), environment.address, webUiUrl);
    } catch (error) {
      throw new Error(
        `Temporal CLI not found and its download failed (${(error as Error).message}); ` +
          'run scripts/install-temporal.sh (needs Go), or set TEMPORAL_CLI_PATH to a temporal binary',
      );
    }
  }

  async stop(): Promise<void> {
    await this.stopServer();
  }
}
