import type { RemediationAction } from '../../runbook/schema';
import { kubernetes } from './activities';
import type { RunState } from './run-state';

/** An undo step recorded after its action succeeded. */
export interface Compensation {
  description: string;
  run(): Promise<void>;
}

/** Runs one immediate action of the runbook row and returns how to undo it. */
export async function runAction(action: RemediationAction, state: RunState): Promise<Compensation> {
  const { incidentId, service } = state.input;
  const deployment = service.deployment;
  const target = `${deployment.namespace}/${deployment.name}`;

  switch (action.type) {
    case 'kubernetes.rollback': {
      const result = await kubernetes.rollbackDeployment.executeWithOptions(
        { summary: `Roll back ${target} to its previous revision` },
        [{ incidentId, deployment }],
      );
      const repeat = result.alreadyApplied ? ' (already applied by an earlier attempt)' : '';
      state.record(
        `rolled back ${target} from revision ${result.fromRevision} to revision ${result.toRevision}${repeat}`,
      );
      return {
        description: `restore ${target} to revision ${result.fromRevision}`,
        run: async () => {
          await kubernetes.undoRollback.executeWithOptions(
            { summary: `Restore ${target} to revision ${result.fromRevision}` },
            [{ incidentId, deployment, replicaSet: result.fromReplicaSet }],
          );
        },
      };
    }
    case 'kubernetes.scale-up': {
      const result = await kubernetes.scaleUpDeployment.executeWithOptions(
        { summary: `Scale up ${target} by ${action.step}, at most ${action.maxReplicas}` },
        [{ incidentId, deployment, step: action.step, maxReplicas: action.maxReplicas }],
      );
      if (result.toReplicas === result.fromReplicas) {
        state.record(`${target} already runs ${result.fromReplicas} replicas, the maximum of ${action.maxReplicas}`);
      } else {
        state.record(`scaled ${target} from ${result.fromReplicas} to ${result.toReplicas} replicas`);
      }
      return {
        description: `scale ${target} back to ${result.fromReplicas} replicas`,
        run: async () => {
          await kubernetes.restoreReplicas.executeWithOptions(
            { summary: `Scale ${target} back to ${result.fromReplicas} replicas` },
            [{ incidentId, deployment, replicas: result.fromReplicas, onlyIfCurrent: result.toReplicas }],
          );
        },
      };
    }
  }
}
