// The immediate actions of the AR Overlay, ETL Pipeline and BI Dashboards rows.
import { ApplicationFailure } from '@temporalio/workflow';
import type { RemediationAction } from '../../../runbook/schema';
import { airflowChanges, biChanges, cache, chat, completion, featureFlags } from '../activities';
import { formatIndicator } from '../format';
import type { RunState } from '../run-state';
import type { ActionOutcome } from './action-outcome';

type ActionOf<T extends RemediationAction['type']> = Extract<RemediationAction, { type: T }>;

export async function enableFeatureFlag(
  state: RunState,
  action: ActionOf<'feature-flag.enable'>,
): Promise<ActionOutcome> {
  const { incidentId } = state.input;
  const flag = { configMap: action.configMap, key: action.key };
  const where = `${action.configMap.namespace}/${action.configMap.name} key ${action.key}`;
  const result = await featureFlags.setFeatureFlag.executeWithOptions({ summary: `Turn on ${action.key}` }, [
    { incidentId, ...flag, value: 'true' },
  ]);
  state.record(`turned on ${where} (was ${result.previousValue ?? 'unset'})`);
  const end = {
    description: `turn off ${where} (back to ${result.previousValue ?? 'unset'})`,
    run: async () => {
      await featureFlags.restoreFeatureFlag.executeWithOptions({ summary: `Turn off ${action.key}` }, [
        { incidentId, ...flag, value: result.previousValue, onlyIfCurrent: 'true' },
      ]);
    },
  };
  return { undo: end, degradedMode: { afterMs: action.revertAfterSloHolds, end } };
}

export async function clearCache(state: RunState, action: ActionOf<'redis.clear-cache'>): Promise<ActionOutcome> {
  const result = await cache.clearCache.executeWithOptions({ summary: `Clear cache keys ${action.pattern}` }, [
    {
      incidentId: state.input.incidentId,
      redisUrlEnv: action.redisUrlEnv,
      pattern: action.pattern,
      batchSize: action.batchSize,
      maxKeys: action.maxKeys,
    },
  ]);
  const partial = result.complete ? '' : ` and stopped at the limit of ${action.maxKeys} keys`;
  state.record(`cleared ${result.deleted} cache keys matching ${action.pattern} (${result.scanned} scanned)${partial}`);
  return {};
}

export async function restartDagRun(state: RunState): Promise<ActionOutcome> {
  const { incidentId, alert, service } = state.input;
  const dagId =
    alert.labels.dag_id ?? (service.slo.indicator.type === 'airflow-dag-run' ? service.slo.indicator.dagId : '');
  const dagRunId = alert.labels.dag_run_id ?? '';
  const result = await airflowChanges.restartDagRun.executeWithOptions(
    { summary: `Abort ${dagId}/${dagRunId} and start a new run` },
    [{ incidentId, dagId, dagRunId }],
  );
  state.record(`aborted DAG run ${dagId}/${result.abortedRunId} and started ${result.newRunId}`);
  return {
    awaitCompletion: async () => {
      const { completionTimeout } = service.verify;
      const run = await completion.waitForDagRun.executeWithOptions(
        { summary: `Wait for DAG run ${result.newRunId}`, startToCloseTimeout: completionTimeout + 60_000 },
        [{ dagId, dagRunId: result.newRunId, deadline: Date.now() + completionTimeout }],
      );
      const took = formatIndicator(run.durationSeconds, service);
      state.record(`DAG run ${dagId}/${result.newRunId} finished ${run.state} in ${took}`);
      if (run.durationSeconds !== null && run.durationSeconds > service.slo.indicator.threshold) {
        throw ApplicationFailure.nonRetryable(
          `the new DAG run took ${took}, more than the SLO allows`,
          'SloStillBreached',
        );
      }
    },
  };
}

export async function refreshDataset(state: RunState, action: ActionOf<'bi.refresh-dataset'>): Promise<ActionOutcome> {
  const { incidentId, service } = state.input;
  const { workspaceId, datasetId } = action;
  const result = await biChanges.refreshDataset.executeWithOptions({ summary: `Refresh dataset ${datasetId}` }, [
    { incidentId, workspaceId, datasetId },
  ]);
  state.record(`started refresh ${result.refreshId} of dataset ${datasetId}`);
  return {
    awaitCompletion: async () => {
      const { completionTimeout } = service.verify;
      const refresh = await completion.waitForDatasetRefresh.executeWithOptions(
        { summary: `Wait for refresh ${result.refreshId}`, startToCloseTimeout: completionTimeout + 60_000 },
        [{ workspaceId, datasetId, refreshId: result.refreshId, deadline: Date.now() + completionTimeout }],
      );
      const took = formatIndicator(refresh.durationSeconds, service);
      state.record(`refresh ${result.refreshId} of dataset ${datasetId} ${refresh.status} in ${took}`);
      if (refresh.durationSeconds !== null && refresh.durationSeconds > service.slo.indicator.threshold) {
        throw ApplicationFailure.nonRetryable(`the refresh took ${took}, more than the SLO allows`, 'SloStillBreached');
      }
    },
  };
}

export async function notify(state: RunState, action: ActionOf<'notify'>): Promise<ActionOutcome> {
  const { service, incidentId } = state.input;
  const text =
    `${service.name}: ${service.slo.objective} is breached (incident ${incidentId}). ` +
    `Remediation is running: ${state.status.timeline.at(-1)?.event ?? 'starting'}.`;
  await chat.notifyAudience.executeWithOptions({ summary: `Notify ${action.audience}` }, [
    { incidentId, audience: action.audience, webhookUrlEnv: action.webhookUrlEnv, text },
  ]);
  state.record(`notified ${action.audience}`);
  return {};
}
