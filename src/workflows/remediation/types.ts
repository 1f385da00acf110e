// Input, status and result of the remediation saga. Types only, shared by the workflow, the webhook and tests.
import type { ServiceRunbook } from '../../runbook/schema';

export type SagaPhase = 'detect' | 'mitigate' | 'verify' | 'escalate' | 'done';

/**
 * Outcome of a run. `not-confirmed`: Prometheus did not show the breach. `resolved-before-mitigation`: the alert
 * resolved before any action ran. `mitigated`: the actions ran and the SLO held again. `escalated`: people were
 * paged. `escalation-failed`: people should have been paged but every page failed.
 */
export type RemediationOutcome =
  'not-confirmed' | 'resolved-before-mitigation' | 'mitigated' | 'escalated' | 'escalation-failed';

/** The alert that started the run, as Alertmanager delivered it. */
export interface AlertRef {
  fingerprint: string;
  startsAt: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  generatorURL?: string;
}

export interface RemediationInput {
  /** Service id plus the alert's start time, such as `genai-api-20261204T101500Z`; the idempotency key of every action. */
  incidentId: string;
  /** The runbook row as loaded when the run started, so later edits to the file do not change a running saga. */
  service: ServiceRunbook;
  alert: AlertRef;
  /** Base URL of the Temporal Web UI, for links in pages and messages. */
  webUiBaseUrl: string;
}

export interface TimelineEntry {
  /** Workflow time, ISO 8601. */
  at: string;
  phase: SagaPhase;
  event: string;
}

export interface RemediationStatus {
  incidentId: string;
  serviceId: string;
  phase: SagaPhase;
  outcome?: RemediationOutcome;
  /** When Alertmanager reported the alert resolved, if it has. */
  alertResolvedAt?: string;
  /** Firing deliveries Alertmanager has made for this run, the first included. */
  firingDeliveries: number;
  /** Escalation level paged last, counted from 1; absent before any page. */
  escalationLevel?: number;
  /** Person who acknowledged the page, once someone has. */
  acknowledgedBy?: string;
  /** Location of this incident's record in the incident log. */
  incidentRecord?: string;
  ticketUrl?: string;
  timeline: TimelineEntry[];
}

export interface RemediationResult {
  outcome: RemediationOutcome;
  /** One sentence on why the run ended this way. */
  reason: string;
  timeline: TimelineEntry[];
}

export interface AlertResolvedSignal {
  fingerprint: string;
  endsAt: string;
}

/** A firing delivery: the alert as Alertmanager sent it. */
export type AlertFiringSignal = AlertRef;

export interface AcknowledgeRequest {
  /** Person or system that acknowledges, such as a PagerDuty user or an email address. */
  by: string;
  note?: string;
}

export interface AcknowledgeResult {
  /** False when the run had nothing to acknowledge, such as before any page. */
  accepted: boolean;
  /** Escalation level that was acknowledged. */
  level?: number;
  message: string;
}
