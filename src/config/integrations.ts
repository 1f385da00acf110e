import type { Runbook } from '../runbook/schema';
import type { WorkerEnv } from './env';

/** Environment variables that hold the Airflow and Power BI credentials; the runbook does not name these. */
export const AIRFLOW_USERNAME_ENV = 'AIRFLOW_USERNAME';
export const AIRFLOW_PASSWORD_ENV = 'AIRFLOW_PASSWORD';
export const POWERBI_TOKEN_ENV = 'POWERBI_TOKEN';

/**
 * Lists the settings the runbook's rows need but the environment lacks, such as AIRFLOW_URL for a row with an
 * Airflow indicator, each with the reason.
 */
export function findMissingIntegrations(runbook: Runbook, env: WorkerEnv, secrets: NodeJS.ProcessEnv): string[] {
  const missing: string[] = [];
  const rows = runbook.services;
  const airflowRows = rows.filter((row) => row.slo.indicator.type === 'airflow-dag-run').map((row) => row.id);
  const biRows = rows
    .filter((row) => row.actions.some((action) => action.type === 'bi.refresh-dataset'))
    .map((row) => row.id);
  const ticketRows = rows.filter((row) => row.escalation.ticket).map((row) => row.id);
  if (airflowRows.length > 0) {
    const reason = `Airflow, used by ${airflowRows.join(', ')}`;
    if (!env.AIRFLOW_URL) missing.push(`AIRFLOW_URL (${reason})`);
    if (!secrets[AIRFLOW_USERNAME_ENV]?.trim()) missing.push(`${AIRFLOW_USERNAME_ENV} (${reason})`);
    if (!secrets[AIRFLOW_PASSWORD_ENV]?.trim()) missing.push(`${AIRFLOW_PASSWORD_ENV} (${reason})`);
  }
  if (biRows.length > 0) {
    const reason = `Power BI, used by ${biRows.join(', ')}`;
    if (!env.POWERBI_API_URL) missing.push(`POWERBI_API_URL (${reason})`);
    if (!secrets[POWERBI_TOKEN_ENV]?.trim()) missing.push(`${POWERBI_TOKEN_ENV} (${reason})`);
  }
  if (ticketRows.length > 0 && !env.GITHUB_API_URL) {
    missing.push(
      `GITHUB_API_URL (incident tickets of ${ticketRows.join(', ')}; https://api.github.com for github.com)`,
    );
  }
  return missing;
}
