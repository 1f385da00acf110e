import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { pollUntilDone } from '../activity-poll';
import { GateFailureType } from '../failure-types';
import { getSonarQubeJson, type SonarQubeConnection } from './client';
import { readReportTask } from './report-task';
import { ceTaskResponseSchema, type CeTask } from './schemas';
import type { AnalysisRequest, AnalysisResult } from './types';

const FINAL_STATUSES = new Set(['SUCCESS', 'FAILED', 'CANCELED']);

async function readTask(connection: SonarQubeConnection, taskId: string): Promise<CeTask> {
  const response = await getSonarQubeJson(
    connection,
    'api/ce/task',
    { id: taskId },
    ceTaskResponseSchema,
    `read analysis task ${taskId}`,
  );
  return response.task;
}

async function taskIdFor(request: AnalysisRequest): Promise<string> {
  if (request.ceTaskId) return request.ceTaskId;
  const report = await readReportTask(request.repositoryPath, request.reportTaskFile);
  if (report.projectKey && report.projectKey !== request.projectKey) {
    throw ApplicationFailure.nonRetryable(
      `the scanner's report task is for project ${report.projectKey}, not ${request.projectKey}; ` +
        'fix the projectKey of the SAST gate or the sonar.projectKey of the scanner',
      GateFailureType.InvalidRequest,
    );
  }
  return report.ceTaskId;
}

/**
 * Waits until SonarQube's Compute Engine has processed the analysis the scanner uploaded and returns its
 * analysis id. Each read heartbeats with the task status; the workflow's activity timeout bounds the wait.
 */
export async function waitForAnalysis(
  connection: SonarQubeConnection,
  request: AnalysisRequest,
  pollIntervalMs: number,
): Promise<AnalysisResult> {
  const taskId = await taskIdFor(request);
  const task = await pollUntilDone({
    intervalMs: pollIntervalMs,
    read: () => readTask(connection, taskId),
    isDone: (state) => FINAL_STATUSES.has(state.status),
    details: (state) => ({ taskId, status: state.status }),
  });
  if (task.status !== 'SUCCESS') {
    throw ApplicationFailure.nonRetryable(
      `SonarQube analysis task ${taskId} of ${task.componentKey ?? request.projectKey} ended ${task.status}` +
        (task.errorMessage ? `: ${task.errorMessage}` : ''),
      GateFailureType.AnalysisFailed,
    );
  }
  if (!task.analysisId) {
    throw ApplicationFailure.nonRetryable(
      `SonarQube analysis task ${taskId} succeeded but its response has no analysisId`,
      GateFailureType.InvalidResponse,
    );
  }
  Context.current().log.info('SonarQube analysis processed', { taskId, analysisId: task.analysisId });
  return { taskId, analysisId: task.analysisId, branch: task.branch, pullRequest: task.pullRequest };
}
