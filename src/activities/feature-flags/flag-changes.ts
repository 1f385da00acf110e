import { ApplicationFailure } from '@temporalio/common';
import type { V1ConfigMap } from '@kubernetes/client-node';
import { z } from 'zod';
import { FailureType } from '../failure-types';

/**
 * Annotation on the ConfigMap with one record per flag key that an incident changed. It makes both activities
 * idempotent: a retried call finds its incident id and returns the earlier result, and the value from before
 * the first change stays in `previousValue` however often the call repeats. A JSON map is used in place of one
 * annotation per key because an annotation name allows 63 characters and a ConfigMap key 253.
 */
export const FLAG_CHANGES_ANNOTATION = 'slo-autopilot.io/feature-flag-changes';

const flagChangeSchema = z.object({
  /** Incident that wrote `value`. */
  setBy: z.string(),
  /** Value before that incident's write, or null when the key was absent. */
  previousValue: z.string().nullable(),
  value: z.string(),
  /** Incident that put `previousValue` back, once it has. */
  restoredBy: z.string().optional(),
});

const flagChangesSchema = z.record(z.string(), flagChangeSchema);

export type FlagChange = z.output<typeof flagChangeSchema>;
export type FlagChanges = z.output<typeof flagChangesSchema>;

/** Reads the change records of a ConfigMap, which are empty when no incident has changed a flag in it. */
export function readFlagChanges(configMap: V1ConfigMap): FlagChanges {
  const text = configMap.metadata?.annotations?.[FLAG_CHANGES_ANNOTATION];
  if (text === undefined) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const result = flagChangesSchema.safeParse(parsed);
  if (!result.success) {
    const { namespace, name } = configMap.metadata ?? {};
    // Guessing here could overwrite the value to restore, so a person has to repair or remove the annotation.
    throw ApplicationFailure.nonRetryable(
      `annotation ${FLAG_CHANGES_ANNOTATION} on configmap ${namespace}/${name} is not a valid JSON map of ` +
        'flag changes. Repair it, or remove it if no incident has a flag change open.',
      FailureType.InvalidRequest,
    );
  }
  return result.data;
}

/** Stores the change record of `key` in the ConfigMap's annotations, in place. */
export function writeFlagChange(configMap: V1ConfigMap, key: string, change: FlagChange): void {
  const changes = { ...readFlagChanges(configMap), [key]: change };
  configMap.metadata = configMap.metadata ?? {};
  configMap.metadata.annotations = {
    ...configMap.metadata.annotations,
    [FLAG_CHANGES_ANNOTATION]: JSON.stringify(changes),
  };
}

/** Returns the value of a data key, or null when the key is absent. */
export function readFlag(configMap: V1ConfigMap, key: string): string | null {
  return configMap.data?.[key] ?? null;
}

/** Sets a data key, or deletes it when `value` is null, in place. */
export function writeFlag(configMap: V1ConfigMap, key: string, value: string | null): void {
  const data = { ...configMap.data };
  if (value === null) delete data[key];
  else data[key] = value;
  configMap.data = data;
}
