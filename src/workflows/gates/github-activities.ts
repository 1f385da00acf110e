// Activity stub of the pipeline's commit statuses.
import { proxyActivities } from '@temporalio/workflow';
import { GateFailureType } from '../../activities/gates/failure-types';
import type { GitHubStatusActivities } from '../../activities/gates/github/types';

/** Commit statuses keep trying for five minutes; a rate limit delays the next attempt until it resets. */
export const gitHub = proxyActivities<GitHubStatusActivities>({
  startToCloseTimeout: '15s',
  scheduleToCloseTimeout: '5m',
  retry: {
    initialInterval: '2s',
    backoffCoefficient: 2,
    maximumInterval: '1m',
    maximumAttempts: 8,
    nonRetryableErrorTypes: [
      GateFailureType.Forbidden,
      GateFailureType.NotFound,
      GateFailureType.InvalidRequest,
      GateFailureType.InvalidResponse,
      GateFailureType.MissingSecret,
    ],
  },
});
