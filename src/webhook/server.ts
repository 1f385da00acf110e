import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { handleAlertmanagerDelivery, type AlertHandlerDeps } from './alert-handler';
import { hasBearerToken } from './bearer-auth';
import { RequestRejection } from './http-errors';
import { readJsonBody } from './read-body';

/** Path Alertmanager's webhook receiver posts to. */
export const ALERTMANAGER_PATH = '/v1/alerts/alertmanager';

export interface WebhookServerOptions extends AlertHandlerDeps {
  /** Required `Authorization: Bearer` token; undefined turns authentication off. */
  bearerToken?: string;
  /** Largest accepted body, in bytes. */
  maxBodyBytes: number;
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

async function handleAlerts(
  options: WebhookServerOptions,
  request: IncomingMessage,
  response: ServerResponse,
  requestId: string,
) {
  const { logger, metrics } = options;
  const stopTimer = metrics.duration.startTimer();
  let result = 'accepted';
  try {
    if (options.bearerToken !== undefined && !hasBearerToken(request, options.bearerToken)) {
      throw new RequestRejection(
        401,
        'unauthorized',
        'missing or wrong bearer token; send Authorization: Bearer <WEBHOOK_BEARER_TOKEN>',
      );
    }
    const body = await readJsonBody(request, options.maxBodyBytes);
    const outcome = await handleAlertmanagerDelivery(options, body);
    sendJson(response, 202, { requestId, ...outcome });
  } catch (error) {
    if (error instanceof RequestRejection) {
      result = error.reason === 'unauthorized' ? 'unauthorized' : 'rejected';
      metrics.rejections.inc({ reason: error.reason });
      logger.warn(
        { requestId, reason: error.reason, status: error.status, err: error.message },
        'Webhook delivery rejected',
      );
      sendJson(response, error.status, { requestId, error: error.message });
    } else {
      // Temporal unreachable or overloaded: a 503 makes Alertmanager deliver the notification again later.
      result = 'failed';
      logger.error({ requestId, err: error }, 'Webhook delivery failed; Alertmanager will retry');
      sendJson(response, 503, { requestId, error: `could not reach Temporal: ${(error as Error).message}` });
    }
  } finally {
    metrics.deliveries.inc({ result });
    stopTimer({ result });
  }
}

/** Creates the HTTP server that receives Alertmanager webhooks; the caller binds it with `listen`. */
export function createWebhookServer(options: WebhookServerOptions): Server {
  return createServer((request, response) => {
    const requestId = (request.headers['x-request-id'] as string | undefined) ?? randomUUID();
    const path = (request.url ?? '/').split('?')[0];
    if (path === ALERTMANAGER_PATH && request.method === 'POST') {
      void handleAlerts(options, request, response, requestId);
    } else if (path === '/healthz' && request.method === 'GET') {
      sendJson(response, 200, { status: 'ok' });
    } else if (path === '/metrics' && request.method === 'GET') {
      options.metrics.registry.metrics().then((text) => {
        response.writeHead(200, { 'content-type': options.metrics.registry.contentType });
        response.end(text);
      });
    } else {
      options.metrics.rejections.inc({ reason: 'not_found' });
      sendJson(response, 404, {
        requestId,
        error: `no route for ${request.method} ${path}; POST alerts to ${ALERTMANAGER_PATH}`,
      });
    }
  });
}
