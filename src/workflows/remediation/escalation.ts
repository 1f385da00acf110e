import { condition } from '@temporalio/workflow';
import type { IncidentSummary } from '../../activities/contracts';
import type { EscalationLevel } from '../../runbook/schema';
import { formatPrometheusDuration } from '../../runbook/duration';
import { chat, paging } from './activities';
import { describeFailure } from './failure-text';
import type { RunState } from './run-state';

/** Builds the summary that pages and chat messages carry; the Web UI link points at this run. */
export function buildIncidentSummary(state: RunState, headline: string): IncidentSummary {
  const { input } = state;
  return {
    incidentId: input.incidentId,
    serviceId: input.service.id,
    serviceName: input.service.name,
    headline,
    details: state.status.timeline.map((entry) => `${entry.at} [${entry.phase}] ${entry.event}`),
    runUrl: state.runUrl,
  };
}

/** Pages every target of one level at once; returns how many pages were delivered. */
export async function pageLevel(
  state: RunState,
  level: EscalationLevel,
  levelNumber: number,
  incident: IncidentSummary,
) {
  state.status.escalationLevel = levelNumber;
  const delivered = await Promise.all(
    level.page.map(async (target) => {
      try {
        const result = await paging.sendPage.executeWithOptions(
          { summary: `Page ${target.team} (level ${levelNumber})` },
          [{ target, incident }],
        );
        state.record(`paged ${target.team} at level ${levelNumber} (PagerDuty dedup key ${result.dedupKey})`);
        return true;
      } catch (error) {
        state.record(`page to ${target.team} failed: ${describeFailure(error)}`);
        return false;
      }
    }),
  );
  return delivered.filter(Boolean).length;
}

/** Sends the row's escalation messages; a failed message is recorded and does not stop the others. */
export async function notifyAudiences(state: RunState, incident: IncidentSummary): Promise<void> {
  await Promise.all(
    state.input.service.escalation.notify.map(async (target) => {
      try {
        await chat.sendNotification.executeWithOptions({ summary: `Notify ${target.audience}` }, [
          { target, incident },
        ]);
        state.record(`notified ${target.audience}`);
      } catch (error) {
        state.record(`notification to ${target.audience} failed: ${describeFailure(error)}`);
      }
    }),
  );
}

/**
 * Pages level after level until someone acknowledges. Each level has its ackTimeout to acknowledge before the
 * next level is paged. Returns the number of pages delivered over all levels.
 */
export async function escalateThroughLevels(state: RunState, incident: IncidentSummary): Promise<number> {
  const { levels } = state.input.service.escalation;
  let delivered = 0;
  for (const [index, level] of levels.entries()) {
    delivered += await pageLevel(state, level, index + 1, incident);
    const wait = formatPrometheusDuration(level.ackTimeout);
    const acknowledged = await condition(() => state.acknowledged, level.ackTimeout, {
      summary: `Wait ${wait} for level ${index + 1} to acknowledge`,
    });
    if (acknowledged) return delivered;
    const next = index + 1 < levels.length ? `; paging level ${index + 2}` : '; no level left to page';
    state.record(`no acknowledgement of level ${index + 1} within ${wait}${next}`);
  }
  return delivered;
}
