import type { RowActionActivities } from '../contracts';
import { PowerBiClient } from './powerbi-client';
import { refreshDataset } from './refresh-dataset';
import { waitForDatasetRefresh } from './wait-for-refresh';

export interface BiActivityOptions {
  /** Power BI REST API root without the version, https://api.powerbi.com for the public cloud. There is no default. */
  apiUrl: string;
  /**
   * Environment variable with a Microsoft Entra ID access token for the Power BI REST API (Dataset.ReadWrite.All).
   *
   * NOTE: Such tokens expire after about an hour and nothing here renews them. Whatever runs the worker must keep
   * `env[tokenEnv]` current, or the activities fail as Forbidden on HTTP 401.
   */
  tokenEnv: string;
  /** Environment that contains the token. */
  env: NodeJS.ProcessEnv;
  /** Maximum time in ms for one HTTP request. Default 10000. */
  fetchTimeoutMs?: number;
  /** Pause between refresh history reads while waiting, in ms. Default 5000. */
  pollIntervalMs?: number;
  /** Refresh history entries read per poll ($top). Default 20. */
  historySize?: number;
}

/** Creates the activities that refresh a Power BI dataset and wait for the refresh to finish. */
export function createBiActivities(
  options: BiActivityOptions,
): Pick<RowActionActivities, 'refreshDataset' | 'waitForDatasetRefresh'> {
  const client = new PowerBiClient({
    apiUrl: options.apiUrl,
    tokenEnv: options.tokenEnv,
    env: options.env,
    fetchTimeoutMs: options.fetchTimeoutMs ?? 10_000,
  });
  const historySize = options.historySize ?? 20;
  const pollIntervalMs = options.pollIntervalMs ?? 5000;
  return {
    refreshDataset: (request) => refreshDataset(client, historySize, request),
    waitForDatasetRefresh: (request) => waitForDatasetRefresh(client, { pollIntervalMs, historySize }, request),
  };
}
