import type { DeploymentRef } from '../../../runbook/schema';
import { kubernetes, rollout } from '../activities';
import type { RunState } from '../run-state';
import type { ActionOutcome } from './action-outcome';

function deploymentOf(state: RunState): DeploymentRef {
  const { deployment } = state.input.service;
  // The runbook schema rejects Kubernetes actions on rows without a deployment.
  if (!deployment) throw new Error(`runbook row ${state.input.service.id} has no deployment`);
  return deployment;
}

function label(deployment: DeploymentRef): string {
  return `${deployment.namespace}/${deployment.name}`;
}

/** Waits for the Deployment's rollout; shared by the rollback and the scale-up, so the saga waits once. */
export function awaitRollout(state: RunState): () => Promise<void> {
  return async () => {
    const deployment = deploymentOf(state);
    const { completionTimeout } = state.input.service.verify;
    const status = await rollout.waitForRollout.executeWithOptions(
      { summary: `Wait for the rollout of ${label(deployment)}`, startToCloseTimeout: completionTimeout + 60_000 },
      [{ deployment, deadline: Date.now() + completionTimeout }],
    );
    state.record(
      `rollout of ${label(deployment)} complete at revision ${status.revision}: ` +
        `${status.availableReplicas}/${status.replicas} available`,
    );
  };
}

export async function rollBack(state: RunState): Promise<ActionOutcome> {
  const { incidentId } = state.input;
  const deployment = deploymentOf(state);
  const target = label(deployment);
  const result = await kubernetes.rollbackDeployment.executeWithOptions(
    { summary: `Roll back ${target} to its previous revision` },
    [{ incidentId, deployment }],
  );
  const repeat = result.alreadyApplied ? ' (already applied by an earlier attempt)' : '';
  state.record(`rolled back ${target} from revision ${result.fromRevision} to revision ${result.toRevision}${repeat}`);
  return {
    awaitCompletion: awaitRollout(state),
    completionKey: 'kubernetes-rollout',
    undo: {
      description: `restore ${target} to revision ${result.fromRevision}`,
      run: async () => {
        await kubernetes.undoRollback.executeWithOptions(
          { summary: `Restore ${target} to revision ${result.fromRevision}` },
          [{ incidentId, deployment, replicaSet: result.fromReplicaSet }],
        );
      },
    },
  };
}

export async function scaleUp(state: RunState, step: number, maxReplicas: number): Promise<ActionOutcome> {
  const { incidentId } = state.input;
  const deployment = deploymentOf(state);
  const target = label(deployment);
  const result = await kubernetes.scaleUpDeployment.executeWithOptions(
    { summary: `Scale up ${target} by ${step}, at most ${maxReplicas}` },
    [{ incidentId, deployment, step, maxReplicas }],
  );
  if (result.toReplicas === result.fromReplicas) {
    state.record(`${target} already runs ${result.fromReplicas} replicas, the maximum of ${maxReplicas}`);
  } else {
    state.record(`scaled ${target} from ${result.fromReplicas} to ${result.toReplicas} replicas`);
  }
  return {
    awaitCompletion: awaitRollout(state),
    completionKey: 'kubernetes-rollout',
    undo: {
      description: `scale ${target} back to ${result.fromReplicas} replicas`,
      run: async () => {
        await kubernetes.restoreReplicas.executeWithOptions(
          { summary: `Scale ${target} back to ${result.fromReplicas} replicas` },
          [{ incidentId, deployment, replicas: result.fromReplicas, onlyIfCurrent: result.toReplicas }],
        );
      },
    },
  };
}
