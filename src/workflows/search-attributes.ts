import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** Runbook service id of a remediation run, such as `genai-api`. */
export const SLO_SERVICE = defineSearchAttributeKey('SloService', SearchAttributeType.KEYWORD);

/** Saga phase a run is in: detect, mitigate, verify, escalate or done. */
export const REMEDIATION_PHASE = defineSearchAttributeKey('RemediationPhase', SearchAttributeType.KEYWORD);

/** How a finished run ended, such as mitigated or escalated. */
export const REMEDIATION_OUTCOME = defineSearchAttributeKey('RemediationOutcome', SearchAttributeType.KEYWORD);

/** Custom search attributes the server must have registered before a run uses them. */
export const CUSTOM_SEARCH_ATTRIBUTES = [SLO_SERVICE, REMEDIATION_PHASE, REMEDIATION_OUTCOME];
