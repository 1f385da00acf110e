import type { KubeConfig } from '@kubernetes/client-node';
import { createChatActivities } from './chat/slack-webhook';
import type { RemediationActivities } from './contracts';
import { createKubernetesActivities } from './kubernetes';
import { createPagingActivities } from './paging/pagerduty';
import { createPrometheusActivities } from './prometheus';

export interface RemediationActivityOptions {
  prometheusUrl: string;
  pagerDutyEventsUrl: string;
  kubeConfig: KubeConfig;
  /** Environment holding the secrets the runbook names. */
  env: NodeJS.ProcessEnv;
  /** Pause between rollout status reads, in milliseconds. Defaults to 2000. */
  rolloutPollIntervalMs?: number;
}

/** Creates every activity the remediation saga schedules, bound to the given systems. */
export function createRemediationActivities(options: RemediationActivityOptions): RemediationActivities {
  return {
    ...createPrometheusActivities({ baseUrl: options.prometheusUrl, fetchTimeoutMs: 10_000 }),
    ...createKubernetesActivities({
      kubeConfig: options.kubeConfig,
      rolloutPollIntervalMs: options.rolloutPollIntervalMs,
    }),
    ...createPagingActivities({ eventsUrl: options.pagerDutyEventsUrl, env: options.env }),
    ...createChatActivities({ env: options.env }),
  };
}
