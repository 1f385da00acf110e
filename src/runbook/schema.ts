import { z } from 'zod';
import { durationSchema } from './duration';

const envVarName = z
  .string()
  .regex(/^[A-Z_][A-Z0-9_]*$/, 'must be the name of an environment variable (capital letters, digits, underscores)');

const slug = z
  .string()
  .regex(/^[a-z0-9]([a-z0-9-]{0,46}[a-z0-9])?$/, 'must be lowercase letters, digits and dashes, at most 48 characters');

/** A Kubernetes Deployment the row's actions act on. */
export const deploymentRefSchema = z.strictObject({
  namespace: slug,
  name: slug,
});

/**
 * A Prometheus service level indicator. The query must contain `$window`, which the alert rule, the detection
 * check and the verification check each replace with their own range.
 */
export const prometheusIndicatorSchema = z.strictObject({
  type: z.literal('prometheus'),
  query: z
    .string()
    .min(1)
    .refine((query) => query.includes('$window'), {
      message: 'must contain $window where the range goes, such as rate(metric_bucket[$window])',
    }),
  /** The SLO holds while the indicator stays at or below this value, in the query's own unit. */
  threshold: z.number().positive(),
  /** Unit of the query's result, shown in messages. */
  unit: z.enum(['seconds', 'ratio', 'count']),
});

export const sloSchema = z.strictObject({
  /** What the SLO promises, in the words of the runbook table. */
  objective: z.string().min(1),
  indicator: prometheusIndicatorSchema,
});

export const triggerSchema = z.strictObject({
  /** How long the indicator must stay above the threshold before the alert fires and detection confirms it. */
  for: durationSchema,
  /** Range of rate() inside the alert rule's expression. */
  ruleWindow: durationSchema.default(60_000),
});

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

export const actionSchema = z.discriminatedUnion('type', [rollbackActionSchema, scaleUpActionSchema]);

export const verifySchema = z.strictObject({
  /** Time allowed for the mitigated Deployment to finish its rollout. */
  rolloutTimeout: durationSchema,
  /** Range over which the indicator is checked again once the rollout is done. */
  window: durationSchema,
});

export const compensationSchema = z.strictObject({
  /** Undo the completed actions when the rollout they started never completes. */
  onRolloutStuck: z.boolean().default(true),
  /** Undo the completed actions when a later action fails. */
  onActionFailed: z.boolean().default(false),
  /** Undo the completed actions when the SLO is still breached after a completed rollout. */
  onSloStillBreached: z.boolean().default(false),
});

export const pageTargetSchema = z.strictObject({
  /** Team that receives the page, shown in the page's summary. */
  team: z.string().min(1),
  /** Environment variable that holds the PagerDuty Events API v2 routing key of the team's service. */
  routingKeyEnv: envVarName,
  severity: z.enum(['critical', 'error', 'warning', 'info']).default('critical'),
});

export const notifyTargetSchema = z.strictObject({
  /** Who the message is for, such as stakeholders. */
  audience: z.string().min(1),
  /** Environment variable that holds the Slack-compatible incoming webhook URL. */
  webhookUrlEnv: envVarName,
});

export const escalationSchema = z.strictObject({
  /** `on-failure` pages only when mitigation or verification fails; `immediately` pages once detection confirms. */
  pageWhen: z.enum(['on-failure', 'immediately']).default('on-failure'),
  page: z.array(pageTargetSchema).min(1),
  notify: z.array(notifyTargetSchema).default([]),
});

export const serviceRunbookSchema = z
  .strictObject({
    id: slug,
    /** Human name, as in the runbook table. */
    name: z.string().min(1),
    /** Labels an Alertmanager alert must carry to belong to this row. */
    alertLabels: z.record(z.string(), z.string()).refine((labels) => Object.keys(labels).length > 0, {
      message: 'must name at least one label, such as service: genai-api',
    }),
    slo: sloSchema,
    trigger: triggerSchema,
    deployment: deploymentRefSchema,
    actions: z.array(actionSchema).min(1),
    verify: verifySchema,
    compensation: compensationSchema.default({
      onRolloutStuck: true,
      onActionFailed: false,
      onSloStillBreached: false,
    }),
    escalation: escalationSchema,
  })
  .superRefine((row, ctx) => {
    row.actions.forEach((action, index) => {
      if (action.type === 'kubernetes.scale-up' && action.step > action.maxReplicas) {
        ctx.addIssue({
          code: 'custom',
          path: ['actions', index, 'step'],
          message: `step ${action.step} is larger than maxReplicas ${action.maxReplicas}`,
        });
      }
    });
  });

export const runbookSchema = z
  .strictObject({
    version: z.literal(1),
    services: z.array(serviceRunbookSchema).min(1),
  })
  .superRefine((runbook, ctx) => {
    const seen = new Map<string, number>();
    runbook.services.forEach((row, index) => {
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
export type RemediationAction = z.output<typeof actionSchema>;
export type DeploymentRef = z.output<typeof deploymentRefSchema>;
export type PageTarget = z.output<typeof pageTargetSchema>;
export type NotifyTarget = z.output<typeof notifyTargetSchema>;
