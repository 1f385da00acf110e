import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics of the GitHub webhook receiver, in a registry of their own. */
export class GitHubWebhookMetrics {
  readonly registry = new Registry();

  /** Deliveries by result: started, duplicate, ignored, rejected, unauthorized or failed. */
  readonly deliveries = new Counter({
    name: 'slo_github_webhook_deliveries_total',
    help: 'GitHub webhook deliveries received, by result.',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });

  readonly rejections = new Counter({
    name: 'slo_github_webhook_rejections_total',
    help: 'Deliveries rejected before any workflow was started, by reason.',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  readonly duration = new Histogram({
    name: 'slo_github_webhook_request_duration_seconds',
    help: 'Time from request to response, Temporal calls included.',
    labelNames: ['result'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'slo_github_webhook_' });
  }
}
