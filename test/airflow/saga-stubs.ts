import { ApplicationFailure } from '@temporalio/common';
import type {
  IncidentRecordActivities,
  RemediationActivities,
  RowActionActivities,
} from '../../src/activities/contracts';
import { FailureType } from '../../src/activities/failure-types';

type SagaActivityName = keyof RemediationActivities | keyof RowActionActivities | keyof IncidentRecordActivities;

async function notInThisTest(): Promise<never> {
  throw ApplicationFailure.nonRetryable('the watchdog test registers no saga activities', FailureType.InvalidRequest);
}

/**
 * Activities for every name the saga may schedule, each failing at once without a retry, so the sagas the
 * watchdog starts end quickly instead of retrying unregistered activities. The Record type makes the compiler
 * list a name missing here when the contracts gain one.
 */
export const FAILING_SAGA_ACTIVITIES: Record<SagaActivityName, () => Promise<never>> = {
  measureIndicator: notInThisTest,
  rollbackDeployment: notInThisTest,
  undoRollback: notInThisTest,
  scaleUpDeployment: notInThisTest,
  restoreReplicas: notInThisTest,
  waitForRollout: notInThisTest,
  sendPage: notInThisTest,
  sendNotification: notInThisTest,
  setFeatureFlag: notInThisTest,
  restoreFeatureFlag: notInThisTest,
  clearCache: notInThisTest,
  readDagRun: notInThisTest,
  restartDagRun: notInThisTest,
  waitForDagRun: notInThisTest,
  refreshDataset: notInThisTest,
  waitForDatasetRefresh: notInThisTest,
  notifyAudience: notInThisTest,
  writeIncidentRecord: notInThisTest,
  openTicket: notInThisTest,
  commentOnTicket: notInThisTest,
};
