import { FailureType } from '../failure-types';

/**
 * Failure types of the gate activities: the shared ones plus the faults of scanners. Gate workflows list the
 * non-retryable ones in their retry policies and show the type in verdict summaries.
 */
export const GateFailureType = {
  ...FailureType,
  /** SonarQube's Compute Engine reported the analysis task FAILED or CANCELED. */
  AnalysisFailed: 'AnalysisFailed',
  /** The scanner's report-task.txt is missing or does not name a Compute Engine task. */
  MissingAnalysis: 'MissingAnalysis',
  /** ZAP no longer knows a scan id, for example after a restart. */
  ScanNotFound: 'ScanNotFound',
} as const;

export type GateFailureTypeName = (typeof GateFailureType)[keyof typeof GateFailureType];
