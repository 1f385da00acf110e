// Activity stubs with a timeout and retry policy fitted to each external system.
import { proxyActivities } from '@temporalio/workflow';
import type { RemediationActivities } from '../../activities/contracts';
import { FailureType } from '../../activities/failure-types';

/** Prometheus answers in milliseconds; a few quick retries ride out a restart or a slow rule evaluation. */
export const prometheus = proxyActivities<Pick<RemediationActivities, 'measureIndicator'>>({
  startToCloseTimeout: '15s',
  scheduleToCloseTimeout: '2m',
  retry: {
    initialInterval: '1s',
    backoffCoefficient: 2,
    maximumInterval: '15s',
    maximumAttempts: 6,
    nonRetryableErrorTypes: [FailureType.InvalidRequest, FailureType.InvalidResponse],
  },
});

/** Deployment changes; conflicts (409) and API server hiccups retry, while RBAC and missing objects do not. */
export const kubernetes = proxyActivities<
  Pick<RemediationActivities, 'rollbackDeployment' | 'undoRollback' | 'scaleUpDeployment' | 'restoreReplicas'>
>({
  startToCloseTimeout: '30s',
  scheduleToCloseTimeout: '3m',
  retry: {
    initialInterval: '1s',
    backoffCoefficient: 2,
    maximumInterval: '20s',
    maximumAttempts: 8,
    nonRetryableErrorTypes: [
      FailureType.Forbidden,
      FailureType.NotFound,
      FailureType.InvalidRequest,
      FailureType.NoPreviousRevision,
    ],
  },
});

/**
 * Rollout watch. The deadline travels in the request, so a retry after a worker restart keeps the original
 * deadline; the heartbeat timeout notices a dead worker within 30 seconds.
 */
export const rollout = proxyActivities<Pick<RemediationActivities, 'waitForRollout'>>({
  startToCloseTimeout: '15m',
  heartbeatTimeout: '30s',
  retry: {
    initialInterval: '2s',
    backoffCoefficient: 2,
    maximumInterval: '30s',
    maximumAttempts: 5,
    nonRetryableErrorTypes: [FailureType.RolloutStuck, FailureType.Forbidden, FailureType.NotFound],
  },
});

/** Pages keep retrying for ten minutes: a page that never arrives is the worst failure of this product. */
export const paging = proxyActivities<Pick<RemediationActivities, 'sendPage'>>({
  startToCloseTimeout: '20s',
  scheduleToCloseTimeout: '10m',
  retry: {
    initialInterval: '2s',
    backoffCoefficient: 2,
    maximumInterval: '1m',
    nonRetryableErrorTypes: [
      FailureType.InvalidRequest,
      FailureType.MissingSecret,
      FailureType.Forbidden,
      FailureType.NotFound,
    ],
  },
});

/** Chat webhooks have no deduplication, so attempts stay few to limit repeated messages. */
export const chat = proxyActivities<Pick<RemediationActivities, 'sendNotification'>>({
  startToCloseTimeout: '15s',
  scheduleToCloseTimeout: '5m',
  retry: {
    initialInterval: '2s',
    backoffCoefficient: 2,
    maximumInterval: '30s',
    maximumAttempts: 4,
    nonRetryableErrorTypes: [
      FailureType.InvalidRequest,
      FailureType.MissingSecret,
      FailureType.Forbidden,
      FailureType.NotFound,
    ],
  },
});
