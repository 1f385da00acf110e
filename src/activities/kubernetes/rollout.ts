import { ApplicationFailure } from '@temporalio/common';
import { Context } from '@temporalio/activity';
import type { AppsV1Api, V1Deployment } from '@kubernetes/client-node';
import type { RolloutRequest, RolloutStatus } from '../contracts';
import { FailureType } from '../failure-types';
import { readRevision } from './annotations';
import { readDeployment } from './update-deployment';

export type RolloutState = { complete: true } | { complete: false; waitingFor: string } | { stuck: string };

/**
 * Judges a Deployment's rollout the way `kubectl rollout status` does: the controller has seen the latest spec,
 * every replica runs the new template, no old replica is left and all new ones are available. A Progressing
 * condition with reason ProgressDeadlineExceeded means the controller gave up, but only once it has observed the
 * latest spec. Before that, the condition belongs to the previous rollout, such as the stuck one a rollback replaces.
 */
export function judgeRollout(deployment: V1Deployment): RolloutState | { stuck: string } {
  const status = deployment.status ?? {};
  const desired = deployment.spec?.replicas ?? 1;
  if ((status.observedGeneration ?? 0) < (deployment.metadata?.generation ?? 0)) {
    return { complete: false, waitingFor: 'the controller to observe the new spec' };
  }
  const progressing = status.conditions?.find((condition) => condition.type === 'Progressing');
  if (progressing?.reason === 'ProgressDeadlineExceeded') {
    return { stuck: `ProgressDeadlineExceeded: ${progressing.message ?? 'the controller reports no progress'}` };
  }
  const updated = status.updatedReplicas ?? 0;
  if (updated < desired) return { complete: false, waitingFor: `${updated} of ${desired} replicas updated` };
  if ((status.replicas ?? 0) > updated) {
    return { complete: false, waitingFor: `${(status.replicas ?? 0) - updated} old replicas pending termination` };
  }
  const available = status.availableReplicas ?? 0;
  if (available < updated)
    return { complete: false, waitingFor: `${available} of ${updated} updated replicas available` };
  return { complete: true };
}

/** Polls the Deployment until its rollout completes, heartbeating each poll; fails as RolloutStuck on the deadline. */
export async function waitForRollout(
  apps: AppsV1Api,
  request: RolloutRequest,
  pollIntervalMs: number,
): Promise<RolloutStatus> {
  const { deployment: ref, deadline } = request;
  const context = Context.current();
  for (;;) {
    const deployment = await readDeployment(apps, ref);
    const state = judgeRollout(deployment);
    if ('stuck' in state) {
      throw ApplicationFailure.nonRetryable(
        `rollout of ${ref.namespace}/${ref.name} is stuck: ${state.stuck}`,
        FailureType.RolloutStuck,
      );
    }
    if (state.complete) {
      return {
        revision: readRevision(deployment.metadata?.annotations),
        updatedReplicas: deployment.status?.updatedReplicas ?? 0,
        availableReplicas: deployment.status?.availableReplicas ?? 0,
        replicas: deployment.spec?.replicas ?? 1,
      };
    }
    if (Date.now() >= deadline) {
      throw ApplicationFailure.nonRetryable(
        `rollout of ${ref.namespace}/${ref.name} did not complete by ${new Date(deadline).toISOString()}: waiting for ${state.waitingFor}`,
        FailureType.RolloutStuck,
      );
    }
    context.heartbeat({ waitingFor: state.waitingFor });
    await context.sleep(Math.min(pollIntervalMs, Math.max(0, deadline - Date.now())));
  }
}
