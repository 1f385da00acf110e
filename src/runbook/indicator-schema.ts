import { z } from 'zod';
import { slug } from './schema-primitives';

/**
 * A Prometheus service level indicator. The query must contain `$window`, which the alert rule, the detection
 * check and the verification check each replace with their own range.
 */
export const prometheusIndicatorSchema = z.strictObject({
  type: z.literal('prometheus'),
  query: z
    .string()
    .min(1)
    .refine((query) => query.includes('$window'), {
      message: 'must contain $window where the range goes, such as rate(metric_bucket[$window])',
    }),
  /** The SLO holds while the indicator stays at or below this value, in the query's own unit. */
  threshold: z.number().positive(),
  /** Unit of the query's result, shown in messages. */
  unit: z.enum(['seconds', 'ratio', 'count']),
});

/**
 * The run time of an Airflow DAG run, in seconds. Detection reads the run the alert names (labels `dag_id` and
 * `dag_run_id`); verification reads the run the saga started in its place.
 */
export const airflowIndicatorSchema = z.strictObject({
  type: z.literal('airflow-dag-run'),
  dagId: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'must be an Airflow DAG id (letters, digits, _ . -)'),
  /** Maximum acceptable end-to-end run time, in seconds. */
  threshold: z.number().positive(),
  unit: z.literal('seconds').default('seconds'),
});

export const indicatorSchema = z.discriminatedUnion('type', [prometheusIndicatorSchema, airflowIndicatorSchema]);

export const sloSchema = z.strictObject({
  /** Objective of the SLO, in the words of the runbook table. */
  objective: z.string().min(1),
  indicator: indicatorSchema,
});

/** Labels a Prometheus or watchdog alert must carry; kept apart so both alert sources share it. */
export const alertLabelsSchema = z.record(z.string(), z.string().min(1)).superRefine((labels, ctx) => {
  if (Object.keys(labels).length === 0) {
    ctx.addIssue({ code: 'custom', message: 'must name at least one label, such as service: genai-api' });
  }
  for (const name of Object.keys(labels)) {
    if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(name)) {
      ctx.addIssue({ code: 'custom', path: [name], message: 'must be a Prometheus label name (letters, digits, _)' });
    }
  }
});

export { slug };
