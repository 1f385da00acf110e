import { ApplicationFailure, CancellationScope, continueAsNew, setHandler, sleep } from '@temporalio/workflow';
import type { ActionOutcome } from './actions/action-outcome';
import { runAction } from './actions/run-action';
import { endDegradedModes } from './degraded-mode';
import { buildIncidentSummary, escalateThroughLevels, notifyAudiences, pageLevel } from './escalation';
import { describeFailure } from './failure-text';
import { commentOutcome, openIncidentTicket, saveIncidentRecord } from './incident-record';
import { confirmBreach, measurePrometheus } from './measurement';
import { acknowledgeSignal, acknowledgeUpdate, alertFiringSignal, alertResolvedSignal, statusQuery } from './messages';
import { incidentIdFor } from './ids';
import { RunState } from './run-state';
import type {
  AcknowledgeRequest,
  AcknowledgeResult,
  RemediationInput,
  RemediationOutcome,
  RemediationResult,
} from './types';

/**
 * Remediates one SLO incident of one runbook row. It confirms the breach, runs the row's immediate actions, waits
 * for their work and checks the SLO again, and ends any degraded mode once the SLO holds. When a step fails, it
 * escalates.
 */
export async function remediationSaga(input: RemediationInput): Promise<RemediationResult> {
  const state = new RunState(input);
  installHandlers(state);
  const result = await remediate(state);
  if (state.followUp) {
    // A newer alert arrived while this incident was handled: it may be a new breach, so a fresh run checks it.
    const alert = state.followUp;
    state.record(`alert ${alert.fingerprint} fired again at ${alert.startsAt}; continuing as a new run to check it`);
    await continueAsNew<typeof remediationSaga>({
      ...input,
      alert,
      incidentId: incidentIdFor(input.service.id, alert.startsAt),
    });
  }
  return result;
}

async function remediate(state: RunState): Promise<RemediationResult> {
  const { input } = state;
  const { service } = input;
  state.record(`alert ${input.alert.fingerprint} firing since ${input.alert.startsAt}; SLO: ${service.slo.objective}`);

  const detection = await confirmBreach(state);
  if (!detection) return escalateAndFinish(state, 'the breach could not be checked');
  if (!detection.breached) return finish(state, 'not-confirmed', 'the breach is not confirmed');
  await saveIncidentRecord(state, 'detected');
  if (state.alertResolved)
    return finishIncident(state, 'resolved-before-mitigation', 'the alert resolved before any action ran');
  if (service.escalation.pageWhen === 'immediately') {
    const first = service.escalation.levels[0]!;
    await pageLevel(
      state,
      first,
      1,
      buildIncidentSummary(state, `${service.name}: ${service.slo.objective} breached; remediation started`),
    );
  }

  state.enter('mitigate');
  const outcomes: ActionOutcome[] = [];
  for (const action of service.actions) {
    if (outcomes.length === 0 && state.alertResolved) {
      return finishIncident(state, 'resolved-before-mitigation', 'the alert resolved before any action ran');
    }
    try {
      outcomes.push(await runAction(action, state));
    } catch (error) {
      state.record(`${action.type} failed: ${describeFailure(error)}`);
      if (service.compensation.onActionFailed) await compensate(state, outcomes);
      return escalateAndFinish(state, `${action.type} failed`);
    }
  }
  await saveIncidentRecord(state, 'mitigated, verifying');

  state.enter('verify');
  const incomplete = await awaitCompletions(state, outcomes);
  if (incomplete) {
    if (service.compensation.onCompletionTimeout) await compensate(state, outcomes);
    return escalateAndFinish(state, incomplete);
  }
  if (service.verify.window !== undefined) {
    await sleep(service.verify.window, { summary: 'Let the SLO settle over the verify window' });
    const verification = await measurePrometheus(state, service.verify.window, 'Check the SLO over the verify window');
    if (!verification) return escalateAndFinish(state, 'the SLO could not be checked after mitigation');
    if (verification.breached) {
      if (service.compensation.onSloStillBreached) await compensate(state, outcomes);
      return escalateAndFinish(state, 'the SLO is still breached after mitigation');
    }
  }
  const stuckInDegradedMode = await endDegradedModes(state, outcomes);
  if (stuckInDegradedMode) return escalateAndFinish(state, stuckInDegradedMode);
  return finishIncident(state, 'mitigated', 'the actions ran and the SLO holds again');
}

