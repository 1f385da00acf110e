import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { ServiceRunbook } from '../runbook/schema';
import { incidentIdFor, remediationWorkflowId } from '../workflows/remediation/ids';
import { alertFiringSignal, alertResolvedSignal } from '../workflows/remediation/messages';
import type { AlertRef, RemediationInput } from '../workflows/remediation/types';
import { SLO_SERVICE } from '../workflows/search-attributes';
import { remediationSaga } from '../workflows';

export interface DispatchOptions {
  client: Client;
  taskQueue: string;
  webUiBaseUrl: string;
}

/**
 * Starts the service's remediation run, or signals it when one is already open: signal-with-start on the
 * service's workflow id makes duplicate deliveries join the open run. With an `incidentKey`, the run is the
 * incident's own and the id is never reused, so a watchdog that reports the same incident twice starts it once.
 */
export async function startOrSignalRemediation(
  options: DispatchOptions,
  service: ServiceRunbook,
  alert: AlertRef,
  incidentKey?: string,
): Promise<{ workflowId: string; runId: string }> {
  const workflowId = remediationWorkflowId(service.id, incidentKey);
  const input: RemediationInput = {
    incidentId: incidentIdFor(service.id, alert.startsAt),
    service,
    alert,
    webUiBaseUrl: options.webUiBaseUrl,
  };
  const handle = await options.client.workflow.signalWithStart(remediationSaga, {
    workflowId,
    taskQueue: options.taskQueue,
    args: [input],
    signal: alertFiringSignal,
    signalArgs: [alert],
    typedSearchAttributes: [{ key: SLO_SERVICE, value: service.id }],
    staticSummary: `${service.name}: ${service.slo.objective} breached (incident ${input.incidentId})`,
    staticDetails: `Alert ${alert.fingerprint} firing since ${alert.startsAt}. Labels: ${JSON.stringify(alert.labels)}`,
    workflowIdReusePolicy: incidentKey === undefined ? 'ALLOW_DUPLICATE' : 'REJECT_DUPLICATE',
  });
  return { workflowId, runId: handle.signaledRunId };
}

/** Tells the service's open run that its alert resolved; returns false when no run is open. */
export async function signalAlertResolved(
  options: DispatchOptions,
  service: ServiceRunbook,
  fingerprint: string,
  endsAt: string,
): Promise<boolean> {
  const handle = options.client.workflow.getHandle(remediationWorkflowId(service.id));
  try {
    await handle.signal(alertResolvedSignal, { fingerprint, endsAt });
    return true;
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return false;
    throw error;
  }
}
