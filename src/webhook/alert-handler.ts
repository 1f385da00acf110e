import type { Logger } from 'pino';
import type { Runbook } from '../runbook/schema';
import { alertmanagerPayloadSchema } from './alertmanager-payload';
import { RequestRejection } from './http-errors';
import type { WebhookMetrics } from './metrics';
import { planAlerts, UnroutableAlertError } from './plan-alerts';
import { signalAlertResolved, startOrSignalRemediation, type DispatchOptions } from './temporal-dispatch';

export interface AlertHandlerDeps extends DispatchOptions {
  runbook: Runbook;
  logger: Logger;
  metrics: WebhookMetrics;
}

export interface AlertHandlerResult {
  runs: { service: string; workflowId: string; runId: string }[];
  resolved: { service: string; signaled: boolean }[];
}

function formatZodIssues(issues: { path: PropertyKey[]; message: string }[]): string {
  return issues.map((issue) => `${issue.path.map(String).join('.') || '(body)'}: ${issue.message}`).join('; ');
}

/**
 * Validates an Alertmanager delivery, routes every alert to its runbook row, then starts or signals the runs.
 * Validation and routing finish before the first Temporal call, so an invalid delivery starts nothing.
 */
export async function handleAlertmanagerDelivery(deps: AlertHandlerDeps, body: unknown): Promise<AlertHandlerResult> {
  const parsed = alertmanagerPayloadSchema.safeParse(body);
  if (!parsed.success) {
    throw new RequestRejection(
      422,
      'invalid_payload',
      `invalid Alertmanager payload: ${formatZodIssues(parsed.error.issues)}`,
    );
  }
  const payload = parsed.data;
  let plan;
  try {
    plan = planAlerts(deps.runbook, payload);
  } catch (error) {
    if (error instanceof UnroutableAlertError) throw new RequestRejection(422, 'unknown_service', error.message);
    throw error;
  }
  if (payload.truncatedAlerts > 0) {
    deps.logger.warn(
      { groupKey: payload.groupKey, truncatedAlerts: payload.truncatedAlerts },
      'Alertmanager truncated the alert list',
    );
  }

  const runs = await Promise.all(
    plan.firing.map(async ({ service, alert }) => {
      const run = await startOrSignalRemediation(deps, service, alert);
      deps.metrics.workflowRequests.inc({ kind: 'signal_with_start', service: service.id });
      deps.logger.info(
        { service: service.id, fingerprint: alert.fingerprint, ...run },
        'Remediation run started or signaled',
      );
      return { service: service.id, ...run };
    }),
  );
  const resolved = await Promise.all(
    plan.resolved.map(async ({ service, fingerprint, endsAt }) => {
      const signaled = await signalAlertResolved(deps, service, fingerprint, endsAt);
      deps.metrics.workflowRequests.inc({ kind: 'signal_resolved', service: service.id });
      deps.logger.info(
        { service: service.id, fingerprint, signaled },
        signaled ? 'Run told the alert resolved' : 'Resolved alert has no open run',
      );
      return { service: service.id, signaled };
    }),
  );
  return { runs, resolved };
}
