/** Task queue of the remediation workers. */
export const REMEDIATION_TASK_QUEUE = 'slo-remediation';

/**
 * Workflow id of a service's remediation: one open run per service, so repeated alerts join it. An incident key,
 * such as an Airflow DAG run id, gives each of several concurrent incidents of one service a run of its own.
 */
export function remediationWorkflowId(serviceId: string, incidentKey?: string): string {
  return incidentKey === undefined ? `slo-remediation-${serviceId}` : `slo-remediation-${serviceId}-${incidentKey}`;
}

/** Incident id from the service and the alert's start, such as `genai-api-20261204T101500Z`. */
export function incidentIdFor(serviceId: string, alertStartsAt: string): string {
  const stamp = new Date(alertStartsAt)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `${serviceId}-${stamp}`;
}