function installHandlers(state: RunState): void {
  setHandler(statusQuery, () => state.status);
  setHandler(alertResolvedSignal, ({ endsAt }) => {
    if (state.alertResolved) return;
    state.status.alertResolvedAt = endsAt;
    state.record(`Alertmanager reports the alert resolved at ${endsAt}`);
  });
  setHandler(alertFiringSignal, (alert) => {
    state.status.firingDeliveries += 1;
    const newer = Date.parse(alert.startsAt) > Date.parse(state.input.alert.startsAt);
    const earliest = !state.followUp || Date.parse(alert.startsAt) < Date.parse(state.followUp.startsAt);
    if (newer && earliest) state.followUp = alert;
  });
  setHandler(acknowledgeSignal, (request) => void acknowledge(state, request));
  setHandler(acknowledgeUpdate, (request) => acknowledge(state, request), {
    validator: (request) => {
      if (!request.by?.trim()) throw new Error('acknowledge needs "by": who takes the page');
    },
  });
}

function acknowledge(state: RunState, request: AcknowledgeRequest): AcknowledgeResult {
  const level = state.status.escalationLevel;
  if (level === undefined) return { accepted: false, message: 'no page to acknowledge: nobody has been paged yet' };
  if (state.acknowledged)
    return { accepted: false, level, message: `already acknowledged by ${state.status.acknowledgedBy}` };
  state.status.acknowledgedBy = request.by;
  const note = request.note ? `: ${request.note}` : '';
  state.record(`${request.by} acknowledged the level ${level} page${note}`);
  return { accepted: true, level, message: `acknowledged level ${level}` };
}

/** Waits for the work each action started, one wait per completion key; returns why it failed, if it did. */
async function awaitCompletions(state: RunState, outcomes: ActionOutcome[]): Promise<string | undefined> {
  const seen = new Set<string>();
  for (const [index, outcome] of outcomes.entries()) {
    if (!outcome.awaitCompletion) continue;
    const key = outcome.completionKey ?? `action-${index}`;
    if (seen.has(key)) continue;
    seen.add(key);
    try {
      await outcome.awaitCompletion();
    } catch (error) {
      const reason = describeFailure(error);
      state.record(`the work the actions started did not finish within the SLO: ${reason}`);
      return `the work the actions started did not finish within the SLO (${reason})`;
    }
  }
  return undefined;
}

/** Runs the undo steps newest first. A failed undo is recorded and the rest still run. */
async function compensate(state: RunState, outcomes: ActionOutcome[]): Promise<void> {
  await CancellationScope.nonCancellable(async () => {
    for (const { undo } of [...outcomes].reverse()) {
      if (!undo) continue;
      try {
        await undo.run();
        state.record(`compensated: ${undo.description}`);
      } catch (error) {
        state.record(`compensation failed (${undo.description}): ${describeFailure(error)}`);
      }
    }
  });
}

async function escalateAndFinish(state: RunState, reason: string): Promise<RemediationResult> {
  const { service } = state.input;
  state.enter('escalate');
  await saveIncidentRecord(state, 'escalating');
  await openIncidentTicket(state, reason);
  const incident = buildIncidentSummary(state, `${service.name}: ${reason}`);
  await notifyAudiences(state, incident);
  const delivered = await escalateThroughLevels(state, incident);
  if (delivered === 0) {
    state.record('no page was delivered');
    await finishIncident(state, 'escalation-failed', reason);
    throw ApplicationFailure.nonRetryable(`${reason}, and no page could be delivered`, 'EscalationFailed');
  }
  return finishIncident(state, 'escalated', reason);
}

/** Finishes a confirmed incident: the record and the ticket get the outcome. */
async function finishIncident(
  state: RunState,
  outcome: RemediationOutcome,
  reason: string,
): Promise<RemediationResult> {
  const result = finish(state, outcome, reason);
  await saveIncidentRecord(state, outcome, true);
  await commentOutcome(state, outcome, reason);
  return result;
}

function finish(state: RunState, outcome: RemediationOutcome, reason: string): RemediationResult {
  state.record(`finished: ${outcome} (${reason})`);
  state.finish(outcome);
  return { outcome, reason, timeline: state.status.timeline };
}
