// Request and result shapes shared by the remediation workflow and its activities. This file holds types only,
// so the workflow bundle can import it without pulling in Node.js modules.
import type { DeploymentRef, NotifyTarget, PageTarget } from '../runbook/schema';

export interface IndicatorRequest {
  serviceId: string;
  /** PromQL with `$window` still in it. */
  query: string;
  /** Range that replaces `$window`, in milliseconds. */
  windowMs: number;
}

export interface IndicatorReading {
  /** Value of the indicator, or null when the query matched no series (no traffic). */
  value: number | null;
  /** The PromQL that was evaluated. */
  query: string;
  /** Evaluation time reported by Prometheus, as an ISO 8601 string. */
  evaluatedAt: string;
}

export interface RollbackRequest {
  /** Identifies the incident; a repeated call with the same id changes nothing. */
  incidentId: string;
  deployment: DeploymentRef;
}

export interface RollbackResult {
  /** Revision the Deployment ran before the rollback. */
  fromRevision: number;
  /** ReplicaSet of the revision rolled away from, kept for the undo. */
  fromReplicaSet: string;
  /** Revision whose pod template the Deployment now runs; the controller then numbers it anew. */
  toRevision: number;
  /** True when an earlier attempt for this incident had already rolled back. */
  alreadyApplied: boolean;
}

export interface UndoRollbackRequest {
  incidentId: string;
  deployment: DeploymentRef;
  /** ReplicaSet whose pod template to restore, the `fromReplicaSet` of the rollback being undone. */
  replicaSet: string;
}

export interface ScaleUpRequest {
  incidentId: string;
  deployment: DeploymentRef;
  step: number;
  maxReplicas: number;
}

export interface ScaleResult {
  fromReplicas: number;
  toReplicas: number;
  alreadyApplied: boolean;
}

export interface RestoreReplicasRequest {
  incidentId: string;
  deployment: DeploymentRef;
  /** Replica count to go back to. */
  replicas: number;
  /** Only restore while the Deployment still has this count, so a later change by a person or an autoscaler wins. */
  onlyIfCurrent: number;
}

export interface RolloutRequest {
  deployment: DeploymentRef;
  /** Epoch milliseconds after which the rollout counts as stuck. */
  deadline: number;
}

export interface RolloutStatus {
  revision: number;
  updatedReplicas: number;
  availableReplicas: number;
  replicas: number;
}

/** Everything a page or a chat message says about one incident. Secrets are not part of it. */
export interface IncidentSummary {
  incidentId: string;
  serviceId: string;
  serviceName: string;
  /** One line: what is breached and what was done. */
  headline: string;
  /** Lines of the run's timeline, oldest first. */
  details: string[];
  /** Link to the run in the Temporal Web UI. */
  runUrl: string;
}

export interface PageRequest {
  target: PageTarget;
  incident: IncidentSummary;
}

export interface PageResult {
  /** PagerDuty dedup key; a repeat with the same key updates the open PagerDuty incident instead of paging again. */
  dedupKey: string;
}

export interface NotifyRequest {
  target: NotifyTarget;
  incident: IncidentSummary;
}

/** The activities the remediation saga schedules, by name. */
export interface RemediationActivities {
  measureIndicator(request: IndicatorRequest): Promise<IndicatorReading>;
  rollbackDeployment(request: RollbackRequest): Promise<RollbackResult>;
  undoRollback(request: UndoRollbackRequest): Promise<RollbackResult>;
  scaleUpDeployment(request: ScaleUpRequest): Promise<ScaleResult>;
  restoreReplicas(request: RestoreReplicasRequest): Promise<ScaleResult>;
  waitForRollout(request: RolloutRequest): Promise<RolloutStatus>;
  sendPage(request: PageRequest): Promise<PageResult>;
  sendNotification(request: NotifyRequest): Promise<void>;
}
