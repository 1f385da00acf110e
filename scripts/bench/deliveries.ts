import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { AlertmanagerPayload } from '../../src/webhook/alertmanager-payload';
import { alertNameFor } from '../../src/runbook/alert-rules';
import type { ServiceRunbook } from '../../src/runbook/schema';

/** One webhook POST of the benchmark: the alert of `service` for its incident number `incident`. */
export interface PlannedDelivery {
  index: number;
  serviceId: string;
  incident: number;
  /** Position inside the incident: 0 opens it, later ones repeat it as Alertmanager does. */
  repeat: number;
  startsAt: string;
  body: string;
}

/**
 * Orders the deliveries: incident k of every service in turn, each incident as `perIncident` back-to-back POSTs
 * with one startsAt. With concurrency C the POSTs of one incident are in flight together, and the next incident
 * of the same service comes `services * perIncident` POSTs later.
 */
export function planDeliveries(
  rows: ServiceRunbook[],
  requests: number,
  perIncident: number,
  template: AlertmanagerPayload,
  firstStartsAtMs: number,
): PlannedDelivery[] {
  const deliveries: PlannedDelivery[] = [];
  for (let incident = 0; deliveries.length < requests; incident += 1) {
    rows.forEach((row, serviceIndex) => {
      // One second apart per incident and service, so every startsAt in the plan is distinct.
      const startsAt = new Date(firstStartsAtMs + (incident * rows.length + serviceIndex) * 1000).toISOString();
      for (let repeat = 0; repeat < perIncident && deliveries.length < requests; repeat += 1) {
        const body = JSON.stringify(buildPayload(template, row, startsAt));
        deliveries.push({ index: deliveries.length, serviceId: row.id, incident, repeat, startsAt, body });
      }
    });
  }
  return deliveries;
}

/** Reads the Alertmanager v4 body the deliveries are modelled on. */
export function readPayloadTemplate(file: string): AlertmanagerPayload {
  return JSON.parse(readFileSync(file, 'utf8')) as AlertmanagerPayload;
}

/**
 * Builds a firing delivery for `row` from the template. The fingerprint is a hash of the labels, as in
 * Alertmanager, so every incident of a service carries the same fingerprint and only startsAt differs.
 */
export function buildPayload(
  template: AlertmanagerPayload,
  row: ServiceRunbook,
  startsAt: string,
): AlertmanagerPayload {
  const alertname = alertNameFor(row);
  const labels = { alertname, severity: 'page', ...row.alertLabels };
  const summary = `${row.name} breaches its SLO: ${row.slo.objective}`;
  const fingerprint = createHash('sha256').update(JSON.stringify(labels)).digest('hex').slice(0, 16);
  const alert = template.alerts[0];
  if (!alert) throw new Error('the payload template has no alert; use a firing Alertmanager v4 body');
  return {
    ...template,
    groupKey: `{}:{alertname="${alertname}"}`,
    status: 'firing',
    groupLabels: { alertname },
    commonLabels: labels,
    commonAnnotations: { summary },
    alerts: [{ ...alert, status: 'firing', labels, annotations: { summary }, startsAt, fingerprint }],
  };
}
