import { log, setCurrentDetails, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { REMEDIATION_OUTCOME, REMEDIATION_PHASE } from '../search-attributes';
import type { AlertRef, RemediationInput, RemediationOutcome, RemediationStatus, SagaPhase } from './types';

/** The saga's phase and timeline, kept in one place so the status query, logs and search attributes agree. */
export class RunState {
  readonly status: RemediationStatus;
  /** Number of the incident ticket, once opened. */
  ticketNumber?: number;
  /** The earliest firing alert that started after this run's alert: a new incident to handle next. */
  followUp?: AlertRef;

  constructor(readonly input: RemediationInput) {
    this.status = {
      incidentId: input.incidentId,
      serviceId: input.service.id,
      phase: 'detect',
      firingDeliveries: 0,
      timeline: [],
    };
  }

  enter(phase: SagaPhase): void {
    this.status.phase = phase;
    upsertSearchAttributes([{ key: REMEDIATION_PHASE, value: phase }]);
  }

  /** Appends a timeline entry at workflow time and mirrors it to the log and the run's current details. */
  record(event: string): void {
    const entry = { at: new Date().toISOString(), phase: this.status.phase, event };
    this.status.timeline.push(entry);
    log.info(event, { incidentId: this.input.incidentId, serviceId: this.input.service.id, phase: entry.phase });
    setCurrentDetails(this.describeTimeline());
  }

  finish(outcome: RemediationOutcome): void {
    this.status.outcome = outcome;
    this.enter('done');
    upsertSearchAttributes([{ key: REMEDIATION_OUTCOME, value: outcome }]);
  }

  get alertResolved(): boolean {
    return this.status.alertResolvedAt !== undefined;
  }

  get acknowledged(): boolean {
    return this.status.acknowledgedBy !== undefined;
  }

  /** Link to this run in the Temporal Web UI. */
  get runUrl(): string {
    const info = workflowInfo();
    return (
      `${this.input.webUiBaseUrl}/namespaces/${encodeURIComponent(info.namespace)}/workflows/` +
      `${encodeURIComponent(info.workflowId)}/${encodeURIComponent(info.runId)}/history`
    );
  }

  /** Returns the timeline as Markdown lines, newest last, for the Web UI and for pages. */
  describeTimeline(): string {
    return this.status.timeline.map((entry) => `- ${entry.at} [${entry.phase}] ${entry.event}`).join('\n');
  }
}
