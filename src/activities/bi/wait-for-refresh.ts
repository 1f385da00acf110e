import { ApplicationFailure } from '@temporalio/common';
import { Context } from '@temporalio/activity';
import { z } from 'zod';
import type { RefreshStatus, WaitForRefreshRequest } from '../contracts';
import { FailureType } from '../failure-types';
import type { PowerBiClient } from './powerbi-client';
import { listRefreshes, parsePowerBiTime, refreshOutcome, sameRefreshId, type RefreshEntry } from './refresh-history';

const serviceExceptionSchema = z.object({
  errorCode: z.string().optional(),
  errorDescription: z.string().optional(),
});

/**
 * Describes why a refresh failed from its serviceExceptionJson, a JSON text such as
 * {"errorCode":"ModelRefreshFailed_CredentialsNotSpecified"}.
 */
export function describeServiceException(json: string | undefined): string {
  if (json === undefined || json === '') return 'Power BI gave no reason';
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return json.slice(0, 500);
  }
  const result = serviceExceptionSchema.safeParse(parsed);
  if (!result.success || result.data.errorCode === undefined) return json.slice(0, 500);
  const { errorCode, errorDescription } = result.data;
  return errorDescription === undefined ? errorCode : `${errorCode}: ${errorDescription.slice(0, 500)}`;
}

function durationSeconds(entry: RefreshEntry): number | null {
  const start = parsePowerBiTime(entry.startTime);
  const end = parsePowerBiTime(entry.endTime);
  return start === undefined || end === undefined ? null : Math.max(0, (end - start) / 1000);
}

/**
 * Polls the refresh history until the refresh completes, heartbeating each poll. Fails as RefreshFailed when it
 * ends as Failed, Cancelled, Disabled or TimedOut, and as CompletionTimeout when it is still running, or not yet
 * in the history, at the deadline. Both are non-retryable.
 */
export async function waitForDatasetRefresh(
  client: PowerBiClient,
  options: { pollIntervalMs: number; historySize: number },
  request: WaitForRefreshRequest,
): Promise<RefreshStatus> {
  const { workspaceId, datasetId, refreshId, deadline } = request;
  const context = Context.current();
  for (;;) {
    const history = await listRefreshes(client, workspaceId, datasetId, options.historySize);
    const entry = history.find((candidate) => sameRefreshId(candidate.requestId, refreshId));
    const outcome = entry === undefined ? 'running' : refreshOutcome(entry.status);
    if (entry !== undefined && outcome === 'completed') {
      return { refreshId, status: entry.status, durationSeconds: durationSeconds(entry) };
    }
    if (entry !== undefined && outcome === 'failed') {
      throw ApplicationFailure.nonRetryable(
        `refresh ${refreshId} of dataset ${datasetId} ended as ${entry.status}: ` +
          describeServiceException(entry.serviceExceptionJson),
        FailureType.RefreshFailed,
      );
    }
    const waitingFor = entry === undefined ? 'the refresh to appear in the history' : `status ${entry.status}`;
    if (Date.now() >= deadline) {
      throw ApplicationFailure.nonRetryable(
        `refresh ${refreshId} of dataset ${datasetId} did not complete by ${new Date(deadline).toISOString()}: ` +
          `waiting for ${waitingFor}`,
        FailureType.CompletionTimeout,
      );
    }
    context.heartbeat({ refreshId, waitingFor });
    await context.sleep(Math.min(options.pollIntervalMs, Math.max(0, deadline - Date.now())));
  }
}
