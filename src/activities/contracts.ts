// Request and result shapes shared by the remediation workflow and its activities. This file contains types only,
// so the workflow bundle can import it without pulling in Node.js modules.
import type { DeploymentRef, NotifyTarget, PageTarget, TicketConfig } from '../runbook/schema';

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

/** Content of a page or a chat message about one incident. Secrets are not part of it. */
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

/** A ConfigMap key that services read as a feature flag. */
export interface FeatureFlagRef {
  configMap: DeploymentRef;
  key: string;
}

export interface SetFeatureFlagRequest extends FeatureFlagRef {
  incidentId: string;
  /** Value to write, such as "true". */
  value: string;
}

export interface FeatureFlagResult {
  /** Value before this incident changed it; null when the key was absent. */
  previousValue: string | null;
  /** Value now stored. */
  value: string | null;
  /** True when an earlier attempt for this incident had already written the value. */
  alreadyApplied: boolean;
}

export interface RestoreFeatureFlagRequest extends FeatureFlagRef {
  incidentId: string;
  /** Value to put back; null deletes the key. */
  value: string | null;
  /** Only restore while the key still contains this value, so a change by a person wins. */
  onlyIfCurrent: string;
}

export interface ClearCacheRequest {
  incidentId: string;
  /** Environment variable with the Redis URL; the URL itself never travels through Temporal. */
  redisUrlEnv: string;
  pattern: string;
  batchSize: number;
  maxKeys: number;
}

export interface ClearCacheResult {
  /** Keys UNLINK removed. */
  deleted: number;
  /** Keys SCAN returned, deleted or not. */
  scanned: number;
  /** False when maxKeys stopped the clear before SCAN finished. */
  complete: boolean;
}

export interface DagRunRef {
  dagId: string;
  dagRunId: string;
}

export interface DagRunStatus extends DagRunRef {
  /** Airflow state: queued, running, success, failed, and so on. */
  state: string;
  /** Time the run was queued, or null when Airflow does not report it. */
  queuedAt: string | null;
  startDate: string | null;
  endDate: string | null;
  /**
   * End-to-end time in seconds, from queueing (or the start when the queue time is unknown) to now while the
   * run is active, or to its end once finished; null when neither time is known.
   */
  durationSeconds: number | null;
}

export interface RestartDagRunRequest extends DagRunRef {
  incidentId: string;
}

export interface RestartDagRunResult {
  /** The run that was failed. */
  abortedRunId: string;
  /** The run started in its place; its id derives from the incident id, so a retry finds it. */
  newRunId: string;
  alreadyApplied: boolean;
}

export interface WaitForDagRunRequest extends DagRunRef {
  /** Epoch milliseconds after which the wait fails as CompletionTimeout. */
  deadline: number;
}

export interface RefreshDatasetRequest {
  incidentId: string;
  workspaceId: string;
  datasetId: string;
}

export interface RefreshDatasetResult {
  /** Id of the refresh, from the RequestId or Location header. */
  refreshId: string;
  alreadyApplied: boolean;
}

export interface WaitForRefreshRequest {
  workspaceId: string;
  datasetId: string;
  refreshId: string;
  deadline: number;
}

export interface RefreshStatus {
  refreshId: string;
  /** Power BI status: Completed, Failed, Cancelled, Disabled, or Unknown while it runs. */
  status: string;
  durationSeconds: number | null;
}

export interface NotifyAudienceRequest {
  incidentId: string;
  audience: string;
  webhookUrlEnv: string;
  /** Message text, plain. */
  text: string;
}

/** A moment of an incident, as kept in the incident record. */
export interface IncidentEvent {
  at: string;
  phase: string;
  event: string;
}

/** The incident record the incident log keeps and the ticket links to. */
export interface IncidentRecord {
  incidentId: string;
  serviceId: string;
  serviceName: string;
  objective: string;
  /** detected, mitigating, verifying, escalated, resolved, not-confirmed, and so on. */
  status: string;
  openedAt: string;
  closedAt?: string;
  runUrl: string;
  ticketUrl?: string;
  timeline: IncidentEvent[];
}

export interface IncidentRecordResult {
  /** Location of the record: a file path or a URL. */
  location: string;
}

export interface OpenTicketRequest {
  incidentId: string;
  ticket: TicketConfig;
  title: string;
  /** Markdown body; links the run and the incident record. */
  body: string;
}

export interface TicketResult {
  number: number;
  url: string;
  /** True when a ticket for this incident already existed, so none was created. */
  alreadyExisted: boolean;
}

export interface CommentOnTicketRequest {
  incidentId: string;
  ticket: TicketConfig;
  number: number;
  /** Distinguishes comments of one incident, such as `resolution`; a repeat with the same key adds nothing. */
  commentKey: string;
  body: string;
}

/** Activities of the other runbook rows, by name. */
export interface RowActionActivities {
  setFeatureFlag(request: SetFeatureFlagRequest): Promise<FeatureFlagResult>;
  restoreFeatureFlag(request: RestoreFeatureFlagRequest): Promise<FeatureFlagResult>;
  clearCache(request: ClearCacheRequest): Promise<ClearCacheResult>;
  readDagRun(request: DagRunRef): Promise<DagRunStatus>;
  restartDagRun(request: RestartDagRunRequest): Promise<RestartDagRunResult>;
  waitForDagRun(request: WaitForDagRunRequest): Promise<DagRunStatus>;
  refreshDataset(request: RefreshDatasetRequest): Promise<RefreshDatasetResult>;
  waitForDatasetRefresh(request: WaitForRefreshRequest): Promise<RefreshStatus>;
  notifyAudience(request: NotifyAudienceRequest): Promise<void>;
}

/** Activities that keep the incident record and the ticket. */
export interface IncidentRecordActivities {
  writeIncidentRecord(record: IncidentRecord): Promise<IncidentRecordResult>;
  openTicket(request: OpenTicketRequest): Promise<TicketResult>;
  commentOnTicket(request: CommentOnTicketRequest): Promise<void>;
}
