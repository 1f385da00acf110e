import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TemporalDevServer } from '../../src/stack/temporal-dev-server';

export interface SharedTemporal {
  server: TemporalDevServer;
  client: Client;
  nativeConnection: NativeConnection;
}

// Worker logs of expected failures would bury mocha's report; TEST_LOG_LEVEL=INFO shows them.
Runtime.install({ logger: new DefaultLogger((process.env.TEST_LOG_LEVEL as 'INFO' | undefined) ?? 'ERROR') });

let shared: Promise<SharedTemporal> | undefined;

/**
 * Starts one Temporal dev server for the whole test process on first use. Starting a server per test file
 * costs seconds on a 2-core machine, and runs are isolated by their workflow ids anyway.
 */
export function sharedTemporal(): Promise<SharedTemporal> {
  shared ??= (async () => {
    const server = await TemporalDevServer.start({ stateDir: mkdtempSync(join(tmpdir(), 'slo-temporal-')) });
    const connection = await Connection.connect({ address: server.address });
    const nativeConnection = await NativeConnection.connect({ address: server.address });
    return { server, client: new Client({ connection }), nativeConnection };
  })();
  return shared;
}

export const mochaHooks = {
  async afterAll(this: Mocha.Context) {
    this.timeout(30_000);
    if (!shared) return;
    const { server, client, nativeConnection } = await shared;
    await client.connection.close();
    await nativeConnection.close();
    await server.stop();
  },
};
