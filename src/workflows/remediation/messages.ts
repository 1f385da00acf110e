import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { AlertFiringSignal, AlertResolvedSignal, RemediationStatus } from './types';

/** Alertmanager reported the alert resolved. Before mitigation starts, the run stops without acting. */
export const alertResolvedSignal = defineSignal<[AlertResolvedSignal]>('alertResolved');

/** Alertmanager delivered the firing alert again; the run records it and goes on. */
export const alertFiringSignal = defineSignal<[AlertFiringSignal]>('alertFiring');

/** Current phase, outcome and timeline of the run. */
export const statusQuery = defineQuery<RemediationStatus>('status');
