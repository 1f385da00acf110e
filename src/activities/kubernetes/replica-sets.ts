import type { AppsV1Api, V1Deployment, V1PodTemplateSpec, V1ReplicaSet } from '@kubernetes/client-node';
import { BAD_REVISION_INCIDENT, readRevision } from './annotations';

/** Lists the ReplicaSets the Deployment controls, as `kubectl rollout history` does. */
export async function listOwnedReplicaSets(apps: AppsV1Api, deployment: V1Deployment): Promise<V1ReplicaSet[]> {
  const namespace = deployment.metadata!.namespace!;
  const labels = deployment.spec?.selector?.matchLabels ?? {};
  const labelSelector = Object.entries(labels)
    .map(([key, value]) => `${key}=${value}`)
    .join(',');
  const list = await apps.listNamespacedReplicaSet({ namespace, labelSelector });
  return list.items.filter((replicaSet) =>
    (replicaSet.metadata?.ownerReferences ?? []).some(
      (owner) => owner.controller && owner.uid === deployment.metadata?.uid,
    ),
  );
}

/**
 * Picks the rollback target: the newest ReplicaSet older than the current revision that no earlier incident
 * marked bad. Plain `kubectl rollout undo` takes the newest older one even when it is bad, which makes two
 * rollbacks in a row swap back to the broken revision.
 */
export function pickRollbackTarget(replicaSets: V1ReplicaSet[], currentRevision: number): V1ReplicaSet | undefined {
  return replicaSets
    .filter((replicaSet) => readRevision(replicaSet.metadata?.annotations) < currentRevision)
    .filter((replicaSet) => !replicaSet.metadata?.annotations?.[BAD_REVISION_INCIDENT])
    .sort((a, b) => readRevision(b.metadata?.annotations) - readRevision(a.metadata?.annotations))[0];
}

/** Finds the ReplicaSet that runs the given revision. */
export function findRevision(replicaSets: V1ReplicaSet[], revision: number): V1ReplicaSet | undefined {
  return replicaSets.find((replicaSet) => readRevision(replicaSet.metadata?.annotations) === revision);
}

/**
 * Copies a ReplicaSet's pod template for the Deployment without the `pod-template-hash` label, which the
 * controller adds itself; `kubectl rollout undo` drops it the same way.
 */
export function templateForDeployment(replicaSet: V1ReplicaSet): V1PodTemplateSpec {
  const template = structuredClone(replicaSet.spec!.template!);
  if (template.metadata?.labels) delete template.metadata.labels['pod-template-hash'];
  return template;
}
