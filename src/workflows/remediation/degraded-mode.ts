import { sleep } from '@temporalio/workflow';
import { formatPrometheusDuration } from '../../runbook/duration';
import type { ActionOutcome } from './actions/action-outcome';
import { describeFailure } from './failure-text';
import { measurePrometheus } from './measurement';
import type { RunState } from './run-state';

/** Hold periods the saga waits for the SLO before it gives up and escalates, so people end the degraded mode. */
const MAX_HOLD_PERIODS = 6;

/**
 * Ends each degraded mode the actions turned on, once the SLO has held for its hold period. Returns a reason
 * when a mode could not be ended, so the saga escalates; undefined when every mode ended.
 */
export async function endDegradedModes(state: RunState, outcomes: ActionOutcome[]): Promise<string | undefined> {
  for (const { degradedMode } of outcomes) {
    if (!degradedMode) continue;
    const hold = formatPrometheusDuration(degradedMode.afterMs);
    let held = false;
    for (let period = 1; period <= MAX_HOLD_PERIODS && !held; period++) {
      await sleep(degradedMode.afterMs, {
        summary: `Wait ${hold} for the SLO to hold before: ${degradedMode.end.description}`,
      });
      const measurement =
        state.input.service.slo.indicator.type === 'prometheus'
          ? await measurePrometheus(state, degradedMode.afterMs, `Check the SLO held for ${hold}`)
          : undefined;
      held = measurement !== undefined && !measurement.breached;
    }
    if (!held) return `the SLO did not hold for ${hold} in ${MAX_HOLD_PERIODS} tries, so the degraded mode stays on`;
    try {
      await degradedMode.end.run();
      state.record(`SLO held for ${hold}: ${degradedMode.end.description}`);
    } catch (error) {
      return `ending the degraded mode failed (${degradedMode.end.description}): ${describeFailure(error)}`;
    }
  }
  return undefined;
}
