import { Context } from '@temporalio/activity';
import { callZap, type ZapConnection } from './client';
import { alertsResponseSchema, type RawZapAlert } from './schemas';
import type { AlertsResult, ZapAlert, ZapRisk } from './types';

/** Alerts per page of `core/view/alerts`. */
export const ALERT_PAGE_SIZE = 500;

/**
 * Alerts kept in the result. The verdict travels through workflow histories, where payloads above about 2 MB
 * fail; the counts still cover every alert.
 */
export const MAX_REPORTED_ALERTS = 200;

const RISK_CODES: Record<ZapRisk, ZapAlert['riskCode']> = { Informational: 0, Low: 1, Medium: 2, High: 3 };

function toAlert(raw: RawZapAlert): ZapAlert {
  return {
    pluginId: raw.pluginId,
    name: raw.name ?? raw.alert ?? `ZAP rule ${raw.pluginId}`,
    risk: raw.risk,
    riskCode: RISK_CODES[raw.risk],
    confidence: raw.confidence,
    url: raw.url,
    method: raw.method || undefined,
    param: raw.param || undefined,
    cweId: raw.cweid && raw.cweid !== '-1' && raw.cweid !== '0' ? raw.cweid : undefined,
    evidence: raw.evidence ? raw.evidence.slice(0, 200) : undefined,
  };
}

async function readPage(connection: ZapConnection, targetUrl: string, start: number): Promise<RawZapAlert[]> {
  const response = await callZap(
    connection,
    'core/view/alerts',
    { baseurl: targetUrl, start: String(start), count: String(ALERT_PAGE_SIZE) },
    alertsResponseSchema,
    `read the alerts of ${targetUrl} from ${start}`,
  );
  return response.alerts;
}

/**
 * Reads every alert ZAP raised under `targetUrl`, page by page with `start` and `count` until a page comes back
 * short. Alerts marked False Positive are counted apart and left out.
 */
export async function readAlerts(connection: ZapConnection, targetUrl: string): Promise<AlertsResult> {
  const counts: Record<ZapRisk, number> = { Informational: 0, Low: 0, Medium: 0, High: 0 };
  const reported: ZapAlert[] = [];
  let falsePositives = 0;
  for (let start = 0; ; start += ALERT_PAGE_SIZE) {
    const page = await readPage(connection, targetUrl, start);
    for (const raw of page) {
      if (raw.confidence === 'False Positive') {
        falsePositives += 1;
        continue;
      }
      counts[raw.risk] += 1;
      if (raw.risk !== 'Informational') reported.push(toAlert(raw));
    }
    Context.current().heartbeat({ start });
    if (page.length < ALERT_PAGE_SIZE) break;
  }
  const alerts = reported.sort((a, b) => b.riskCode - a.riskCode).slice(0, MAX_REPORTED_ALERTS);
  return { counts, falsePositives, alerts };
}
