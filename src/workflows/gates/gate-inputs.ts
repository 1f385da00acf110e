import type { GateTarget } from '../../gates/contracts';

export interface SastGateInput {
  target: GateTarget;
  /** SonarQube project key, such as `acme_shop`. */
  projectKey: string;
  /** Compute Engine task id of the analysis; read from the scanner's report-task.txt when absent. */
  ceTaskId?: string;
  /** report-task.txt path relative to the repository. Default `.scannerwork/report-task.txt`. */
  reportTaskFile?: string;
  /** Branch the analysis ran on, for the issue search; absent for the main branch and pull requests. */
  branch?: string;
  /** Pull request id the analysis ran for, such as `42`. */
  pullRequest?: string;
  /**
   * Whether a failed SonarQube quality gate (status ERROR) blocks. Default true, because the quality gate contains
   * the project's coverage and security conditions, and the CI policy blocks on failed coverage and security.
   * False leaves only the matrix rule: no new critical issue.
   */
  blockOnQualityGate?: boolean;
  /** Maximum wait for SonarQube to process the analysis, in milliseconds. Default 30 minutes. */
  analysisTimeoutMs?: number;
  /** Attempts per SonarQube call before the gate reports an error. Default 5. */
  maxAttempts?: number;
}

export interface DastGateInput {
  target: GateTarget;
  /** URL to scan; defaults to `target.baseUrl`, the staging deployment. */
  targetUrl?: string;
  /** Scan policy defined in ZAP; ZAP's default policy when absent. */
  scanPolicyName?: string;
  /** ZAP context that scopes the spider, such as one with authentication. */
  contextName?: string;
  /** ZAP context id that scopes the active scan. */
  contextId?: string;
  /** Maximum children the spider visits per node; no limit when absent. */
  spiderMaxChildren?: number;
  /** Maximum spider run time, in milliseconds. Default 30 minutes. */
  spiderTimeoutMs?: number;
  /** Maximum active scan time, in milliseconds. Default 4 hours. */
  scanTimeoutMs?: number;
  /** Attempts per ZAP call before the gate reports an error. Default 5. */
  maxAttempts?: number;
}
