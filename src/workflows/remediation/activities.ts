// Activity stubs with a timeout and retry policy fitted to each external system.
import { proxyActivities, type ActivityOptions } from '@temporalio/workflow';
import type { IncidentRecordActivities, RemediationActivities, RowActionActivities } from '../../activities/contracts';
import { FailureType } from '../../activities/failure-types';

const PERMANENT = [FailureType.Forbidden, FailureType.NotFound, FailureType.InvalidRequest, FailureType.MissingSecret];

/** Short reads (Prometheus, Airflow run status): a few quick retries ride out a restart or a slow evaluation. */
const READ: ActivityOptions = {
  startToCloseTimeout: '15s',
  scheduleToCloseTimeout: '2m',
  retry: {
    initialInterval: '1s',
    backoffCoefficient: 2,
    maximumInterval: '15s',
    maximumAttempts: 6,
    nonRetryableErrorTypes: [...PERMANENT, FailureType.InvalidResponse],
  },
};

/** Changes to a system (Kubernetes, Airflow, Power BI): conflicts and outages retry; RBAC and missing objects do not. */
const CHANGE: ActivityOptions = {
  startToCloseTimeout: '30s',
  scheduleToCloseTimeout: '3m',
  retry: {
    initialInterval: '1s',
    backoffCoefficient: 2,
    maximumInterval: '20s',
    maximumAttempts: 8,
    nonRetryableErrorTypes: [...PERMANENT, FailureType.NoPreviousRevision],
  },
};

/**
 * Waits for work to finish (a rollout, a DAG run, a refresh). The deadline travels in the request, so a retry
 * after a worker restart keeps it; the heartbeat timeout notices a dead worker within 30 seconds. Callers set
 * startToCloseTimeout from the row's completionTimeout.
 */
const WAIT: ActivityOptions = {
  startToCloseTimeout: '15m',
  heartbeatTimeout: '30s',
  retry: {
    initialInterval: '2s',
    backoffCoefficient: 2,
    maximumInterval: '30s',
    maximumAttempts: 5,
    nonRetryableErrorTypes: [
      ...PERMANENT,
      FailureType.RolloutStuck,
      FailureType.CompletionTimeout,
      FailureType.DagRunFailed,
      FailureType.RefreshFailed,
    ],
  },
};

/** Pages keep retrying for ten minutes: a page that never arrives is the worst failure of this product. */
const PAGE: ActivityOptions = {
  startToCloseTimeout: '20s',
  scheduleToCloseTimeout: '10m',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '1m', nonRetryableErrorTypes: PERMANENT },
};

/** Chat webhooks have no deduplication, so attempts stay few to limit repeated messages. */
const CHAT: ActivityOptions = {
  startToCloseTimeout: '15s',
  scheduleToCloseTimeout: '5m',
  retry: {
    initialInterval: '2s',
    backoffCoefficient: 2,
    maximumInterval: '30s',
    maximumAttempts: 4,
    nonRetryableErrorTypes: PERMANENT,
  },
};

export const prometheus = proxyActivities<Pick<RemediationActivities, 'measureIndicator'>>(READ);

export const kubernetes =
  proxyActivities<
    Pick<RemediationActivities, 'rollbackDeployment' | 'undoRollback' | 'scaleUpDeployment' | 'restoreReplicas'>
  >(CHANGE);

export const rollout = proxyActivities<Pick<RemediationActivities, 'waitForRollout'>>(WAIT);

export const featureFlags = proxyActivities<Pick<RowActionActivities, 'setFeatureFlag' | 'restoreFeatureFlag'>>(CHANGE);

/** Clearing a large keyspace takes minutes; heartbeats carry the SCAN cursor so a retry resumes. */
export const cache = proxyActivities<Pick<RowActionActivities, 'clearCache'>>({
  ...WAIT,
  startToCloseTimeout: '10m',
  retry: { ...WAIT.retry, maximumAttempts: 5 },
});

export const airflowReads = proxyActivities<Pick<RowActionActivities, 'readDagRun'>>(READ);
export const airflowChanges = proxyActivities<Pick<RowActionActivities, 'restartDagRun'>>(CHANGE);
export const biChanges = proxyActivities<Pick<RowActionActivities, 'refreshDataset'>>(CHANGE);
export const completion = proxyActivities<Pick<RowActionActivities, 'waitForDagRun' | 'waitForDatasetRefresh'>>(WAIT);

export const paging = proxyActivities<Pick<RemediationActivities, 'sendPage'>>(PAGE);
export const chat = proxyActivities<
  Pick<RemediationActivities, 'sendNotification'> & Pick<RowActionActivities, 'notifyAudience'>
>(CHAT);

/** Incident records and tickets retry like pages: the record is what people read afterwards. */
export const records = proxyActivities<IncidentRecordActivities>(PAGE);
