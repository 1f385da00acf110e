import { z } from 'zod';

const labelSet = z.record(z.string(), z.string());

/** One alert of an Alertmanager webhook notification. */
export const alertSchema = z.object({
  status: z.enum(['firing', 'resolved']),
  labels: labelSet,
  annotations: labelSet.default({}),
  startsAt: z.iso.datetime({ offset: true }),
  endsAt: z.string().default(''),
  generatorURL: z.string().default(''),
  fingerprint: z.string().min(1),
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
