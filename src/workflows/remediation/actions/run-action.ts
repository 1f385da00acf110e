import type { RemediationAction } from '../../../runbook/schema';
import type { RunState } from '../run-state';
import type { ActionOutcome } from './action-outcome';
import { rollBack, scaleUp } from './kubernetes-actions';
import { clearCache, enableFeatureFlag, notify, refreshDataset, restartDagRun } from './row-actions';

/** Runs one immediate action of the runbook row. */
export function runAction(action: RemediationAction, state: RunState): Promise<ActionOutcome> {
  switch (action.type) {
    case 'kubernetes.rollback':
      return rollBack(state);
    case 'kubernetes.scale-up':
      return scaleUp(state, action.step, action.maxReplicas);
    case 'feature-flag.enable':
      return enableFeatureFlag(state, action);
    case 'redis.clear-cache':
      return clearCache(state, action);
    case 'airflow.restart-dag-run':
      return restartDagRun(state);
    case 'bi.refresh-dataset':
      return refreshDataset(state, action);
    case 'notify':
      return notify(state, action);
  }
}
