import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { formatPrometheusDuration } from '../runbook/duration';
import { findFreePort } from './free-port';
import { ManagedProcess } from './managed-process';
import { requireExecutable } from './prometheus';

/** Binary of Debian's `prometheus-alertmanager` package (0.25 in bookworm); `ALERTMANAGER_PATH` overrides it. */
export const DEFAULT_ALERTMANAGER_BINARY = '/usr/bin/prometheus-alertmanager';

/** Name of the only receiver in the generated config. */
export const WEBHOOK_RECEIVER = 'remediation-webhook';

export interface AlertmanagerOptions {
  /** Folder for the generated alertmanager.yml, the silences and notification log, and the log file. */
  stateDir: string;
  /** URL that receives every alert group as a webhook POST (payload version 4). */
  webhookUrl: string;
  /** Labels that split alerts into groups, one webhook POST per group. Default `['alertname']`. */
  groupBy?: string[];
  /** Time in ms a new group waits for more alerts before its first POST. Default 30000. */
  groupWaitMs?: number;
  /** Time in ms before a group that gained or resolved alerts is sent again. Default 300000. */
  groupIntervalMs?: number;
  /** Time in ms before an unchanged firing group is sent again. Default 14400000 (4h). */
  repeatIntervalMs?: number;
  /** Fixed HTTP port on 127.0.0.1; a free one is chosen when unset. */
  port?: number;
  /** Path of the alertmanager binary; default `ALERTMANAGER_PATH` or DEFAULT_ALERTMANAGER_BINARY. */
  binary?: string;
}

/** Builds alertmanager.yml: one route to one webhook receiver that also sends resolved notifications. */
export function renderAlertmanagerConfig(options: AlertmanagerOptions): string {
  const config = {
    route: {
      receiver: WEBHOOK_RECEIVER,
      group_by: options.groupBy ?? ['alertname'],
      group_wait: formatPrometheusDuration(options.groupWaitMs ?? 30_000),
      group_interval: formatPrometheusDuration(options.groupIntervalMs ?? 300_000),
      repeat_interval: formatPrometheusDuration(options.repeatIntervalMs ?? 14_400_000),
    },
    receivers: [{ name: WEBHOOK_RECEIVER, webhook_configs: [{ url: options.webhookUrl, send_resolved: true }] }],
  };
  return stringify(config, { lineWidth: 0 });
}

/** A single-node Alertmanager on 127.0.0.1 with a generated config, for tests and local runs. */
export class AlertmanagerServer {
  private constructor(
    private readonly process: ManagedProcess,
    /** Base URL of the API and UI, such as http://127.0.0.1:41235. */
    readonly baseUrl: string,
    /** host:port, the form Prometheus's alerting config takes. */
    readonly address: string,
  ) {}

  /** Writes the config, starts Alertmanager and resolves once `/-/ready` returns 200. */
  static async start(options: AlertmanagerOptions): Promise<AlertmanagerServer> {
    const binary = requireExecutable(
      options.binary ?? process.env.ALERTMANAGER_PATH ?? DEFAULT_ALERTMANAGER_BINARY,
      'install Debian package prometheus-alertmanager, or set ALERTMANAGER_PATH to an alertmanager binary',
    );
    mkdirSync(options.stateDir, { recursive: true });
    const configFile = join(options.stateDir, 'alertmanager.yml');
    writeFileSync(configFile, renderAlertmanagerConfig(options));
    const port = options.port ?? (await findFreePort());
    const address = `127.0.0.1:${port}`;
    const server = ManagedProcess.start({
      name: 'alertmanager',
      command: binary,
      args: [
        `--config.file=${configFile}`,
        `--storage.path=${join(options.stateDir, 'alertmanager-data')}`,
        `--web.listen-address=${address}`,
        // An empty address turns off the gossip cluster, which would otherwise bind 0.0.0.0:9094.
        '--cluster.listen-address=',
        '--log.level=warn',
      ],
      logFile: join(options.stateDir, 'alertmanager.log'),
    });
    try {
      await server.waitForHttp(`http://${address}/-/ready`, 30_000);
    } catch (error) {
      await server.stop();
      throw error;
    }
    return new AlertmanagerServer(server, `http://${address}`, address);
  }

  async stop(): Promise<void> {
    await this.process.stop();
  }
}
