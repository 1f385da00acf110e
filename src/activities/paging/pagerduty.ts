import { ApplicationFailure } from '@temporalio/common';
import { z } from 'zod';
import type { IncidentSummary, PageRequest, PageResult, RemediationActivities } from '../contracts';
import { FailureType, failureForStatus } from '../errors';
import { describeFetchError, redact, withRetryAfter } from '../http-failure';

// PagerDuty Events API v2, as documented in PagerDuty's OpenAPI file
// (github.com/PagerDuty/api-schema, reference/events-v2/openapiv3.json): 202 accepted, 400 invalid event
// (do not retry), 429 throttled and 5xx (retry after some time), network errors (retry).

export interface PagingOptions {
  /** Events API v2 enqueue URL, such as https://events.pagerduty.com/v2/enqueue. There is no default. */
  eventsUrl: string;
  /** Environment that contains the routing keys named by `routingKeyEnv` in the runbook. */
  env: NodeJS.ProcessEnv;
  /** Maximum time in ms for one HTTP request. Default 10000. */
  fetchTimeoutMs?: number;
}

/** PagerDuty rejects a summary longer than this. */
export const MAX_SUMMARY_LENGTH = 1024;
/** PagerDuty rejects a dedup key longer than this. */
export const MAX_DEDUP_KEY_LENGTH = 255;

const acceptedSchema = z.object({
  status: z.string(),
  message: z.string().optional(),
  dedup_key: z.string().optional(),
});
const errorSchema = z.object({ status: z.string(), message: z.string(), errors: z.array(z.string()).optional() });

/** Lowercases a team name and joins its words with dashes, such as `ml-ops` for `ML Ops`. */
export function slugifyTeam(team: string): string {
  const slug = team
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '');
  // A team name without letters or digits still needs a key of its own.
  return slug === '' ? encodeURIComponent(team) : slug;
}

/**
 * Builds the dedup key of one incident's page to one team. PagerDuty adds a trigger with an open key to the
 * open alert instead of paging again, so a retried activity never pages twice.
 */
export function pageDedupKey(incidentId: string, team: string): string {
  const key = `${incidentId}/${slugifyTeam(team)}`;
  if (key.length > MAX_DEDUP_KEY_LENGTH) {
    throw ApplicationFailure.nonRetryable(
      `PagerDuty dedup key "${key.slice(0, 80)}…" is ${key.length} characters, ` +
        `above the maximum of ${MAX_DEDUP_KEY_LENGTH}. Use a shorter incident id.`,
      FailureType.InvalidRequest,
    );
  }
  return key;
}

function truncate(text: string, maxLength: number): string {
  return text.length <= maxLength ? text : `${text.slice(0, maxLength - 1)}…`;
}

/** Builds the trigger event body. The routing key is the only secret in it. */
export function buildTriggerEvent(routingKey: string, request: PageRequest, dedupKey: string): Record<string, unknown> {
  const incident: IncidentSummary = request.incident;
  return {
    routing_key: routingKey,
    event_action: 'trigger',
    dedup_key: dedupKey,
    client: 'slo-autopilot',
    client_url: incident.runUrl,
    payload: {
      summary: truncate(`[${incident.serviceName}] ${incident.headline}`, MAX_SUMMARY_LENGTH),
      source: incident.serviceId,
      severity: request.target.severity,
      component: incident.serviceId,
      group: incident.serviceName,
      class: 'slo-breach',
      custom_details: {
        incident_id: incident.incidentId,
        team: request.target.team,
        timeline: incident.details,
      },
    },
    links: [{ href: incident.runUrl, text: 'Remediation run in Temporal' }],
  };
}

function readRoutingKey(env: NodeJS.ProcessEnv, variable: string): string {
  const routingKey = env[variable];
  if (!routingKey) {
    throw ApplicationFailure.nonRetryable(
      `environment variable ${variable} is unset or empty. ` +
        "Set it to the PagerDuty Events API v2 routing key of the team's service.",
      FailureType.MissingSecret,
    );
  }
  return routingKey;
}

function describeErrorBody(text: string): string {
  const parsed = errorSchema.safeParse(safeJson(text));
  if (!parsed.success) return text;
  const errors = parsed.data.errors?.length ? ` (${parsed.data.errors.join('; ')})` : '';
  return `${parsed.data.status}: ${parsed.data.message}${errors}`;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

async function postEvent(options: PagingOptions, event: Record<string, unknown>, routingKey: string) {
  const timeoutMs = options.fetchTimeoutMs ?? 10_000;
  try {
    const response = await fetch(options.eventsUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(event),
      signal: AbortSignal.timeout(timeoutMs),
    });
    return { status: response.status, retryAfter: response.headers.get('retry-after'), text: await response.text() };
  } catch (error) {
    throw ApplicationFailure.retryable(
      `PagerDuty event request failed: ${describeFetchError(error, timeoutMs, [routingKey])}`,
      FailureType.Transient,
    );
  }
}

/** Creates the `sendPage` activity, which triggers a PagerDuty alert for one team through the Events API v2. */
export function createPagingActivities(options: PagingOptions): Pick<RemediationActivities, 'sendPage'> {
  return {
    async sendPage(request: PageRequest): Promise<PageResult> {
      const routingKey = readRoutingKey(options.env, request.target.routingKeyEnv);
      const dedupKey = pageDedupKey(request.incident.incidentId, request.target.team);
      const event = buildTriggerEvent(routingKey, request, dedupKey);
      const response = await postEvent(options, event, routingKey);
      if (response.status < 200 || response.status > 299) {
        // PagerDuty does not echo the routing key, but a proxy in between might.
        const body = redact(describeErrorBody(response.text), [routingKey]);
        throw withRetryAfter(
          failureForStatus('PagerDuty', `trigger event ${dedupKey}`, response.status, body),
          response.retryAfter,
        );
      }
      const accepted = acceptedSchema.safeParse(safeJson(response.text));
      return { dedupKey: accepted.success && accepted.data.dedup_key ? accepted.data.dedup_key : dedupKey };
    },
  };
}
