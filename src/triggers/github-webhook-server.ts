import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { RequestRejection } from '../webhook/http-errors';
import { handleGitHubDelivery, type GitHubDeliveryDeps } from './github-delivery';
import { deliveryIdSchema } from './github-events';
import { hasValidSignature } from './github-signature';
import type { GitHubWebhookMetrics } from './github-webhook-metrics';
import { readRawBody } from './read-raw-body';

/** Path GitHub posts deliveries to; the webhook's payload URL ends with it. */
export const GITHUB_WEBHOOK_PATH = '/v1/github/webhook';

export interface GitHubWebhookServerOptions extends GitHubDeliveryDeps {
  /** Secret of the GitHub webhook, which keys the HMAC-SHA256 signature of every delivery. */
  secret: string;
  /** Largest accepted body, in bytes. */
  maxBodyBytes: number;
  /** Deliveries handled at once; further ones are rejected with 503 before their body is read. */
  maxInFlight?: number;
  metrics: GitHubWebhookMetrics;
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Checks what a delivery must carry before its payload is read: the signature over the raw bytes first, then
 * the content type and GitHub's event and delivery headers. Returns the event name and delivery id.
 */
function checkDelivery(options: GitHubWebhookServerOptions, request: IncomingMessage, body: Buffer) {
  if (!hasValidSignature(options.secret, body, header(request, 'x-hub-signature-256'))) {
    throw new RequestRejection(
      401,
      'invalid_signature',
      'missing or wrong X-Hub-Signature-256; set the webhook secret in GitHub to GITHUB_WEBHOOK_SECRET',
    );
  }
  const contentType = (header(request, 'content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (contentType !== 'application/json') {
    throw new RequestRejection(
      415,
      'content_type',
      `content type "${contentType || '(none)'}" is not supported; set the webhook's content type to application/json`,
    );
  }
  const event = header(request, 'x-github-event');
  if (!event) throw new RequestRejection(400, 'missing_event', 'missing X-GitHub-Event header');
  const delivery = deliveryIdSchema.safeParse(header(request, 'x-github-delivery'));
  if (!delivery.success) {
    throw new RequestRejection(
      400,
      'missing_delivery',
      `invalid X-GitHub-Delivery header: ${delivery.error.issues[0]!.message}`,
    );
  }
  return { event, deliveryId: delivery.data };
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new RequestRejection(400, 'invalid_json', `body is not valid JSON: ${(error as Error).message}`);
  }
}

async function handleDelivery(
  options: GitHubWebhookServerOptions,
  request: IncomingMessage,
  response: ServerResponse,
  requestId: string,
): Promise<void> {
  const { logger, metrics } = options;
  const stopTimer = metrics.duration.startTimer();
  let result = 'failed';
  try {
    const body = await readRawBody(request, options.maxBodyBytes);
    const { event, deliveryId } = checkDelivery(options, request, body);
    const outcome = await handleGitHubDelivery(options, event, deliveryId, parseJson(body));
    result = outcome.result;
    if (outcome.result === 'ignored') logger.info({ requestId, event, reason: outcome.reason }, 'Delivery ignored');
    sendJson(response, outcome.result === 'started' ? 202 : 200, { requestId, ...outcome });
  } catch (error) {
    if (error instanceof RequestRejection) {
      result = error.reason === 'invalid_signature' ? 'unauthorized' : 'rejected';
      metrics.rejections.inc({ reason: error.reason });
      logger.warn({ requestId, reason: error.reason, status: error.status, err: error.message }, 'Delivery rejected');
      sendJson(response, error.status, { requestId, error: error.message });
    } else {
      // Temporal unreachable or overloaded: GitHub does not retry, but a 503 shows the failure in its delivery
      // log, where it can be redelivered.
      logger.error({ requestId, err: error }, 'Delivery failed');
      sendJson(response, 503, { requestId, error: `could not start the pipeline: ${(error as Error).message}` });
    }
  } finally {
    metrics.deliveries.inc({ result });
    stopTimer({ result });
  }
}

/** Creates the HTTP server that receives GitHub webhook deliveries; the caller binds it with `listen`. */
export function createGitHubWebhookServer(options: GitHubWebhookServerOptions): Server {
  let inFlight = 0;
  const maxInFlight = options.maxInFlight ?? 16;
  return createServer((request, response) => {
    const delivery = header(request, 'x-github-delivery');
    // The id is echoed and logged, so only a well-formed one is taken from the sender.
    const requestId = delivery && /^[A-Za-z0-9-]{1,64}$/.test(delivery) ? delivery : randomUUID();
    const path = (request.url ?? '/').split('?')[0];
    if (path === GITHUB_WEBHOOK_PATH && request.method === 'POST') {
      if (inFlight >= maxInFlight) {
        options.metrics.rejections.inc({ reason: 'busy' });
        response.setHeader('retry-after', '5');
        sendJson(response, 503, { requestId, error: `${maxInFlight} deliveries are being handled; retry later` });
        request.resume();
        return;
      }
      inFlight += 1;
      void handleDelivery(options, request, response, requestId).finally(() => (inFlight -= 1));
    } else if (path === '/healthz' && request.method === 'GET') {
      sendJson(response, 200, { status: 'ok' });
    } else if (path === '/metrics' && request.method === 'GET') {
      void options.metrics.registry.metrics().then((text) => {
        response.writeHead(200, { 'content-type': options.metrics.registry.contentType });
        response.end(text);
      });
    } else {
      options.metrics.rejections.inc({ reason: 'not_found' });
      sendJson(response, 404, {
        requestId,
        error: `no route for ${request.method} ${path}; POST deliveries to ${GITHUB_WEBHOOK_PATH}`,
      });
    }
  });
}
