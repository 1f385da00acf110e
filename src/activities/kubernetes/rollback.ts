import { ApplicationFailure } from '@temporalio/common';
import { Context } from '@temporalio/activity';
import { PatchStrategy, setHeaderOptions, type AppsV1Api, type V1Deployment } from '@kubernetes/client-node';
import type { RollbackRequest, RollbackResult, UndoRollbackRequest } from '../contracts';
import { FailureType } from '../failure-types';
import {
  BAD_REVISION_INCIDENT,
  readRevision,
  ROLLBACK_FROM_REPLICASET,
  ROLLBACK_FROM_REVISION,
  ROLLBACK_INCIDENT,
  ROLLBACK_TO_REVISION,
  ROLLBACK_UNDONE_INCIDENT,
} from './annotations';
import { toFailure } from './api-errors';
import { findRevision, listOwnedReplicaSets, pickRollbackTarget, templateForDeployment } from './replica-sets';
import { updateDeployment } from './update-deployment';

function earlierRollback(deployment: V1Deployment, incidentId: string): RollbackResult | undefined {
  const annotations = deployment.metadata?.annotations ?? {};
  if (annotations[ROLLBACK_INCIDENT] !== incidentId) return undefined;
  return {
    fromRevision: Number(annotations[ROLLBACK_FROM_REVISION]),
    fromReplicaSet: annotations[ROLLBACK_FROM_REPLICASET] ?? '',
    toRevision: Number(annotations[ROLLBACK_TO_REVISION]),
    alreadyApplied: true,
  };
}

async function markReplicaSetBad(apps: AppsV1Api, namespace: string, name: string, incidentId: string): Promise<void> {
  try {
    await apps.patchNamespacedReplicaSet(
      { name, namespace, body: { metadata: { annotations: { [BAD_REVISION_INCIDENT]: incidentId } } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
  } catch (error) {
    throw toFailure(error, `annotate replicaset ${namespace}/${name}`);
  }
}

/**
 * Rolls the Deployment back to its previous good revision, as `kubectl rollout undo` does: the pod template of
 * that revision's ReplicaSet replaces the Deployment's, and the controller rolls it out as a new revision. The
 * ReplicaSet rolled away from is marked bad so a later rollback skips it.
 */
export async function rollbackDeployment(apps: AppsV1Api, request: RollbackRequest): Promise<RollbackResult> {
  const { deployment: ref, incidentId } = request;
  return updateDeployment(apps, ref, 'rollback', async (deployment) => {
    const earlier = earlierRollback(deployment, incidentId);
    if (earlier) return { write: false, result: earlier };
    if (deployment.spec?.paused) {
      throw ApplicationFailure.nonRetryable(
        `deployment ${ref.namespace}/${ref.name} is paused; resume it (kubectl rollout resume) before a rollback`,
        FailureType.InvalidRequest,
      );
    }
    const currentRevision = readRevision(deployment.metadata?.annotations);
    const replicaSets = await listReplicaSets(apps, deployment);
    const target = pickRollbackTarget(replicaSets, currentRevision);
    const current = findRevision(replicaSets, currentRevision);
    if (!target || !current) {
      throw ApplicationFailure.nonRetryable(
        `deployment ${ref.namespace}/${ref.name} has no earlier good revision to roll back to (current revision ${currentRevision})`,
        FailureType.NoPreviousRevision,
      );
    }
    await markReplicaSetBad(apps, ref.namespace, current.metadata!.name!, incidentId);

    const result: RollbackResult = {
      fromRevision: currentRevision,
      fromReplicaSet: current.metadata!.name!,
      toRevision: readRevision(target.metadata?.annotations),
      alreadyApplied: false,
    };
    deployment.spec!.template = templateForDeployment(target);
    deployment.metadata!.annotations = {
      ...deployment.metadata!.annotations,
      [ROLLBACK_INCIDENT]: incidentId,
      [ROLLBACK_FROM_REVISION]: String(result.fromRevision),
      [ROLLBACK_FROM_REPLICASET]: result.fromReplicaSet,
      [ROLLBACK_TO_REVISION]: String(result.toRevision),
    };
    Context.current().log.info('Rolling back deployment', { ...ref, incidentId, ...result });
    return { write: true, result };
  });
}

/** Restores the pod template of the ReplicaSet a rollback moved away from, and clears its bad mark. */
export async function undoRollback(apps: AppsV1Api, request: UndoRollbackRequest): Promise<RollbackResult> {
  const { deployment: ref, incidentId, replicaSet: replicaSetName } = request;
  const result = await updateDeployment(apps, ref, 'undo rollback', async (deployment) => {
    const annotations = deployment.metadata?.annotations ?? {};
    const currentRevision = readRevision(annotations);
    const replicaSets = await listReplicaSets(apps, deployment);
    const original = replicaSets.find((replicaSet) => replicaSet.metadata?.name === replicaSetName);
    if (!original) {
      throw ApplicationFailure.nonRetryable(
        `replicaset ${ref.namespace}/${replicaSetName} no longer exists, so the rollback cannot be undone`,
        FailureType.NotFound,
      );
    }
    const outcome: RollbackResult = {
      fromRevision: currentRevision,
      fromReplicaSet: replicaSetName,
      toRevision: readRevision(original.metadata?.annotations),
      alreadyApplied: annotations[ROLLBACK_UNDONE_INCIDENT] === incidentId,
    };
    if (outcome.alreadyApplied) return { write: false, result: outcome };
    deployment.spec!.template = templateForDeployment(original);
    deployment.metadata!.annotations = { ...annotations, [ROLLBACK_UNDONE_INCIDENT]: incidentId };
    return { write: true, result: outcome };
  });
  await clearBadMark(apps, ref.namespace, replicaSetName);
  return result;
}

async function clearBadMark(apps: AppsV1Api, namespace: string, name: string): Promise<void> {
  try {
    await apps.patchNamespacedReplicaSet(
      { name, namespace, body: { metadata: { annotations: { [BAD_REVISION_INCIDENT]: null } } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
  } catch (error) {
    throw toFailure(error, `annotate replicaset ${namespace}/${name}`);
  }
}

async function listReplicaSets(apps: AppsV1Api, deployment: V1Deployment) {
  try {
    return await listOwnedReplicaSets(apps, deployment);
  } catch (error) {
    throw toFailure(error, `list replicasets of ${deployment.metadata?.namespace}/${deployment.metadata?.name}`);
  }
}
