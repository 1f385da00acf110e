import type { IncidentSummary } from '../../activities/contracts';
import { chat, paging } from './activities';
import type { RunState } from './run-state';

/** Builds the summary that pages and chat messages carry; the Web UI link points at this run. */
export function buildIncidentSummary(
  state: RunState,
  headline: string,
  runId: string,
  workflowId: string,
): IncidentSummary {
  const { input } = state;
  const runUrl =
    `${input.webUiBaseUrl}/namespaces/default/workflows/` +
    `${encodeURIComponent(workflowId)}/${encodeURIComponent(runId)}/history`;
  return {
    incidentId: input.incidentId,
    serviceId: input.service.id,
    serviceName: input.service.name,
    headline,
    details: state.status.timeline.map((entry) => `${entry.at} [${entry.phase}] ${entry.event}`),
    runUrl,
  };
}

/**
 * Pages every target of the row and notifies every audience, all at once. Returns the number of pages
 * delivered; a failed page or message is recorded and does not stop the others.
 */
export async function escalate(state: RunState, incident: IncidentSummary): Promise<number> {
  const { escalation } = state.input.service;
  const pages = escalation.page.map(async (target) => {
    try {
      const result = await paging.sendPage.executeWithOptions({ summary: `Page ${target.team}` }, [
        { target, incident },
      ]);
      state.record(`paged ${target.team} (PagerDuty dedup key ${result.dedupKey})`);
      return true;
    } catch (error) {
      state.record(`page to ${target.team} failed: ${describeFailure(error)}`);
      return false;
    }
  });
  const notifications = escalation.notify.map(async (target) => {
    try {
      await chat.sendNotification.executeWithOptions({ summary: `Notify ${target.audience}` }, [{ target, incident }]);
      state.record(`notified ${target.audience}`);
    } catch (error) {
      state.record(`notification to ${target.audience} failed: ${describeFailure(error)}`);
    }
  });
  const delivered = await Promise.all(pages);
  await Promise.all(notifications);
  return delivered.filter(Boolean).length;
}

/** Returns the innermost message of a Temporal failure chain, which names the real cause. */
export function describeFailure(error: unknown): string {
  let current: unknown = error;
  while (current instanceof Error && current.cause instanceof Error) current = current.cause;
  return current instanceof Error ? current.message : String(current);
}
