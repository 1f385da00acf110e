// Annotations the remediation writes on Deployments and ReplicaSets. They make each action idempotent: a retried
// or replayed activity finds its own incident id and returns the earlier result instead of acting again.
const PREFIX = 'slo-autopilot.io';

/** Revision number the Deployment controller keeps on Deployments and ReplicaSets. */
export const REVISION = 'deployment.kubernetes.io/revision';

export const ROLLBACK_INCIDENT = `${PREFIX}/rollback-incident`;
export const ROLLBACK_FROM_REVISION = `${PREFIX}/rollback-from-revision`;
export const ROLLBACK_FROM_REPLICASET = `${PREFIX}/rollback-from-replicaset`;
export const ROLLBACK_TO_REVISION = `${PREFIX}/rollback-to-revision`;
export const ROLLBACK_UNDONE_INCIDENT = `${PREFIX}/rollback-undone-incident`;

/** On a ReplicaSet: the incident that rolled away from it. Later rollbacks skip such ReplicaSets. */
export const BAD_REVISION_INCIDENT = `${PREFIX}/bad-revision-incident`;

export const SCALE_INCIDENT = `${PREFIX}/scale-incident`;
export const SCALE_FROM_REPLICAS = `${PREFIX}/scale-from-replicas`;
export const SCALE_TO_REPLICAS = `${PREFIX}/scale-to-replicas`;
export const SCALE_RESTORED_INCIDENT = `${PREFIX}/scale-restored-incident`;

/** Reads a revision annotation; returns 0 when it is absent or not a number. */
export function readRevision(annotations: Record<string, string> | undefined): number {
  const value = Number(annotations?.[REVISION]);
  return Number.isInteger(value) ? value : 0;
}
