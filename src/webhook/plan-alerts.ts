import type { Runbook, ServiceRunbook } from '../runbook/schema';
import { findServiceForLabels } from '../runbook/load';
import type { AlertRef } from '../workflows/remediation/types';
import type { AlertmanagerAlert, AlertmanagerPayload } from './alertmanager-payload';

/** Temporal calls one webhook delivery needs: a start or signal per firing service, a signal per resolved one. */
export interface AlertPlan {
  firing: { service: ServiceRunbook; alert: AlertRef }[];
  resolved: { service: ServiceRunbook; fingerprint: string; endsAt: string }[];
}

/** An alert this receiver cannot route; the whole delivery is rejected so nothing starts half-way. */
export class UnroutableAlertError extends Error {
  override name = 'UnroutableAlertError';
}

function toAlertRef(alert: AlertmanagerAlert): AlertRef {
  return {
    fingerprint: alert.fingerprint,
    startsAt: alert.startsAt,
    labels: alert.labels,
    annotations: alert.annotations,
    generatorURL: alert.generatorURL || undefined,
  };
}

function routeAlert(runbook: Runbook, alert: AlertmanagerAlert, index: number): ServiceRunbook {
  const service = findServiceForLabels(runbook, alert.labels);
  if (service && service.trigger.source !== 'prometheus-alert') {
    // Watchdog rows raise their own alerts with the run ids detection needs; an Alertmanager alert has none.
    throw new UnroutableAlertError(
      `alerts[${index}] (fingerprint ${alert.fingerprint}) matches runbook service ${service.id}, whose alerts come ` +
        `from its ${service.trigger.source}, not from Alertmanager; remove the route to this receiver`,
    );
  }
  if (service) return service;
  const known = runbook.services.map((row) => JSON.stringify(row.alertLabels)).join(', ');
  throw new UnroutableAlertError(
    `alerts[${index}] (fingerprint ${alert.fingerprint}, labels ${JSON.stringify(alert.labels).slice(0, 300)}) matches no runbook ` +
      `service; add labels that match one of ${known}, or add a row to the runbook`,
  );
}

/**
 * Maps every alert of a delivery to its runbook row. Several firing alerts of one service collapse into one
 * entry, the earliest, because one incident of a service is one run.
 */
export function planAlerts(runbook: Runbook, payload: AlertmanagerPayload): AlertPlan {
  const firing = new Map<string, { service: ServiceRunbook; alert: AlertRef }>();
  const resolved = new Map<string, { service: ServiceRunbook; fingerprint: string; endsAt: string }>();
  payload.alerts.forEach((alert, index) => {
    const service = routeAlert(runbook, alert, index);
    if (alert.status === 'firing') {
      const existing = firing.get(service.id);
      if (!existing || Date.parse(alert.startsAt) < Date.parse(existing.alert.startsAt))
        firing.set(service.id, { service, alert: toAlertRef(alert) });
    } else {
      resolved.set(service.id, { service, fingerprint: alert.fingerprint, endsAt: alert.endsAt });
    }
  });
  for (const serviceId of firing.keys()) resolved.delete(serviceId);
  return { firing: [...firing.values()], resolved: [...resolved.values()] };
}
