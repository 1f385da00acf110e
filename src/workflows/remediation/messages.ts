import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type {
  AcknowledgeRequest,
  AcknowledgeResult,
  AlertFiringSignal,
  AlertResolvedSignal,
  RemediationStatus,
} from './types';

/** Alertmanager reported the alert resolved. Before mitigation starts, the run stops without acting. */
export const alertResolvedSignal = defineSignal<[AlertResolvedSignal]>('alertResolved');

/** Alertmanager delivered the firing alert again; the run records it and goes on. */
export const alertFiringSignal = defineSignal<[AlertFiringSignal]>('alertFiring');

/** Current phase, outcome and timeline of the run. */
export const statusQuery = defineQuery<RemediationStatus>('status');

/** Someone took the page; the saga stops paging further levels. Fire-and-forget form, such as from a CLI. */
export const acknowledgeSignal = defineSignal<[AcknowledgeRequest]>('acknowledge');

/** Same as the signal, but returns whether there was a page to acknowledge. */
export const acknowledgeUpdate = defineUpdate<AcknowledgeResult, [AcknowledgeRequest]>('acknowledgeUpdate');
