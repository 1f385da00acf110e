import type { IncidentRecord } from '../../activities/contracts';
import { records } from './activities';
import { describeFailure } from './failure-text';
import type { RunState } from './run-state';

function buildRecord(state: RunState, status: string, closed: boolean): IncidentRecord {
  const { input } = state;
  const timeline = state.status.timeline;
  return {
    incidentId: input.incidentId,
    serviceId: input.service.id,
    serviceName: input.service.name,
    objective: input.service.slo.objective,
    status,
    openedAt: timeline[0]?.at ?? new Date().toISOString(),
    closedAt: closed ? new Date().toISOString() : undefined,
    runUrl: state.runUrl,
    ticketUrl: state.status.ticketUrl,
    timeline: timeline.map((entry) => ({ ...entry })),
  };
}

/**
 * Writes the incident record to the incident log. A failed write is recorded in the timeline and does not stop
 * the saga: the run's own history still holds every event.
 */
export async function saveIncidentRecord(state: RunState, status: string, closed = false): Promise<void> {
  try {
    const result = await records.writeIncidentRecord.executeWithOptions({ summary: `Log incident (${status})` }, [
      buildRecord(state, status, closed),
    ]);
    if (!state.status.incidentRecord) state.record(`incident record kept at ${result.location}`);
    state.status.incidentRecord = result.location;
  } catch (error) {
    state.record(`writing the incident record failed: ${describeFailure(error)}`);
  }
}

/** Opens the row's incident ticket, linking the run and the incident record; skipped when the row has none. */
export async function openIncidentTicket(state: RunState, reason: string): Promise<void> {
  const { service, incidentId } = state.input;
  const ticket = service.escalation.ticket;
  if (!ticket || state.status.ticketUrl) return;
  const body = [
    `**${service.name}**: ${service.slo.objective} breached. ${reason}.`,
    '',
    `- Remediation run: ${state.runUrl}`,
    `- Incident record: ${state.status.incidentRecord ?? 'not written'}`,
    '',
    ...state.status.timeline.map((entry) => `- ${entry.at} [${entry.phase}] ${entry.event}`),
  ].join('\n');
  try {
    const result = await records.openTicket.executeWithOptions({ summary: `Open ticket in ${ticket.repository}` }, [
      { incidentId, ticket, title: `[incident] ${service.name}: ${reason} (${incidentId})`, body },
    ]);
    state.status.ticketUrl = result.url;
    state.ticketNumber = result.number;
    state.record(`${result.alreadyExisted ? 'found' : 'opened'} ticket ${result.url}`);
  } catch (error) {
    state.record(`opening the ticket failed: ${describeFailure(error)}`);
  }
}

/** Comments the outcome on the incident's ticket, once per outcome. */
export async function commentOutcome(state: RunState, outcome: string, reason: string): Promise<void> {
  const ticket = state.input.service.escalation.ticket;
  const number = state.ticketNumber;
  if (!ticket || number === undefined) return;
  try {
    await records.commentOnTicket.executeWithOptions({ summary: 'Comment the outcome on the ticket' }, [
      {
        incidentId: state.input.incidentId,
        ticket,
        number,
        commentKey: `outcome-${outcome}`,
        body: `Outcome: **${outcome}**. ${reason}.`,
      },
    ]);
  } catch (error) {
    state.record(`commenting on the ticket failed: ${describeFailure(error)}`);
  }
}
