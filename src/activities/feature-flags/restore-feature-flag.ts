import { Context } from '@temporalio/activity';
import type { CoreV1Api } from '@kubernetes/client-node';
import type { FeatureFlagResult, RestoreFeatureFlagRequest } from '../contracts';
import { readFlag, readFlagChanges, writeFlag, writeFlagChange } from './flag-changes';
import { updateConfigMap } from './update-config-map';

/**
 * Puts the flag back to `value` (null deletes the key), but only while the key still contains `onlyIfCurrent` and
 * no other incident has changed it since, so a change by a person or a later incident wins. The restore marks
 * the change record with the incident id, so a retried call returns without writing again.
 */
export async function restoreFeatureFlag(
  core: CoreV1Api,
  request: RestoreFeatureFlagRequest,
): Promise<FeatureFlagResult> {
  const { configMap: ref, key, incidentId, value, onlyIfCurrent } = request;
  return updateConfigMap<FeatureFlagResult>(core, ref, key, 'restore feature flag', (configMap) => {
    const earlier = readFlagChanges(configMap)[key];
    const current = readFlag(configMap, key);
    const unchanged = { previousValue: current, value: current, alreadyApplied: false };
    if (earlier?.setBy === incidentId && earlier.restoredBy === incidentId) {
      return { write: false, result: { previousValue: onlyIfCurrent, value, alreadyApplied: true } };
    }
    if (earlier && earlier.setBy !== incidentId && earlier.restoredBy === undefined) {
      Context.current().log.warn('Feature flag left as it is because another incident changed it since', {
        ...ref,
        key,
        incidentId,
        otherIncidentId: earlier.setBy,
      });
      return { write: false, result: unchanged };
    }
    if (current !== onlyIfCurrent) {
      Context.current().log.warn('Feature flag left as it is because it changed since it was set', {
        ...ref,
        key,
        incidentId,
        current,
        onlyIfCurrent,
      });
      return { write: false, result: unchanged };
    }
    writeFlag(configMap, key, value);
    // Without this incident's record (someone removed the annotation) the record is rebuilt from the request.
    const setRecord =
      earlier?.setBy === incidentId ? earlier : { setBy: incidentId, previousValue: value, value: onlyIfCurrent };
    writeFlagChange(configMap, key, { ...setRecord, restoredBy: incidentId });
    Context.current().log.info('Restoring feature flag', { ...ref, key, incidentId, from: current, to: value });
    return { write: true, result: { previousValue: current, value, alreadyApplied: false } };
  });
}
