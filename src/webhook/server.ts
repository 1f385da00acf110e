import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { acknowledgeRemediation, ACKNOWLEDGE_PATH } from './acknowledge-handler';
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

type Handler = (options: WebhookServerOptions, request: IncomingMessage) => Promise<{ status: number; body: object }>;

const handleAlerts: Handler = async (options, request) => {
  const body = await readJsonBody(request, options.maxBodyBytes);
  return { status: 202, body: await handleAlertmanagerDelivery(options, body) };
};

function acknowledgeHandler(workflowId: string): Handler {
  return async (options, request) => {
    const body = await readJsonBody(request, options.maxBodyBytes);
    return { status: 202, body: await acknowledgeRemediation(options.client, workflowId, body) };
  };
}

/** Runs an authenticated JSON endpoint. Every outcome is counted, logged and sent back with the request id. */
async function serve(
  options: WebhookServerOptions,
  request: IncomingMessage,
  response: ServerResponse,
  requestId: string,
  endpoint: string,
  handler: Handler,
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
    const outcome = await handler(options, request);
    sendJson(response, outcome.status, { requestId, ...outcome.body });
  } catch (error) {
    if (error instanceof RequestRejection) {
      result = error.reason === 'unauthorized' ? 'unauthorized' : 'rejected';
      metrics.rejections.inc({ reason: error.reason });
      logger.warn({ requestId, reason: error.reason, status: error.status, err: error.message }, 'Request rejected');
      sendJson(response, error.status, { requestId, error: error.message });
    } else {
      // Temporal unreachable or overloaded: a 503 makes Alertmanager deliver the notification again later.
      result = 'failed';
      logger.error({ requestId, err: error }, 'Request failed; the sender should retry');
      sendJson(response, 503, { requestId, error: `could not reach Temporal: ${(error as Error).message}` });
    }
  } finally {
    metrics.requests.inc({ endpoint, result });
    stopTimer({ endpoint, result });
  }
}

/** Methods each known path accepts, for the Allow header of a 405. */
function allowedMethods(path: string): string | undefined {
  if (path === ALERTMANAGER_PATH || ACKNOWLEDGE_PATH.test(path)) return 'POST';
  if (path === '/healthz' || path === '/metrics') return 'GET';
  return undefined;
}

/** Sends 405 with Allow for a known path and a wrong method, as HTTP requires, and 404 otherwise. */
function rejectUnrouted(
  options: WebhookServerOptions,
  request: IncomingMessage,
  response: ServerResponse,
  requestId: string,
  path: string,
): void {
  const allow = allowedMethods(path);
  if (allow) {
    options.metrics.rejections.inc({ reason: 'method_not_allowed' });
    response.setHeader('allow', allow);
    sendJson(response, 405, { requestId, error: `${request.method} is not allowed on ${path}; use ${allow}` });
    return;
  }
  options.metrics.rejections.inc({ reason: 'not_found' });
  sendJson(response, 404, {
    requestId,
    error: `no route for ${request.method} ${path}; POST alerts to ${ALERTMANAGER_PATH}`,
  });
}

/** Creates the HTTP server that receives Alertmanager webhooks; the caller binds it with `listen`. */
export function createWebhookServer(options: WebhookServerOptions): Server {
  return createServer((request, response) => {
    const requestId = (request.headers['x-request-id'] as string | undefined) ?? randomUUID();
    const path = (request.url ?? '/').split('?')[0];
    const acknowledge = path ? ACKNOWLEDGE_PATH.exec(path) : null;
    if (path === ALERTMANAGER_PATH && request.method === 'POST') {
      void serve(options, request, response, requestId, 'alertmanager', handleAlerts);
    } else if (acknowledge && request.method === 'POST') {
      void serve(options, request, response, requestId, 'acknowledge', acknowledgeHandler(acknowledge[1]!));
    } else if (path === '/healthz' && request.method === 'GET') {
      sendJson(response, 200, { status: 'ok' });
    } else if (path === '/metrics' && request.method === 'GET') {
      options.metrics.registry.metrics().then((text) => {
        response.writeHead(200, { 'content-type': options.metrics.registry.contentType });
        response.end(text);
      });
    } else {
      rejectUnrouted(options, request, response, requestId, path ?? '/');
    }
  });
}
