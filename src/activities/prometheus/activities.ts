import { ApplicationFailure } from '@temporalio/common';
import { formatPrometheusDuration } from '../../runbook/duration';
import type { IndicatorReading, IndicatorRequest, RemediationActivities } from '../contracts';
import { FailureType } from '../errors';
import { queryInstant, type PrometheusClientOptions } from './client';
import { parseSampleValue, sampleTimeToIso, type QueryData } from './response';

export type PrometheusActivityOptions = PrometheusClientOptions;

/** Replaces every `$window` in the indicator query with the range in Prometheus duration syntax. */
export function expandWindow(query: string, windowMs: number): string {
  if (!Number.isInteger(windowMs) || windowMs <= 0) {
    throw ApplicationFailure.nonRetryable(
      `invalid indicator window ${windowMs} ms: it must be a positive whole number of milliseconds`,
      FailureType.InvalidRequest,
    );
  }
  return query.replaceAll('$window', formatPrometheusDuration(windowMs));
}

function describeSeries(metric: Record<string, string>): string {
  const labels = Object.entries(metric).map(([name, value]) => `${name}="${value}"`);
  return `{${labels.join(', ')}}`;
}

/** Converts the query result to a reading; `time` is the evaluation time sent, used when no sample came back. */
export function toReading(query: string, data: QueryData, time: Date): IndicatorReading {
  if (data.resultType === 'scalar') {
    const [timestamp, text] = data.result;
    return { value: parseSampleValue(text, query), query, evaluatedAt: sampleTimeToIso(timestamp) };
  }
  if (data.resultType !== 'vector') {
    throw ApplicationFailure.nonRetryable(
      `Prometheus query "${query}" returned a ${data.resultType}, but an indicator must return an instant vector ` +
        'or a scalar.',
      FailureType.InvalidResponse,
    );
  }
  const [series, ...others] = data.result;
  if (series === undefined) return { value: null, query, evaluatedAt: time.toISOString() };
  if (others.length > 0) {
    const shownSeries = data.result.slice(0, 3).map((sample) => describeSeries(sample.metric));
    throw ApplicationFailure.nonRetryable(
      `Prometheus query "${query}" returned ${data.result.length} series (${shownSeries.join(', ')}); ` +
        'an indicator must aggregate to one series, for example with sum() or max()',
      FailureType.InvalidResponse,
    );
  }
  const [timestamp, text] = series.value;
  return { value: parseSampleValue(text, query), query, evaluatedAt: sampleTimeToIso(timestamp) };
}

/** Creates the `measureIndicator` activity, which evaluates a runbook indicator as an instant query. */
export function createPrometheusActivities(
  options: PrometheusActivityOptions,
): Pick<RemediationActivities, 'measureIndicator'> {
  return {
    async measureIndicator(request: IndicatorRequest): Promise<IndicatorReading> {
      const query = expandWindow(request.query, request.windowMs);
      const time = new Date();
      const data = await queryInstant(options, query, time);
      return toReading(query, data, time);
    },
  };
}
