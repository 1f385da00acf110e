// A stand-in GenAI API for the local demo. Its latency follows the image of the Deployment that "runs" it, read
// from the Kubernetes API, so rolling the Deployment back really fixes the latency Prometheus measures.
import { createServer } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import { AppsV1Api, KubeConfig } from '@kubernetes/client-node';
import { Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { z } from 'zod';
import { parseEnv } from '../config/env';
import { createLogger } from '../logging';

const envSchema = z.object({
  DEMO_SERVICE_PORT: z.coerce.number().int().min(1).max(65535),
  DEMO_NAMESPACE: z.string().default('genai'),
  DEMO_DEPLOYMENT: z.string().default('genai-api'),
  /** Image tags that respond slowly, comma-separated. Every other tag responds fast. */
  DEMO_SLOW_TAGS: z.string().default('v2'),
  /** Requests per second the service sends itself, so the histogram always has traffic. */
  DEMO_LOAD_RPS: z.coerce.number().positive().max(200).default(20),
});

const logger = createLogger('genai-demo');
const env = parseEnv(envSchema, process.env);
const slowTags = new Set(env.DEMO_SLOW_TAGS.split(',').map((tag) => tag.trim()));

const registry = new Registry();
collectDefaultMetrics({ register: registry });
const latency = new Histogram({
  name: 'http_request_duration_seconds',
  help: 'Time to respond to a generate request.',
  labelNames: ['service', 'route', 'code'] as const,
  buckets: [0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5, 1],
  registers: [registry],
});

let currentImage = 'unknown';

/** Latency of one request in ms: 20–60 for a healthy image, 150–250 for a slow one. */
function latencyFor(image: string): number {
  const tag = image.split(':').pop() ?? '';
  const base = slowTags.has(tag) ? 150 : 20;
  return base + Math.random() * (slowTags.has(tag) ? 100 : 40);
}

async function followDeployment(): Promise<void> {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromDefault();
  const apps = kubeConfig.makeApiClient(AppsV1Api);
  for (;;) {
    try {
      const deployment = await apps.readNamespacedDeployment({
        name: env.DEMO_DEPLOYMENT,
        namespace: env.DEMO_NAMESPACE,
      });
      const image = deployment.spec?.template.spec?.containers[0]?.image ?? 'unknown';
      if (image !== currentImage) logger.info({ from: currentImage, to: image }, 'Deployment image changed');
      currentImage = image;
    } catch (error) {
      logger.warn({ err: (error as Error).message }, 'Cannot read the Deployment; keeping the last image');
    }
    await delay(1000);
  }
}

const server = createServer(async (request, response) => {
  if (request.url === '/metrics') {
    response.writeHead(200, { 'content-type': registry.contentType });
    response.end(await registry.metrics());
    return;
  }
  if (request.url === '/v1/generate' && request.method === 'POST') {
    const stop = latency.startTimer({ service: 'genai-api', route: '/v1/generate' });
    await delay(latencyFor(currentImage));
    stop({ code: '200' });
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ image: currentImage, text: 'ok' }));
    return;
  }
  response.writeHead(404).end();
});

async function generateLoad(): Promise<void> {
  const url = `http://127.0.0.1:${env.DEMO_SERVICE_PORT}/v1/generate`;
  const intervalMs = 1000 / env.DEMO_LOAD_RPS;
  for (;;) {
    fetch(url, { method: 'POST', body: '{"prompt":"hello"}' }).catch(() => undefined);
    await delay(intervalMs);
  }
}

server.listen(env.DEMO_SERVICE_PORT, '127.0.0.1', () => {
  logger.info({ port: env.DEMO_SERVICE_PORT, slowTags: [...slowTags] }, 'GenAI demo service listening');
  void followDeployment();
  void generateLoad();
});
process.once('SIGTERM', () => process.exit(0));
