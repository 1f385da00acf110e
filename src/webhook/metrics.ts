import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics of the webhook server, in a registry of their own. */
export class WebhookMetrics {
  readonly registry = new Registry();

  /** Requests to the JSON endpoints by endpoint and result: accepted, rejected, unauthorized or failed. */
  readonly requests = new Counter({
    name: 'slo_webhook_requests_total',
    help: 'Requests to the alert and acknowledge endpoints, by endpoint and result.',
    labelNames: ['endpoint', 'result'] as const,
    registers: [this.registry],
  });

  readonly rejections = new Counter({
    name: 'slo_webhook_rejections_total',
    help: 'Requests rejected before any workflow was touched, by reason.',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  readonly workflowRequests = new Counter({
    name: 'slo_webhook_workflow_requests_total',
    help: 'Signal-with-start and signal calls made to Temporal, by kind and service.',
    labelNames: ['kind', 'service'] as const,
    registers: [this.registry],
  });

  readonly duration = new Histogram({
    name: 'slo_webhook_request_duration_seconds',
    help: 'Time from request to response, Temporal calls included.',
    labelNames: ['endpoint', 'result'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'slo_webhook_' });
  }
}
