import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { GateFailureType } from '../failure-types';
import { readAlerts } from './alerts';
import type { ZapConnection } from './client';
import { runScan } from './scan';
import type { ZapGateActivities } from './types';

export type * from './types';

export interface ZapGateOptions {
  /** Base URL of the ZAP API, such as http://127.0.0.1:8090. There is no default. */
  baseUrl: string;
  /** Environment variable that contains the ZAP API key (the daemon's `api.key`). */
  apiKeyEnv: string;
  /** Environment that contains `apiKeyEnv`. */
  env: NodeJS.ProcessEnv;
  /** Pause between progress reads of a running scan, in milliseconds. Default 5000. */
  pollIntervalMs?: number;
  /** Maximum time in ms for one HTTP request. Default 30000, because ZAP responds slowly while it scans. */
  fetchTimeoutMs?: number;
}

function connectionFor(options: ZapGateOptions): ZapConnection {
  const apiKey = options.env[options.apiKeyEnv];
  if (!apiKey) {
    throw ApplicationFailure.nonRetryable(
      `environment variable ${options.apiKeyEnv} is unset or empty; set it to the API key of the ZAP daemon`,
      GateFailureType.MissingSecret,
    );
  }
  return {
    baseUrl: options.baseUrl,
    apiKey,
    apiKeyEnv: options.apiKeyEnv,
    fetchTimeoutMs: options.fetchTimeoutMs ?? 30_000,
    signal: Context.current().cancellationSignal,
  };
}

/** Creates the activities of the DAST gate, bound to one ZAP daemon: spider, active scan and alerts. */
export function createZapGateActivities(options: ZapGateOptions): ZapGateActivities {
  const pollIntervalMs = options.pollIntervalMs ?? 5_000;
  return {
    async runZapSpider(request) {
      return runScan(connectionFor(options), {
        kind: 'spider',
        targetUrl: request.targetUrl,
        startParams: {
          maxChildren: request.maxChildren === undefined ? undefined : String(request.maxChildren),
          recurse: 'true',
          contextName: request.contextName,
        },
        pollIntervalMs,
      });
    },
    async runZapActiveScan(request) {
      return runScan(connectionFor(options), {
        kind: 'ascan',
        targetUrl: request.targetUrl,
        startParams: { recurse: 'true', scanPolicyName: request.scanPolicyName, contextId: request.contextId },
        pollIntervalMs,
      });
    },
    async readZapAlerts({ targetUrl }) {
      return readAlerts(connectionFor(options), targetUrl);
    },
  };
}
