// Activity stubs of the SAST and DAST gates, with timeouts and retry policies fitted to each scanner. The calls
// take the gate's own deadline and attempt count from its input, so a pipeline can trade patience for speed.
import { proxyActivities, type ActivityOptions, type RetryPolicy } from '@temporalio/workflow';
import { GateFailureType } from '../../activities/gates/failure-types';
import type { SonarQubeGateActivities } from '../../activities/gates/sonarqube/types';
import type { ZapGateActivities } from '../../activities/gates/zap/types';

/** Faults another attempt cannot fix: credentials, missing projects or scans, invalid requests or responses. */
const PERMANENT_FAILURES = [
  GateFailureType.Forbidden,
  GateFailureType.NotFound,
  GateFailureType.InvalidRequest,
  GateFailureType.InvalidResponse,
  GateFailureType.MissingSecret,
  GateFailureType.AnalysisFailed,
  GateFailureType.MissingAnalysis,
  GateFailureType.ScanNotFound,
];

function scannerRetry(maxAttempts: number): RetryPolicy {
  return {
    initialInterval: '1s',
    backoffCoefficient: 2,
    maximumInterval: '30s',
    maximumAttempts: maxAttempts,
    nonRetryableErrorTypes: PERMANENT_FAILURES,
  };
}

/**
 * Long waits on a scanner: the deadline covers every attempt (schedule-to-close), so retries never stretch it,
 * and a heartbeat timeout of one minute notices a dead worker long before the deadline.
 */
function longRunning(deadlineMs: number, maxAttempts: number): ActivityOptions {
  return {
    startToCloseTimeout: deadlineMs,
    scheduleToCloseTimeout: deadlineMs,
    heartbeatTimeout: '1m',
    retry: scannerRetry(maxAttempts),
  };
}

/** Reads of results: two minutes per call and ten with retries. The paged reads heartbeat after every page. */
function resultRead(maxAttempts: number): ActivityOptions {
  return {
    startToCloseTimeout: '2m',
    scheduleToCloseTimeout: '10m',
    // Longer than one HTTP request may take (30 s for ZAP), so a slow page does not miss its heartbeat.
    heartbeatTimeout: '1m',
    retry: scannerRetry(maxAttempts),
  };
}

export function sonarQubeAnalysis(deadlineMs: number, maxAttempts: number) {
  return proxyActivities<Pick<SonarQubeGateActivities, 'waitForSonarQubeAnalysis'>>(
    longRunning(deadlineMs, maxAttempts),
  );
}

export function sonarQubeResults(maxAttempts: number) {
  return proxyActivities<Pick<SonarQubeGateActivities, 'readSonarQubeQualityGate' | 'findNewCriticalSonarQubeIssues'>>(
    resultRead(maxAttempts),
  );
}

export function zapSpider(deadlineMs: number, maxAttempts: number) {
  return proxyActivities<Pick<ZapGateActivities, 'runZapSpider'>>(longRunning(deadlineMs, maxAttempts));
}

export function zapActiveScan(deadlineMs: number, maxAttempts: number) {
  return proxyActivities<Pick<ZapGateActivities, 'runZapActiveScan'>>(longRunning(deadlineMs, maxAttempts));
}

export function zapAlerts(maxAttempts: number) {
  return proxyActivities<Pick<ZapGateActivities, 'readZapAlerts'>>(resultRead(maxAttempts));
}
