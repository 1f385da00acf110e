import type { IndicatorReading } from '../../activities/contracts';
import type { ServiceRunbook } from '../../runbook/schema';

/** Formats an indicator value in the unit the runbook gives, such as `134 ms`. */
export function formatIndicator(value: number | null, service: ServiceRunbook): string {
  if (value === null) return 'no data';
  const unit = service.slo.indicator.unit;
  if (unit === 'seconds') return value >= 10 ? `${Math.round(value)} s` : `${Math.round(value * 1000)} ms`;
  if (unit === 'ratio') return `${(value * 100).toFixed(2)}%`;
  return String(value);
}

/** Returns true when the reading breaches the SLO; no data is not a breach. */
export function isBreach(reading: IndicatorReading, service: ServiceRunbook): boolean {
  return reading.value !== null && reading.value > service.slo.indicator.threshold;
}

/** Describes a reading against the threshold, such as `indicator 134 ms > 100 ms over 5m`. */
export function describeReading(reading: IndicatorReading, service: ServiceRunbook, range: string): string {
  const comparison = isBreach(reading, service) ? '>' : '<=';
  const threshold = formatIndicator(service.slo.indicator.threshold, service);
  return `indicator ${formatIndicator(reading.value, service)} ${comparison} ${threshold} ${range}`;
}
