// Requests and results of the OWASP ZAP activities. Types only, so the DAST gate workflow can import them.

export interface SpiderRequest {
  /** URL to crawl, such as http://127.0.0.1:8080 for a staging service. */
  targetUrl: string;
  /** Maximum children the spider visits per node; 0 or absent means no limit. */
  maxChildren?: number;
  /** ZAP context that scopes the crawl, such as one with authentication. */
  contextName?: string;
}

export interface ActiveScanRequest {
  targetUrl: string;
  /** Scan policy defined in ZAP; ZAP's default policy when absent. */
  scanPolicyName?: string;
  /** ZAP context id that scopes the scan. */
  contextId?: string;
}

export interface ScanResult {
  scanId: string;
}

export type ZapRisk = 'Informational' | 'Low' | 'Medium' | 'High';

export interface ZapAlert {
  pluginId: string;
  name: string;
  risk: ZapRisk;
  /** 0 Informational, 1 Low, 2 Medium, 3 High: the riskcode of ZAP's reports. */
  riskCode: 0 | 1 | 2 | 3;
  confidence: string;
  url: string;
  method?: string;
  param?: string;
  cweId?: string;
  /** Start of the evidence ZAP matched, at most 200 characters. */
  evidence?: string;
}

export interface AlertsResult {
  /** Alerts per risk, false positives left out. */
  counts: Record<ZapRisk, number>;
  /** Alerts a user marked as false positives in ZAP, which the gate ignores. */
  falsePositives: number;
  /** Low, Medium and High alerts, highest risk first, at most MAX_REPORTED_ALERTS. */
  alerts: ZapAlert[];
}

export interface ZapGateActivities {
  runZapSpider(request: SpiderRequest): Promise<ScanResult>;
  runZapActiveScan(request: ActiveScanRequest): Promise<ScanResult>;
  readZapAlerts(request: { targetUrl: string }): Promise<AlertsResult>;
}
