import { z } from 'zod';

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;
const DURATION_PATTERN = /^(\d{1,9})(ms|s|m|h)$/;

/** Maximum duration a runbook may give, 366 days: enough for any window, and finite, which Prometheus requires. */
export const MAX_DURATION_MS = 366 * 24 * 3_600_000;

/** Converts a duration such as `5m` or `250ms` to milliseconds; returns undefined when the text is not one. */
export function parseDuration(text: string): number | undefined {
  const match = DURATION_PATTERN.exec(text);
  if (!match) return undefined;
  const ms = Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
  return ms <= MAX_DURATION_MS ? ms : undefined;
}

/** Formats milliseconds in Prometheus duration syntax, using the largest unit that divides evenly. */
export function formatPrometheusDuration(ms: number): string {
  if (ms === 0) return '0s';
  for (const unit of ['h', 'm', 's'] as const) {
    if (ms % UNIT_MS[unit] === 0) return `${ms / UNIT_MS[unit]}${unit}`;
  }
  return `${ms}ms`;
}

/** Schema of a positive duration written as a whole number and a unit (ms, s, m, h), parsed to milliseconds. */
export const durationSchema = z.string().transform((text, ctx) => {
  const ms = parseDuration(text.trim());
  if (ms === undefined || ms <= 0) {
    ctx.addIssue({
      code: 'custom',
      message: `invalid duration "${text}": write a positive whole number followed by ms, s, m or h, such as 5m`,
    });
    return z.NEVER;
  }
  return ms;
});

/** Schema of a duration that may be zero, such as an alert rule's `for: 0s` that fires on the first breach. */
export const nonNegativeDurationSchema = z.string().transform((text, ctx) => {
  const ms = parseDuration(text.trim());
  if (ms === undefined) {
    ctx.addIssue({
      code: 'custom',
      message: `invalid duration "${text}": write a whole number followed by ms, s, m or h, such as 0s or 5m, at most 366 days`,
    });
    return z.NEVER;
  }
  return ms;
});
