// Requests and results of the SonarQube activities. Types only, so the SAST gate workflow can import them.

/** How a SonarQube release rates issues, which decides the search parameters and what counts as critical. */
export type SonarQubeSeverityModel =
  /** 9.9 LTS and older (up to 10.1): `severity` BLOCKER and CRITICAL, searched with `severities`. */
  | 'legacy'
  /** 10.2 to 10.7: software-quality impacts, searched with `impactSeverities=HIGH`. */
  | 'impacts'
  /** 10.8 and later, including the year-numbered releases: impact severities gained BLOCKER and INFO. */
  | 'impacts-blocker';

export interface AnalysisRequest {
  /** Local path of the checked-out repository the scanner ran in. */
  repositoryPath: string;
  /** SonarQube project key, such as `acme_shop`. */
  projectKey: string;
  /** Compute Engine task id of the analysis; read from the scanner's report-task.txt when absent. */
  ceTaskId?: string;
  /** report-task.txt path relative to `repositoryPath`. Default `.scannerwork/report-task.txt`. */
  reportTaskFile?: string;
}

export interface AnalysisResult {
  taskId: string;
  analysisId: string;
  branch?: string;
  pullRequest?: string;
}

export interface FailedCondition {
  metricKey: string;
  comparator?: string;
  errorThreshold?: string;
  actualValue?: string;
}

export interface QualityGateResult {
  /** NONE means no quality gate is assigned to the project. */
  status: 'OK' | 'WARN' | 'ERROR' | 'NONE';
  failedConditions: FailedCondition[];
}

export interface NewIssuesRequest {
  projectKey: string;
  branch?: string;
  pullRequest?: string;
}

export interface CriticalIssue {
  key: string;
  rule: string;
  /** Component key, such as `acme_shop:src/app.ts`. */
  component: string;
  line?: number;
  message: string;
  /** BLOCKER ratings map to critical, CRITICAL and HIGH ones to high. */
  severity: 'critical' | 'high';
  /** The rating as SonarQube gives it, such as `CRITICAL` or `SECURITY: HIGH`. */
  rating: string;
}

export interface NewIssuesResult {
  model: SonarQubeSeverityModel;
  /** New critical issues found, which can be more than `issues` holds. */
  count: number;
  /** The first issues found, at most MAX_REPORTED_ISSUES. */
  issues: CriticalIssue[];
  /** True when SonarQube had more matches than its search can page through (10,000). */
  incomplete: boolean;
}

export interface SonarQubeGateActivities {
  waitForSonarQubeAnalysis(request: AnalysisRequest): Promise<AnalysisResult>;
  readSonarQubeQualityGate(request: { analysisId: string }): Promise<QualityGateResult>;
  findNewCriticalSonarQubeIssues(request: NewIssuesRequest): Promise<NewIssuesResult>;
}
