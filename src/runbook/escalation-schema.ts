import { z } from 'zod';
import { durationSchema } from './duration';
import { envVarName } from './schema-primitives';

export const pageTargetSchema = z.strictObject({
  /** Team that receives the page, shown in the page's summary. */
  team: z.string().min(1),
  /** Environment variable that contains the PagerDuty Events API v2 routing key of the team's service. */
  routingKeyEnv: envVarName,
  severity: z.enum(['critical', 'error', 'warning', 'info']).default('critical'),
});

export const notifyTargetSchema = z.strictObject({
  /** Audience of the message, such as stakeholders. */
  audience: z.string().min(1),
  /** Environment variable that contains the Slack-compatible incoming webhook URL. */
  webhookUrlEnv: envVarName,
});

/** One level of the escalation: who is paged, and how long they have to acknowledge before the next level. */
export const escalationLevelSchema = z.strictObject({
  page: z.array(pageTargetSchema).min(1),
  ackTimeout: durationSchema.default(15 * 60_000),
});

/** An incident ticket in GitHub Issues. */
export const githubTicketSchema = z.strictObject({
  system: z.literal('github'),
  /** Repository as owner/name. */
  repository: z.string().regex(/^[\w.-]+\/[\w.-]+$/, 'must be owner/name'),
  /** Environment variable that contains a token allowed to create issues in the repository. */
  tokenEnv: envVarName,
  labels: z.array(z.string().min(1)).default(['incident']),
});

export const escalationSchema = z.strictObject({
  /** `on-failure` pages only when mitigation or verification fails; `immediately` pages once detection confirms. */
  pageWhen: z.enum(['on-failure', 'immediately']).default('on-failure'),
  levels: z.array(escalationLevelSchema).min(1),
  notify: z.array(notifyTargetSchema).default([]),
  /** Opens a ticket when the incident escalates, and comments the outcome on it. */
  ticket: githubTicketSchema.optional(),
});

export type PageTarget = z.output<typeof pageTargetSchema>;
export type NotifyTarget = z.output<typeof notifyTargetSchema>;
export type EscalationLevel = z.output<typeof escalationLevelSchema>;
export type TicketConfig = z.output<typeof githubTicketSchema>;
