// Activity stubs of the ETL watchdog. Each check has to finish well within the schedule's interval, so the
// retries are short: a check that cannot reach Airflow fails, and the next scheduled check tries again.
import { proxyActivities } from '@temporalio/workflow';
import type { EtlWatchdogActivities } from '../../activities/airflow/watchdog-types';
import { FailureType } from '../../activities/failure-types';

/** Lists overdue runs through the Airflow REST API; bad credentials or an unknown DAG do not retry. */
export const airflow = proxyActivities<Pick<EtlWatchdogActivities, 'findOverdueDagRuns'>>({
  startToCloseTimeout: '30s',
  scheduleToCloseTimeout: '50s',
  retry: {
    initialInterval: '1s',
    backoffCoefficient: 2,
    maximumInterval: '10s',
    maximumAttempts: 4,
    nonRetryableErrorTypes: [
      FailureType.Forbidden,
      FailureType.NotFound,
      FailureType.InvalidRequest,
      FailureType.InvalidResponse,
      FailureType.MissingSecret,
    ],
  },
});

/** Starts a saga on the Temporal server; retries ride out a frontend restart. */
export const dispatch = proxyActivities<Pick<EtlWatchdogActivities, 'startDagRunRemediation'>>({
  startToCloseTimeout: '15s',
  scheduleToCloseTimeout: '1m',
  retry: {
    initialInterval: '1s',
    backoffCoefficient: 2,
    maximumInterval: '10s',
    maximumAttempts: 5,
    nonRetryableErrorTypes: [FailureType.NotFound, FailureType.InvalidRequest],
  },
});
