import { Context } from '@temporalio/activity';
import type { NotifyAudienceRequest, RowActionActivities } from '../contracts';
import { escapeMrkdwn, type ChatOptions } from './slack-webhook';
import { postToWebhook } from './webhook-post';

/** Slack truncates message text longer than this many characters, so longer text is cut here with a visible mark. */
export const MAX_MESSAGE_TEXT = 40_000;

/**
 * Builds a plain-text message. `mrkdwn: false` turns off Slack's bold and italic formatting, and `&`, `<` and `>`
 * are escaped as in sendNotification, so text such as `<late>` shows as written instead of as a link.
 */
export function buildAudienceMessage(text: string): Record<string, unknown> {
  const escaped = escapeMrkdwn(text);
  const fitted = escaped.length <= MAX_MESSAGE_TEXT ? escaped : `${escaped.slice(0, MAX_MESSAGE_TEXT - 1)}…`;
  return { text: fitted, mrkdwn: false };
}

/**
 * Creates the `notifyAudience` activity, which posts a plain-text message to a Slack-compatible incoming webhook,
 * such as telling the data team that a DAG run was restarted.
 *
 * Incoming webhooks have no idempotency key, so a retry after a lost response posts the message twice. The
 * workflow's retry policy for chat activities allows few attempts for that reason.
 */
export function createNotifyAudienceActivities(options: ChatOptions): Pick<RowActionActivities, 'notifyAudience'> {
  const timeoutMs = options.fetchTimeoutMs ?? 10_000;
  return {
    async notifyAudience(request: NotifyAudienceRequest): Promise<void> {
      await postToWebhook(options.env, request.webhookUrlEnv, buildAudienceMessage(request.text), timeoutMs);
      Context.current().log.info('Notified audience', { incidentId: request.incidentId, audience: request.audience });
    },
  };
}
