import type { AlertsResult, ZapAlert } from '../../activities/gates/zap/types';
import type { Finding, GateVerdict, Severity } from '../../gates/contracts';
import { plural } from './verdict-helpers';

const SEVERITIES: Record<ZapAlert['risk'], Severity> = {
  High: 'high',
  Medium: 'medium',
  Low: 'low',
  Informational: 'info',
};

function alertFinding(alert: ZapAlert): Finding {
  const request = alert.method ? `${alert.method} ${alert.url}` : alert.url;
  const details = [`risk ${alert.risk}`, `confidence ${alert.confidence}`];
  if (alert.cweId) details.push(`CWE-${alert.cweId}`);
  if (alert.evidence) details.push(`evidence: ${alert.evidence}`);
  return {
    gate: 'dast',
    severity: SEVERITIES[alert.risk],
    title: alert.name,
    location: alert.param ? `${request} (parameter ${alert.param})` : request,
    detail: details.join('; '),
    ruleId: alert.pluginId,
  };
}

/**
 * Decides the DAST gate: any Medium or High risk alert (riskcode 2 or 3) blocks. Low alerts are listed as
 * findings without blocking; Informational ones and false positives are only counted.
 */
export function dastVerdict(targetUrl: string, alerts: AlertsResult, durationMs: number): GateVerdict {
  const { High: high, Medium: medium, Low: low, Informational: informational } = alerts.counts;
  const blocking = high + medium;
  const listed = alerts.alerts.length < high + medium + low ? `, first ${alerts.alerts.length} listed` : '';
  const others = `${low} Low, ${informational} Informational, ${plural(alerts.falsePositives, 'false positive')}`;
  const summary =
    blocking > 0
      ? `ZAP found ${high} High and ${medium} Medium risk alerts on ${targetUrl} (${others}${listed})`
      : `ZAP found no Medium or High risk alerts on ${targetUrl} (${others}${listed})`;
  return {
    gate: 'dast',
    status: blocking > 0 ? 'block' : 'pass',
    summary,
    findings: alerts.alerts.map(alertFinding),
    durationMs,
  };
}
