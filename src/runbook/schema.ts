import { z } from 'zod';
import { actionSchema, KUBERNETES_ACTIONS } from './actions-schema';
import { durationSchema, nonNegativeDurationSchema } from './duration';
import { escalationSchema } from './escalation-schema';
import { alertLabelsSchema, sloSchema } from './indicator-schema';
import { objectRefSchema, slug } from './schema-primitives';

/** A Prometheus alerting rule generated from the row fires the alert. */
export const prometheusTriggerSchema = z.strictObject({
  source: z.literal('prometheus-alert'),
  /**
   * Time the indicator must stay above the threshold before the alert fires. Detection confirms the breach over
   * this range, or over ruleWindow when it is longer.
   */
  for: nonNegativeDurationSchema,
  /** Range of rate() inside the alert rule's expression. */
  ruleWindow: durationSchema.default(60_000),
});

/** A scheduled watchdog queries Airflow for runs past their budget and raises the alert itself. */
export const airflowWatchdogTriggerSchema = z.strictObject({
  source: z.literal('airflow-watchdog'),
  /** Interval of the watchdog's Temporal Schedule. */
  checkEvery: durationSchema.default(60_000),
});

export const triggerSchema = z.discriminatedUnion('source', [prometheusTriggerSchema, airflowWatchdogTriggerSchema]);

export const verifySchema = z.strictObject({
  /** Time allowed for the work the actions started (a rollout, a new DAG run, a dataset refresh) to finish. */
  completionTimeout: durationSchema.default(10 * 60_000),
  /**
   * Range over which a Prometheus indicator is checked again once that work is done. Without it, verification
   * rests on the work itself, such as a dataset refresh that finished within the threshold.
   */
  window: durationSchema.optional(),
});

export const compensationSchema = z.strictObject({
  /** Undo the completed actions when the work they started never completes. */
  onCompletionTimeout: z.boolean().default(true),
  /** Undo the completed actions when a later action fails. */
  onActionFailed: z.boolean().default(false),
  /** Undo the completed actions when the SLO is still breached after the work completed. */
  onSloStillBreached: z.boolean().default(false),
});

export const serviceRunbookSchema = z
  .strictObject({
    id: slug,
    /** Human name, as in the runbook table. */
    name: z.string().min(1),
    /** Labels an alert must carry to belong to this row. */
    alertLabels: alertLabelsSchema,
    slo: sloSchema,
    trigger: triggerSchema,
    /** Deployment the Kubernetes actions change; required when the row has one. */
    deployment: objectRefSchema.optional(),
    actions: z.array(actionSchema).min(1),
    verify: verifySchema.default({ completionTimeout: 10 * 60_000 }),
    compensation: compensationSchema.default({
      onCompletionTimeout: true,
      onActionFailed: false,
      onSloStillBreached: false,
    }),
    escalation: escalationSchema,
  })
  .superRefine(checkRowConsistency);

type RowInput = z.output<typeof serviceRunbookSchema>;

/** Checks the rules that tie one part of a row to another, each reported at the field to change. */
function checkRowConsistency(row: RowInput, ctx: z.RefinementCtx): void {
  const indicator = row.slo.indicator.type;
  if (indicator === 'prometheus' && row.trigger.source !== 'prometheus-alert') {
    ctx.addIssue({
      code: 'custom',
      path: ['trigger', 'source'],
      message: 'a prometheus indicator needs source: prometheus-alert',
    });
  }
  if (indicator === 'airflow-dag-run' && row.trigger.source !== 'airflow-watchdog') {
    ctx.addIssue({
      code: 'custom',
      path: ['trigger', 'source'],
      message: 'an airflow-dag-run indicator needs source: airflow-watchdog',
    });
  }
  row.actions.forEach((action, index) => {
    if (KUBERNETES_ACTIONS.has(action.type) && !row.deployment) {
      ctx.addIssue({
        code: 'custom',
        path: ['actions', index, 'type'],
        message: `${action.type} needs the row's deployment`,
      });
    }
    if (action.type === 'kubernetes.scale-up' && action.step > action.maxReplicas) {
      ctx.addIssue({
        code: 'custom',
        path: ['actions', index, 'step'],
        message: `step ${action.step} is larger than maxReplicas ${action.maxReplicas}`,
      });
    }
    if (action.type === 'airflow.restart-dag-run' && indicator !== 'airflow-dag-run') {
      ctx.addIssue({ code: 'custom', path: ['actions', index, 'type'], message: 'needs an airflow-dag-run indicator' });
    }
  });
}

export const runbookSchema = z
  .strictObject({
    version: z.literal(1),
    services: z.array(serviceRunbookSchema).min(1),
  })
  .superRefine((runbook, ctx) => {
    const seen = new Map<string, number>();
    const labelSets = new Map<string, number>();
    runbook.services.forEach((row, index) => {
      const labels = JSON.stringify(Object.entries(row.alertLabels).sort());
      const owner = labelSets.get(labels);
      if (owner !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['services', index, 'alertLabels'],
          message: `the same labels as services[${owner}], so no alert could ever reach this row`,
        });
      } else {
        labelSets.set(labels, index);
      }
      const first = seen.get(row.id);
      if (first !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['services', index, 'id'],
          message: `duplicate service id "${row.id}", already used by services[${first}]`,
        });
      }
      seen.set(row.id, index);
    });
  });

export type Runbook = z.output<typeof runbookSchema>;
export type ServiceRunbook = z.output<typeof serviceRunbookSchema>;
export type DeploymentRef = z.output<typeof objectRefSchema>;
export type Indicator = ServiceRunbook['slo']['indicator'];
export type { RemediationAction, ActionType } from './actions-schema';
export type { PageTarget, NotifyTarget, EscalationLevel, TicketConfig } from './escalation-schema';
