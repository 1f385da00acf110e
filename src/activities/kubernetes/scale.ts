import { Context } from '@temporalio/activity';
import type { AppsV1Api } from '@kubernetes/client-node';
import type { RestoreReplicasRequest, ScaleResult, ScaleUpRequest } from '../contracts';
import { SCALE_FROM_REPLICAS, SCALE_INCIDENT, SCALE_RESTORED_INCIDENT, SCALE_TO_REPLICAS } from './annotations';
import { updateDeployment } from './update-deployment';

/**
 * Adds `step` replicas without passing `maxReplicas`. The replica count and the incident annotation change in
 * one write, so a retried call sees the annotation and does not add the step twice.
 */
export async function scaleUpDeployment(apps: AppsV1Api, request: ScaleUpRequest): Promise<ScaleResult> {
  const { deployment: ref, incidentId, step, maxReplicas } = request;
  return updateDeployment<ScaleResult>(apps, ref, 'scale up', async (deployment) => {
    const annotations = deployment.metadata?.annotations ?? {};
    if (annotations[SCALE_INCIDENT] === incidentId) {
      const result = {
        fromReplicas: Number(annotations[SCALE_FROM_REPLICAS]),
        toReplicas: Number(annotations[SCALE_TO_REPLICAS]),
        alreadyApplied: true,
      };
      return { write: false, result };
    }
    const fromReplicas = deployment.spec?.replicas ?? 1;
    const toReplicas = Math.max(fromReplicas, Math.min(fromReplicas + step, maxReplicas));
    deployment.spec!.replicas = toReplicas;
    deployment.metadata!.annotations = {
      ...annotations,
      [SCALE_INCIDENT]: incidentId,
      [SCALE_FROM_REPLICAS]: String(fromReplicas),
      [SCALE_TO_REPLICAS]: String(toReplicas),
    };
    Context.current().log.info('Scaling up deployment', { ...ref, incidentId, fromReplicas, toReplicas, maxReplicas });
    return { write: true, result: { fromReplicas, toReplicas, alreadyApplied: false } };
  });
}

/** Scales back to `replicas`, unless someone has changed the count since the scale-up. */
export async function restoreReplicas(apps: AppsV1Api, request: RestoreReplicasRequest): Promise<ScaleResult> {
  const { deployment: ref, incidentId, replicas, onlyIfCurrent } = request;
  return updateDeployment<ScaleResult>(apps, ref, 'restore replicas', async (deployment) => {
    const annotations = deployment.metadata?.annotations ?? {};
    const current = deployment.spec?.replicas ?? 1;
    if (annotations[SCALE_RESTORED_INCIDENT] === incidentId) {
      return { write: false, result: { fromReplicas: onlyIfCurrent, toReplicas: current, alreadyApplied: true } };
    }
    if (current !== onlyIfCurrent) {
      Context.current().log.warn('Replica count changed since the scale-up; leaving it', {
        ...ref,
        current,
        onlyIfCurrent,
      });
      return { write: false, result: { fromReplicas: current, toReplicas: current, alreadyApplied: false } };
    }
    deployment.spec!.replicas = replicas;
    deployment.metadata!.annotations = { ...annotations, [SCALE_RESTORED_INCIDENT]: incidentId };
    return { write: true, result: { fromReplicas: current, toReplicas: replicas, alreadyApplied: false } };
  });
}
