import { ApplicationFailure } from '@temporalio/common';
import { z } from 'zod';
import { FailureType } from '../failure-types';
import { refreshesPath, type PowerBiClient } from './powerbi-client';

/**
 * One entry of Get Refresh History In Group. Standard refreshes report Unknown while they run, and the enhanced
 * refresh API also reports NotStarted and InProgress. `requestId` is the id that the refresh request returned.
 */
export const refreshEntrySchema = z.object({
  requestId: z.string().optional(),
  id: z.number().optional(),
  refreshType: z.string().optional(),
  startTime: z.string().optional(),
  endTime: z.string().optional(),
  status: z.string(),
  serviceExceptionJson: z.string().optional(),
});

export type RefreshEntry = z.output<typeof refreshEntrySchema>;

const historySchema = z.object({ value: z.array(refreshEntrySchema) });

const FAILED = new Set(['Failed', 'Cancelled', 'Disabled', 'TimedOut']);

/**
 * Classifies a refresh status. Unknown, NotStarted, InProgress and any status this code does not know count as
 * running, so the wait goes on until the deadline.
 */
export function refreshOutcome(status: string): 'running' | 'completed' | 'failed' {
  if (status === 'Completed') return 'completed';
  if (FAILED.has(status)) return 'failed';
  return 'running';
}

/** Parses a Power BI time. Times without a zone, as in enhanced refresh details, are read as UTC. */
export function parsePowerBiTime(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const withZone = /(Z|[+-]\d\d:\d\d)$/.test(text) ? text : `${text}Z`;
  const time = Date.parse(withZone);
  return Number.isNaN(time) ? undefined : time;
}

/** Reads the newest `top` entries of the dataset's refresh history, newest first. */
export async function listRefreshes(
  client: PowerBiClient,
  workspaceId: string,
  datasetId: string,
  top: number,
): Promise<RefreshEntry[]> {
  const response = await client.request(
    'GET',
    `${refreshesPath(workspaceId, datasetId)}?$top=${top}`,
    `list refreshes of dataset ${datasetId}`,
  );
  const parsed = historySchema.safeParse(response.body);
  if (!parsed.success) {
    throw ApplicationFailure.retryable(
      `Power BI refresh history of dataset ${datasetId} has an unexpected shape: ${z.prettifyError(parsed.error)}`,
      FailureType.InvalidResponse,
    );
  }
  return parsed.data.value;
}

/** Compares refresh ids without regard to case, as GUIDs are compared. */
export function sameRefreshId(a: string | undefined, b: string): boolean {
  return a !== undefined && a.toLowerCase() === b.toLowerCase();
}
