import { z } from 'zod';
import { durationSchema } from './duration';
import { envVarName, objectRefSchema } from './schema-primitives';

/** Rolls the row's Deployment back to its previous good revision, as `kubectl rollout undo` does. */
export const rollbackActionSchema = z.strictObject({
  type: z.literal('kubernetes.rollback'),
});

export const scaleUpActionSchema = z.strictObject({
  type: z.literal('kubernetes.scale-up'),
  /** Replicas added by one remediation. */
  step: z.number().int().positive(),
  /** Replica count the scale-up never passes. */
  maxReplicas: z.number().int().positive(),
});

/**
 * Turns on a degraded mode that services read from a ConfigMap key, such as a low-resolution fallback. The saga
 * turns it off again once the SLO has held for `revertAfterSloHolds`.
 */
export const featureFlagActionSchema = z.strictObject({
  type: z.literal('feature-flag.enable'),
  configMap: objectRefSchema,
  /** ConfigMap data key of the flag; the saga writes "true" and restores the earlier value. */
  key: z.string().regex(/^[-._a-zA-Z0-9]+$/, 'must be a valid ConfigMap key (letters, digits, - _ .)'),
  revertAfterSloHolds: durationSchema,
});

/** Deletes cache keys that match a pattern, with SCAN and UNLINK instead of KEYS and DEL, so Redis does not block on a large keyspace. */
export const clearCacheActionSchema = z.strictObject({
  type: z.literal('redis.clear-cache'),
  /** Environment variable that contains the Redis URL, which may carry a password. */
  redisUrlEnv: envVarName,
  /** Glob-style MATCH pattern, such as `render:*`; a bare `*` is refused so a typo cannot empty a shared Redis. */
  pattern: z
    .string()
    .min(1)
    .refine((pattern) => pattern.replace(/\*/g, '') !== '', { message: 'must not match every key; add a prefix' }),
  /** COUNT hint for each SCAN call. */
  batchSize: z.number().int().positive().max(10_000).default(500),
  /** Stop after deleting this many keys, so a bad pattern cannot run for hours. */
  maxKeys: z.number().int().positive().default(1_000_000),
});

/** Fails the overdue DAG run the alert names and starts a new run of the same DAG. */
export const restartDagRunActionSchema = z.strictObject({
  type: z.literal('airflow.restart-dag-run'),
});

/** Starts a refresh of a Power BI dataset behind the dashboards; verification waits for it to finish. */
export const refreshDatasetActionSchema = z.strictObject({
  type: z.literal('bi.refresh-dataset'),
  /** Power BI workspace (group) id. */
  workspaceId: z.string().min(1),
  datasetId: z.string().min(1),
});

/** Sends a chat message as part of the immediate action, such as telling the data team. */
export const notifyActionSchema = z.strictObject({
  type: z.literal('notify'),
  audience: z.string().min(1),
  webhookUrlEnv: envVarName,
});

export const actionSchema = z.discriminatedUnion('type', [
  rollbackActionSchema,
  scaleUpActionSchema,
  featureFlagActionSchema,
  clearCacheActionSchema,
  restartDagRunActionSchema,
  refreshDatasetActionSchema,
  notifyActionSchema,
]);

export type RemediationAction = z.output<typeof actionSchema>;
export type ActionType = RemediationAction['type'];

/** Action types that change the row's Deployment and so need `deployment` and a rollout wait. */
export const KUBERNETES_ACTIONS: ReadonlySet<ActionType> = new Set(['kubernetes.rollback', 'kubernetes.scale-up']);
