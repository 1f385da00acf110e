import { ApplicationFailure } from '@temporalio/common';
import { Context } from '@temporalio/activity';
import { z } from 'zod';
import type { RefreshDatasetRequest, RefreshDatasetResult } from '../contracts';
import { FailureType } from '../failure-types';
import { refreshesPath, type PowerBiClient } from './powerbi-client';
import { listRefreshes, parsePowerBiTime, type RefreshEntry } from './refresh-history';

/** Refresh types of refreshes started through the REST API: a standard and an enhanced refresh. */
const API_REFRESH_TYPES = new Set(['ViaApi', 'ViaEnhancedApi']);

/**
 * Allowance for the clocks of Temporal and Power BI, which stamp the activity's schedule time and the refresh's
 * start time. An estimate, not a measured bound.
 */
export const CLOCK_SKEW_MS = 30_000;

const startedSchema = z.object({ refreshId: z.string().min(1) });

/**
 * Takes the refresh id from the 202 response: the last path segment of Location, which Power BI sets for an
 * enhanced refresh, else the RequestId or x-ms-request-id header.
 */
export function refreshIdFromHeaders(headers: Headers): string | undefined {
  const location = headers.get('location');
  if (location) {
    const segment = new URL(location, 'http://placeholder.invalid').pathname.split('/').filter(Boolean).at(-1);
    if (segment) return decodeURIComponent(segment);
  }
  return headers.get('requestid') ?? headers.get('x-ms-request-id') ?? undefined;
}

/**
 * Finds a refresh through the API that started after this activity was first scheduled, so it can only come from
 * an earlier attempt or from another API client during this incident. Either way the dashboards get fresh data,
 * so no second refresh is requested.
 */
export function findRefreshSince(history: RefreshEntry[], sinceMs: number): RefreshEntry | undefined {
  return history.find((entry) => {
    const started = parsePowerBiTime(entry.startTime);
    return (
      entry.requestId !== undefined &&
      API_REFRESH_TYPES.has(entry.refreshType ?? '') &&
      started !== undefined &&
      started >= sinceMs - CLOCK_SKEW_MS
    );
  });
}

/**
 * Requests a standard refresh of the dataset: POST .../refreshes with notifyOption NoNotification, because
 * Microsoft documents mail notification as not applicable to calls by a service principal.
 *
 * NOTE: The standard refresh API takes no client request id, so idempotency rests on two checks before the POST.
 * The first is the refresh id that an earlier attempt recorded in its heartbeat details. The second is the
 * refresh history: an API refresh that started after the activity was first scheduled (less CLOCK_SKEW_MS) is
 * taken as this incident's. A refresh that another API client started in that window is therefore adopted, and
 * an attempt whose POST succeeded but whose refresh is not yet in the history posts a second refresh.
 */
export async function refreshDataset(
  client: PowerBiClient,
  historySize: number,
  request: RefreshDatasetRequest,
): Promise<RefreshDatasetResult> {
  const context = Context.current();
  const { workspaceId, datasetId, incidentId } = request;
  const recorded = startedSchema.safeParse(context.info.heartbeatDetails);
  if (recorded.success) return { refreshId: recorded.data.refreshId, alreadyApplied: true };

  const history = await listRefreshes(client, workspaceId, datasetId, historySize);
  const earlier = findRefreshSince(history, context.info.scheduledTimestampMs);
  if (earlier?.requestId !== undefined) {
    context.log.info('Refresh of this incident already started', {
      incidentId,
      datasetId,
      refreshId: earlier.requestId,
    });
    context.heartbeat({ refreshId: earlier.requestId });
    return { refreshId: earlier.requestId, alreadyApplied: true };
  }

  const response = await client.request('POST', refreshesPath(workspaceId, datasetId), `refresh dataset ${datasetId}`, {
    notifyOption: 'NoNotification',
  });
  const refreshId = refreshIdFromHeaders(response.headers);
  if (refreshId === undefined) {
    // The refresh did start, so a retry finds it in the history instead of posting again.
    throw ApplicationFailure.retryable(
      `Power BI accepted the refresh of dataset ${datasetId} (HTTP ${response.status}) but sent neither a ` +
        'Location nor a RequestId header',
      FailureType.InvalidResponse,
    );
  }
  context.heartbeat({ refreshId });
  context.log.info('Requested dataset refresh', { incidentId, workspaceId, datasetId, refreshId });
  return { refreshId, alreadyApplied: false };
}
