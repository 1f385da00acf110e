import { accessSync, constants, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { formatPrometheusDuration } from '../runbook/duration';
import { findFreePort } from './free-port';
import { ManagedProcess } from './managed-process';

/** Binary of Debian's `prometheus` package (2.42 in bookworm); `PROMETHEUS_PATH` overrides it. */
export const DEFAULT_PROMETHEUS_BINARY = '/usr/bin/prometheus';

export interface PrometheusServerOptions {
  /** Folder for the generated prometheus.yml, the TSDB and the log; one server per folder. */
  stateDir: string;
  /** Targets scraped at /metrics, as host:port. */
  scrapeTargets: string[];
  /** Job name of the scrape targets, which becomes their `job` label. Default `slo-services`. */
  jobName?: string;
  /** Scrape interval in ms. Default 15000. */
  scrapeIntervalMs?: number;
  /** Rule evaluation interval in ms. Default 15000. */
  evaluationIntervalMs?: number;
  /** Rule files to load; relative paths resolve against the current directory. */
  ruleFiles?: string[];
  /** Alertmanagers that receive firing alerts, as host:port. */
  alertmanagerTargets?: string[];
  /** Fixed HTTP port on 127.0.0.1; a free one is chosen when unset. */
  port?: number;
  /** Path of the prometheus binary; default `PROMETHEUS_PATH` or DEFAULT_PROMETHEUS_BINARY. */
  binary?: string;
}

/** Prometheus rejects a config whose scrape timeout exceeds its scrape interval, and defaults the timeout to 10s. */
const MAX_SCRAPE_TIMEOUT_MS = 10_000;

/** Builds prometheus.yml for the options. */
export function renderPrometheusConfig(options: PrometheusServerOptions): string {
  const scrapeIntervalMs = options.scrapeIntervalMs ?? 15_000;
  const config: Record<string, unknown> = {
    global: {
      scrape_interval: formatPrometheusDuration(scrapeIntervalMs),
      scrape_timeout: formatPrometheusDuration(Math.min(scrapeIntervalMs, MAX_SCRAPE_TIMEOUT_MS)),
      evaluation_interval: formatPrometheusDuration(options.evaluationIntervalMs ?? 15_000),
    },
    rule_files: (options.ruleFiles ?? []).map((file) => resolve(file)),
    scrape_configs: [
      { job_name: options.jobName ?? 'slo-services', static_configs: [{ targets: options.scrapeTargets }] },
    ],
  };
  if (options.alertmanagerTargets && options.alertmanagerTargets.length > 0) {
    config.alerting = { alertmanagers: [{ static_configs: [{ targets: options.alertmanagerTargets }] }] };
  }
  return stringify(config, { lineWidth: 0 });
}

/** Returns `path` when it is an executable file, and throws an error naming the package to install otherwise. */
export function requireExecutable(path: string, installHint: string): string {
  try {
    accessSync(path, constants.X_OK);
    return path;
  } catch {
    throw new Error(`${path} is not an executable file: ${installHint}`);
  }
}

/** A Prometheus server on 127.0.0.1 with a generated config, for tests and local runs. */
export class PrometheusServer {
  private constructor(
    private readonly process: ManagedProcess,
    /** Base URL of the HTTP API and UI, such as http://127.0.0.1:41234. */
    readonly baseUrl: string,
    /** Path of the generated prometheus.yml. */
    readonly configFile: string,
  ) {}

  /** Writes the config, starts Prometheus and resolves once `/-/ready` returns 200. */
  static async start(options: PrometheusServerOptions): Promise<PrometheusServer> {
    const binary = requireExecutable(
      options.binary ?? process.env.PROMETHEUS_PATH ?? DEFAULT_PROMETHEUS_BINARY,
      'install Debian package prometheus, or set PROMETHEUS_PATH to a prometheus binary',
    );
    mkdirSync(options.stateDir, { recursive: true });
    const configFile = join(options.stateDir, 'prometheus.yml');
    writeFileSync(configFile, renderPrometheusConfig(options));
    const port = options.port ?? (await findFreePort());
    const server = ManagedProcess.start({
      name: 'prometheus',
      command: binary,
      args: [
        `--config.file=${configFile}`,
        `--storage.tsdb.path=${join(options.stateDir, 'prometheus-data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--log.level=warn',
      ],
      logFile: join(options.stateDir, 'prometheus.log'),
    });
    const baseUrl = `http://127.0.0.1:${port}`;
    try {
      await server.waitForHttp(`${baseUrl}/-/ready`, 30_000);
    } catch (error) {
      await server.stop();
      throw error;
    }
    return new PrometheusServer(server, baseUrl, configFile);
  }

  async stop(): Promise<void> {
    await this.process.stop();
  }
}
