import type { KubeConfig } from '@kubernetes/client-node';
import { createAirflowActivities, type AirflowApiVersion } from './airflow';
import { createBiActivities } from './bi';
import { createNotifyAudienceActivities } from './chat/notify-audience';
import { createChatActivities } from './chat/slack-webhook';
import { createFeatureFlagActivities } from './feature-flags';
import { createIncidentLogActivities } from './incident-log';
import { createKubernetesActivities } from './kubernetes';
import { createPagingActivities } from './paging/pagerduty';
import { createPrometheusActivities } from './prometheus';
import { createCacheActivities } from './redis';
import { createTicketActivities } from './tickets';

export interface RemediationActivityOptions {
  prometheusUrl: string;
  pagerDutyEventsUrl: string;
  kubeConfig: KubeConfig;
  /** Environment holding the secrets the runbook names. */
  env: NodeJS.ProcessEnv;
  /** Folder of the incident log. */
  incidentLogDir: string;
  /** URL under which the incident log folder is served, for links in tickets and pages. */
  incidentLogBaseUrl?: string;
  /** Airflow API; required when a runbook row has an Airflow indicator. */
  airflow?: {
    baseUrl: string;
    apiVersion: AirflowApiVersion;
    usernameEnv: string;
    passwordEnv: string;
    pollIntervalMs?: number;
  };
  /** Power BI REST API; required when a row refreshes a dataset. */
  powerBi?: { apiUrl: string; tokenEnv: string; pollIntervalMs?: number };
  /** GitHub REST API root for incident tickets; required when a row opens tickets. */
  githubApiUrl?: string;
  /** Pause between rollout status reads, in milliseconds. Defaults to 2000. */
  rolloutPollIntervalMs?: number;
}

/**
 * Creates every activity the remediation saga schedules, bound to the given systems. Systems that are not
 * configured get no activities; the worker checks at start that the runbook needs none of them.
 */
export function createRemediationActivities(options: RemediationActivityOptions) {
  const { env } = options;
  return {
    ...createPrometheusActivities({ baseUrl: options.prometheusUrl, fetchTimeoutMs: 10_000 }),
    ...createKubernetesActivities({
      kubeConfig: options.kubeConfig,
      rolloutPollIntervalMs: options.rolloutPollIntervalMs,
    }),
    ...createFeatureFlagActivities({ kubeConfig: options.kubeConfig }),
    ...createCacheActivities({ env }),
    ...createPagingActivities({ eventsUrl: options.pagerDutyEventsUrl, env }),
    ...createChatActivities({ env }),
    ...createNotifyAudienceActivities({ env }),
    ...createIncidentLogActivities({ dir: options.incidentLogDir, baseUrl: options.incidentLogBaseUrl }),
    ...(options.airflow ? createAirflowActivities({ ...options.airflow, env }) : {}),
    ...(options.powerBi ? createBiActivities({ ...options.powerBi, env }) : {}),
    ...(options.githubApiUrl ? createTicketActivities({ apiUrl: options.githubApiUrl, env }) : {}),
  };
}
