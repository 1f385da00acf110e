import { z } from 'zod';

/**
 * Labels and annotations as Alertmanager sends them, bounded: every copy goes into workflow history, whose
 * size Temporal limits (50 MB by default), so one oversized alert must not fill it.
 */
const labelSet = z
  .record(
    z.string().max(256, 'label names are at most 256 characters'),
    z.string().max(4096, 'values are at most 4096 characters'),
  )
  .refine((labels) => Object.keys(labels).length <= 64, { message: 'at most 64 labels or annotations per alert' });

/** One alert of an Alertmanager webhook notification. */
export const alertSchema = z.object({
  status: z.enum(['firing', 'resolved']),
  labels: labelSet,
  annotations: labelSet.default({}),
  startsAt: z.iso.datetime({ offset: true }),
  /** Alertmanager sends 0001-01-01T00:00:00Z while an alert fires. */
  endsAt: z.union([z.iso.datetime({ offset: true }), z.literal('')]).default(''),
  generatorURL: z.string().max(4096).default(''),
  fingerprint: z.string().min(1).max(64),
});

/**
 * The body Alertmanager's webhook receiver posts (format version 4). Unknown fields are kept out of the output
 * but do not fail validation, so newer Alertmanager releases that add fields still work.
 */
export const alertmanagerPayloadSchema = z.object({
  version: z.literal('4', { error: 'version must be "4", the Alertmanager webhook format this receiver reads' }),
  groupKey: z.string(),
  truncatedAlerts: z.number().int().nonnegative().default(0),
  status: z.enum(['firing', 'resolved']),
  receiver: z.string(),
  groupLabels: labelSet.default({}),
  commonLabels: labelSet.default({}),
  commonAnnotations: labelSet.default({}),
  externalURL: z.string().default(''),
  alerts: z.array(alertSchema).min(1, 'alerts must contain at least one alert'),
});

export type AlertmanagerAlert = z.output<typeof alertSchema>;
export type AlertmanagerPayload = z.output<typeof alertmanagerPayloadSchema>;
