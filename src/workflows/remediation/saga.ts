import { ApplicationFailure, CancellationScope, setHandler, sleep, workflowInfo } from '@temporalio/workflow';
import type { IndicatorReading } from '../../activities/contracts';
import { formatPrometheusDuration } from '../../runbook/duration';
import { prometheus, rollout } from './activities';
import { buildIncidentSummary, describeFailure, escalate } from './escalation';
import { describeReading, isBreach } from './format';
import { alertFiringSignal, alertResolvedSignal, statusQuery } from './messages';
import { runAction, type Compensation } from './mitigation';
import { RunState } from './run-state';
import type { RemediationInput, RemediationOutcome, RemediationResult } from './types';

/**
 * Remediates one SLO incident of one runbook row: detect (confirm the breach in Prometheus), mitigate (run the
 * row's immediate actions), verify (wait for the rollout, then check the SLO again) and escalate when mitigation
 * or verification fails.
 */
export async function remediationSaga(input: RemediationInput): Promise<RemediationResult> {
  const state = new RunState(input);
  installHandlers(state);
  const { service } = input;
  state.record(`alert ${input.alert.fingerprint} firing since ${input.alert.startsAt}; SLO: ${service.slo.objective}`);

  const detection = await measure(state, service.trigger.for, 'Confirm the breach over the trigger window');
  if (!detection) return escalateAndFinish(state, 'the breach could not be checked in Prometheus');
  if (!isBreach(detection, service)) {
    return finish(
      state,
      'not-confirmed',
      `Prometheus does not confirm the breach (${describeReading(detection, service, formatPrometheusDuration(service.trigger.for))})`,
    );
  }
  if (state.alertResolved)
    return finish(state, 'resolved-before-mitigation', 'the alert resolved before any action ran');
  if (service.escalation.pageWhen === 'immediately') {
    await escalate(state, summarize(state, `${service.slo.objective} breached; remediation started`));
  }

  state.enter('mitigate');
  const compensations: Compensation[] = [];
  for (const action of service.actions) {
    if (compensations.length === 0 && state.alertResolved) {
      return finish(state, 'resolved-before-mitigation', 'the alert resolved before any action ran');
    }
    try {
      compensations.push(await runAction(action, state));
    } catch (error) {
      state.record(`${action.type} failed: ${describeFailure(error)}`);
      if (service.compensation.onActionFailed) await compensate(state, compensations);
      return escalateAndFinish(state, `${action.type} failed`);
    }
  }

  state.enter('verify');
  const rolledOut = await waitForRollout(state);
  if (!rolledOut) {
    if (service.compensation.onRolloutStuck) await compensate(state, compensations);
    return escalateAndFinish(state, 'the rollout of the mitigated deployment did not complete');
  }
  await sleep(service.verify.window, { summary: 'Let the SLO settle over the verify window' });
  const verification = await measure(state, service.verify.window, 'Check the SLO over the verify window');
  if (!verification) return escalateAndFinish(state, 'the SLO could not be checked after mitigation');
  if (isBreach(verification, service)) {
    if (service.compensation.onSloStillBreached) await compensate(state, compensations);
    return escalateAndFinish(state, 'the SLO is still breached after mitigation');
  }
  return finish(state, 'mitigated', 'the actions ran and the SLO holds again');
}

function installHandlers(state: RunState): void {
  setHandler(statusQuery, () => state.status);
  setHandler(alertResolvedSignal, ({ endsAt }) => {
    if (state.alertResolved) return;
    state.status.alertResolvedAt = endsAt;
    state.record(`Alertmanager reports the alert resolved at ${endsAt}`);
  });
  setHandler(alertFiringSignal, () => {
    state.status.firingDeliveries += 1;
  });
}

/** Reads the indicator over `windowMs`; returns undefined, after recording why, when Prometheus cannot answer. */
async function measure(state: RunState, windowMs: number, summary: string): Promise<IndicatorReading | undefined> {
  const { service } = state.input;
  const window = formatPrometheusDuration(windowMs);
  try {
    const reading = await prometheus.measureIndicator.executeWithOptions({ summary }, [
      { serviceId: service.id, query: service.slo.indicator.query, windowMs },
    ]);
    state.record(describeReading(reading, service, window));
    return reading;
  } catch (error) {
    state.record(`Prometheus query over ${window} failed: ${describeFailure(error)}`);
    return undefined;
  }
}

async function waitForRollout(state: RunState): Promise<boolean> {
  const { deployment, verify } = state.input.service;
  const target = `${deployment.namespace}/${deployment.name}`;
  try {
    const status = await rollout.waitForRollout.executeWithOptions(
      { summary: `Wait for the rollout of ${target}`, startToCloseTimeout: verify.rolloutTimeout + 60_000 },
      [{ deployment, deadline: Date.now() + verify.rolloutTimeout }],
    );
    state.record(
      `rollout of ${target} complete at revision ${status.revision}: ${status.availableReplicas}/${status.replicas} available`,
    );
    return true;
  } catch (error) {
    state.record(`rollout of ${target} did not complete: ${describeFailure(error)}`);
    return false;
  }
}

/** Runs the undo steps newest first. A failed undo is recorded and the rest still run. */
async function compensate(state: RunState, compensations: Compensation[]): Promise<void> {
  await CancellationScope.nonCancellable(async () => {
    for (const compensation of [...compensations].reverse()) {
      try {
        await compensation.run();
        state.record(`compensated: ${compensation.description}`);
      } catch (error) {
        state.record(`compensation failed (${compensation.description}): ${describeFailure(error)}`);
      }
    }
  });
}

function summarize(state: RunState, headline: string) {
  const info = workflowInfo();
  return buildIncidentSummary(state, `${state.input.service.name}: ${headline}`, info.runId, info.workflowId);
}

async function escalateAndFinish(state: RunState, reason: string): Promise<RemediationResult> {
  state.enter('escalate');
  const delivered = await escalate(state, summarize(state, reason));
  if (delivered === 0) {
    state.record('no page was delivered');
    finish(state, 'escalation-failed', reason);
    throw ApplicationFailure.nonRetryable(`${reason}, and no page could be delivered`, 'EscalationFailed');
  }
  return finish(state, 'escalated', reason);
}

function finish(state: RunState, outcome: RemediationOutcome, reason: string): RemediationResult {
  state.record(`finished: ${outcome} (${reason})`);
  state.finish(outcome);
  return { outcome, reason, timeline: state.status.timeline };
}
