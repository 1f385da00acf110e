import { Context } from '@temporalio/activity';
import type { CoreV1Api } from '@kubernetes/client-node';
import type { FeatureFlagResult, SetFeatureFlagRequest } from '../contracts';
import { readFlag, readFlagChanges, writeFlag, writeFlagChange } from './flag-changes';
import { updateConfigMap } from './update-config-map';

/**
 * Writes `value` to the flag key. The value and the change record (incident id and previous value) go into the
 * ConfigMap in one write, so a retried call finds the record and returns the earlier result without writing.
 * A change of the same key by another incident that is still open is replaced: its record is overwritten and
 * `previousValue` is the value that incident wrote.
 */
export async function setFeatureFlag(core: CoreV1Api, request: SetFeatureFlagRequest): Promise<FeatureFlagResult> {
  const { configMap: ref, key, incidentId, value } = request;
  return updateConfigMap<FeatureFlagResult>(core, ref, key, 'set feature flag', (configMap) => {
    const earlier = readFlagChanges(configMap)[key];
    if (earlier && earlier.setBy === incidentId && earlier.restoredBy === undefined) {
      const result = { previousValue: earlier.previousValue, value: earlier.value, alreadyApplied: true };
      return { write: false, result };
    }
    const previousValue = readFlag(configMap, key);
    writeFlag(configMap, key, value);
    writeFlagChange(configMap, key, { setBy: incidentId, previousValue, value });
    Context.current().log.info('Setting feature flag', { ...ref, key, incidentId, previousValue, value });
    return { write: true, result: { previousValue, value, alreadyApplied: false } };
  });
}
