import { z } from 'zod';

// Response shapes of the Airflow REST API, reduced to the fields this product reads. Airflow 3 serves
// `/api/v2` (FastAPI; schema DAGRunResponse in airflow/api_fastapi/core_api/openapi/v2-rest-api-generated.yaml
// of apache-airflow-core 3.3.2). Airflow 2.x serves `/api/v1` (Connexion; schema DAGRun in
// airflow/api_connexion/openapi/v1.yaml). Unknown fields are dropped, so newer servers still parse.

const timestamp = z.string().nullable();

/** A DAG run as `/api/v2` returns it. */
export const dagRunV2Schema = z.object({
  dag_run_id: z.string(),
  dag_id: z.string(),
  /** queued, running, success or failed. */
  state: z.string(),
  run_type: z.string(),
  queued_at: timestamp.optional(),
  start_date: timestamp,
  end_date: timestamp,
  run_after: z.string().optional(),
  conf: z.record(z.string(), z.unknown()).nullable().optional(),
});

/** A DAG run as `/api/v1` returns it; it has no queued_at and no run_after. */
export const dagRunV1Schema = z.object({
  dag_run_id: z.string(),
  dag_id: z.string(),
  state: z.string(),
  run_type: z.string().optional(),
  logical_date: timestamp.optional(),
  data_interval_end: timestamp.optional(),
  start_date: timestamp,
  end_date: timestamp,
  conf: z.record(z.string(), z.unknown()).nullable().optional(),
});

/** Creates the schema of a page of runs; total_entries counts before limit and offset (null under cursor pagination). */
export function dagRunCollectionSchema<T extends z.ZodType>(run: T) {
  return z.object({
    dag_runs: z.array(run),
    total_entries: z.number().int().nullable().optional(),
  });
}

/** Response of the simple auth manager's `POST /auth/token` (Airflow 3). */
export const tokenResponseSchema = z.object({ access_token: z.string().min(1) });

/**
 * Error body of either API. Airflow 3 sends `{detail}`, where detail is a text, an object, or for 422 a list of
 * validation errors. Airflow 2.x sends RFC 7807 problem details with `title` and `detail`.
 */
export const errorBodySchema = z.object({
  title: z.string().optional(),
  detail: z
    .union([
      z.string(),
      z.array(z.object({ loc: z.array(z.union([z.string(), z.number()])).optional(), msg: z.string() })),
      z.record(z.string(), z.unknown()),
    ])
    .nullable()
    .optional(),
});

export type DagRunV2 = z.output<typeof dagRunV2Schema>;
export type DagRunV1 = z.output<typeof dagRunV1Schema>;
