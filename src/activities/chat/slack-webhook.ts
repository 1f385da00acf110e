import type { IncidentSummary, NotifyRequest, RemediationActivities } from '../contracts';
import { postToWebhook } from './webhook-post';

// Slack-compatible incoming webhooks: POST a JSON message, and Slack responds with 200 and the text `ok`. Errors
// come as a status and a short text, such as 400 invalid_payload, 403 invalid_token or action_prohibited,
// 404 no_service or channel_not_found, 410 channel_is_archived, 429 with Retry-After, and 5xx
// (https://api.slack.com/changelog/2016-05-17-changes-to-errors-for-incoming-webhooks).

export interface ChatOptions {
  /** Environment that contains the webhook URLs named by `webhookUrlEnv` in the runbook. */
  env: NodeJS.ProcessEnv;
  /** Maximum time in ms for one HTTP request. Default 10000. */
  fetchTimeoutMs?: number;
}

/** Slack rejects a section block whose text is longer than this. */
export const MAX_SECTION_TEXT = 3000;

function truncate(text: string, maxLength: number): string {
  return text.length <= maxLength ? text : `${text.slice(0, maxLength - 1)}…`;
}

/** Escapes the three characters Slack's mrkdwn treats as control characters. */
export function escapeMrkdwn(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/** Timeline lines longer than this are cut, so that one long line cannot push all others out of the block. */
export const MAX_TIMELINE_LINE = 500;

/** Keeps the newest timeline lines that fit in one section block, and notes how many older lines were left out. */
export function formatTimeline(details: string[]): string {
  const lines = details.map((line) => `• ${escapeMrkdwn(truncate(line, MAX_TIMELINE_LINE))}`);
  let keptCount = lines.length;
  const text = () => {
    const omitted = lines.length - keptCount;
    const head = omitted > 0 ? [`_${omitted} earlier lines left out_`] : [];
    return [...head, ...lines.slice(lines.length - keptCount)].join('\n');
  };
  while (keptCount > 0 && text().length > MAX_SECTION_TEXT) keptCount -= 1;
  return text().slice(0, MAX_SECTION_TEXT);
}

/** Percent-encodes the characters that would end a mrkdwn link early. */
function linkTarget(url: string): string {
  return url.replaceAll('|', '%7C').replaceAll('<', '%3C').replaceAll('>', '%3E');
}

/** Builds the message: the headline, the timeline and a link to the run, with `text` as the notification fallback. */
export function buildMessage(incident: IncidentSummary, audience: string): Record<string, unknown> {
  const headline = escapeMrkdwn(incident.headline);
  const blocks: Record<string, unknown>[] = [
    { type: 'section', text: { type: 'mrkdwn', text: `*${headline}*`.slice(0, MAX_SECTION_TEXT) } },
  ];
  if (incident.details.length > 0) {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: formatTimeline(incident.details) } });
  }
  blocks.push({
    type: 'context',
    elements: [
      {
        type: 'mrkdwn',
        text:
          `<${linkTarget(incident.runUrl)}|Remediation run> · ${escapeMrkdwn(incident.serviceName)} · ` +
          `incident ${escapeMrkdwn(incident.incidentId)} · for ${escapeMrkdwn(audience)}`,
      },
    ],
  });
  return { text: headline, blocks };
}

/**
 * Creates the `sendNotification` activity, which posts an incident message to a Slack-compatible incoming
 * webhook.
 *
 * Incoming webhooks have no idempotency key. A retry posts the message a second time only when an earlier
 * attempt reached Slack but its response was lost, such as a timeout or a connection dropped after the POST.
 * For that reason the workflow's retry policy for this activity allows few attempts.
 */
export function createChatActivities(options: ChatOptions): Pick<RemediationActivities, 'sendNotification'> {
  const timeoutMs = options.fetchTimeoutMs ?? 10_000;
  return {
    async sendNotification(request: NotifyRequest): Promise<void> {
      const message = buildMessage(request.incident, request.target.audience);
      await postToWebhook(options.env, request.target.webhookUrlEnv, message, timeoutMs);
    },
  };
}
