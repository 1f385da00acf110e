import type { IndicatorReading } from '../../activities/contracts';
import { formatPrometheusDuration } from '../../runbook/duration';
import { airflowReads, prometheus } from './activities';
import { describeFailure } from './failure-text';
import { describeReading, isBreach } from './format';
import type { RunState } from './run-state';

/** A reading of the row's indicator and whether it breaches the SLO. */
export interface Measurement {
  reading: IndicatorReading;
  breached: boolean;
}

/** Reads a Prometheus indicator over `windowMs`; returns undefined, after recording why, when Prometheus fails. */
export async function measurePrometheus(
  state: RunState,
  windowMs: number,
  summary: string,
): Promise<Measurement | undefined> {
  const { service } = state.input;
  const indicator = service.slo.indicator;
  if (indicator.type !== 'prometheus') throw new Error(`measurePrometheus called for a ${indicator.type} indicator`);
  const window = formatPrometheusDuration(windowMs);
  try {
    const reading = await prometheus.measureIndicator.executeWithOptions({ summary }, [
      { serviceId: service.id, query: indicator.query, windowMs },
    ]);
    state.record(describeReading(reading, service, `over ${window}`));
    return { reading, breached: isBreach(reading, service) };
  } catch (error) {
    state.record(`Prometheus query over ${window} failed: ${describeFailure(error)}`);
    return undefined;
  }
}

/**
 * Reads the Airflow DAG run the alert names. A run breaches while it is still queued or running past the
 * threshold; a run that has finished, late or not, needs no restart.
 */
export async function measureDagRun(state: RunState): Promise<Measurement | undefined> {
  const { service, alert } = state.input;
  const indicator = service.slo.indicator;
  const dagId = alert.labels.dag_id ?? (indicator.type === 'airflow-dag-run' ? indicator.dagId : '');
  const dagRunId = alert.labels.dag_run_id;
  if (!dagRunId) {
    state.record('the alert names no dag_run_id label, so the run cannot be checked');
    return undefined;
  }
  try {
    const run = await airflowReads.readDagRun.executeWithOptions({ summary: `Read DAG run ${dagId}/${dagRunId}` }, [
      { dagId, dagRunId },
    ]);
    const reading: IndicatorReading = {
      value: run.durationSeconds,
      query: `${dagId}/${dagRunId}`,
      evaluatedAt: new Date().toISOString(),
    };
    const active = run.state === 'running' || run.state === 'queued';
    state.record(`DAG run ${dagId}/${dagRunId} is ${run.state}; ${describeReading(reading, service, 'so far')}`);
    return { reading, breached: active && isBreach(reading, service) };
  } catch (error) {
    state.record(`reading DAG run ${dagId}/${dagRunId} failed: ${describeFailure(error)}`);
    return undefined;
  }
}

/** Confirms the breach the alert reports, with the check that fits the row's indicator. */
export function confirmBreach(state: RunState): Promise<Measurement | undefined> {
  const { trigger, slo } = state.input.service;
  if (slo.indicator.type === 'airflow-dag-run') return measureDagRun(state);
  const windowMs = trigger.source === 'prometheus-alert' ? Math.max(trigger.for, trigger.ruleWindow) : 60_000;
  return measurePrometheus(state, windowMs, 'Confirm the breach over the trigger window');
}
