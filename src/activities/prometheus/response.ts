import { ApplicationFailure } from '@temporalio/common';
import { z } from 'zod';
import { FailureType } from '../errors';

// Shapes of the Prometheus HTTP API (`/api/v1/query`), as documented at
// https://prometheus.io/docs/prometheus/latest/querying/api/. Sample values are strings so that NaN and
// ±Inf survive JSON; timestamps are Unix seconds with a fraction.

const samplePairSchema = z.tuple([z.number(), z.string()]);

const vectorDataSchema = z.object({
  resultType: z.literal('vector'),
  result: z.array(z.object({ metric: z.record(z.string(), z.string()), value: samplePairSchema })),
});

const scalarDataSchema = z.object({
  resultType: z.literal('scalar'),
  result: samplePairSchema,
});

/** Range vectors and strings, which are valid results but never an indicator value. */
const otherDataSchema = z.object({
  resultType: z.enum(['matrix', 'string']),
  result: z.unknown(),
});

export const queryDataSchema = z.discriminatedUnion('resultType', [
  vectorDataSchema,
  scalarDataSchema,
  otherDataSchema,
]);

export const querySuccessSchema = z.object({
  status: z.literal('success'),
  data: queryDataSchema,
  warnings: z.array(z.string()).optional(),
});

export const apiErrorSchema = z.object({
  status: z.literal('error'),
  /** Such as bad_data (400), execution (422), timeout or canceled (503). */
  errorType: z.string(),
  error: z.string(),
});

export const queryResponseSchema = z.discriminatedUnion('status', [querySuccessSchema, apiErrorSchema]);

export type QueryData = z.output<typeof queryDataSchema>;
export type SamplePair = z.output<typeof samplePairSchema>;

/**
 * Converts a sample value string to a number. NaN becomes null, because the indicator has no data (such as
 * histogram_quantile over zero requests).
 *
 * ±Inf becomes ±Number.MAX_VALUE, because the Temporal JSON payload converter serializes Infinity as null,
 * which the workflow would read as "no traffic". histogram_quantile returns +Inf when the quantile lies in
 * the +Inf bucket, which is a breach, not missing data.
 */
export function parseSampleValue(text: string, query: string): number | null {
  if (text === 'NaN') return null;
  if (text === '+Inf') return Number.MAX_VALUE;
  if (text === '-Inf') return -Number.MAX_VALUE;
  const value = Number(text);
  if (text.trim() === '' || Number.isNaN(value)) {
    throw ApplicationFailure.nonRetryable(
      `Prometheus query "${query}" returned the sample value "${text}", which is not a number`,
      FailureType.InvalidResponse,
    );
  }
  return value;
}

/** Formats a sample timestamp (Unix seconds with a fraction) as ISO 8601. */
export function sampleTimeToIso(seconds: number): string {
  return new Date(Math.round(seconds * 1000)).toISOString();
}
