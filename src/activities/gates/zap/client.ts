import { ApplicationFailure } from '@temporalio/common';
import type { z } from 'zod';
import { failureForStatus } from '../../errors';
import { redact } from '../../http-failure';
import { GateFailureType } from '../failure-types';
import { apiUrl, parseJsonText, parseResponseBody, sendRequest, type RequestContext } from '../http-request';
import { errorResponseSchema } from './schemas';

export interface ZapConnection {
  /** Base URL of the ZAP API, such as http://127.0.0.1:8090 for a ZAP daemon started with `-port 8090`. */
  baseUrl: string;
  apiKey: string;
  /** Environment variable the API key came from, named in failure messages. */
  apiKeyEnv: string;
  /** Maximum time in ms for one HTTP request. */
  fetchTimeoutMs: number;
  /** Aborts requests in flight, such as the activity's cancellation signal. */
  signal?: AbortSignal;
}

/** ZAP error codes another attempt cannot fix; other 400 codes, such as scan_in_progress, may clear. */
const PERMANENT_ERRORS: Record<string, string> = {
  bad_api_key: GateFailureType.Forbidden,
  no_access: GateFailureType.Forbidden,
  disabled: GateFailureType.Forbidden,
  does_not_exist: GateFailureType.ScanNotFound,
  url_not_found: GateFailureType.InvalidRequest,
  url_not_in_context: GateFailureType.InvalidRequest,
  context_not_found: GateFailureType.InvalidRequest,
  illegal_parameter: GateFailureType.InvalidRequest,
  missing_parameter: GateFailureType.InvalidRequest,
  bad_view: GateFailureType.InvalidRequest,
  bad_action: GateFailureType.InvalidRequest,
  no_implementor: GateFailureType.InvalidRequest,
};

function requestContext(connection: ZapConnection, action: string): RequestContext {
  return {
    system: 'ZAP',
    action,
    timeoutMs: connection.fetchTimeoutMs,
    secrets: [connection.apiKey],
    signal: connection.signal,
  };
}

function failureForResponse(connection: ZapConnection, action: string, status: number, text: string) {
  const error = errorResponseSchema.safeParse(parseJsonText(text));
  if (!error.success) return failureForStatus('ZAP', action, status, redact(text, [connection.apiKey]));
  const { code, message, detail } = error.data;
  const description = redact(`${code}${message ? ` (${message})` : ''}${detail ? `: ${detail}` : ''}`, [
    connection.apiKey,
  ]);
  const type = PERMANENT_ERRORS[code];
  if (code === 'bad_api_key') {
    return ApplicationFailure.nonRetryable(
      `ZAP ${action} failed: the API key in ${connection.apiKeyEnv} was rejected (${description}); ` +
        'set it to the key of the ZAP daemon (api.key)',
      type,
    );
  }
  if (type) return ApplicationFailure.nonRetryable(`ZAP ${action} failed with HTTP ${status}: ${description}`, type);
  return failureForStatus('ZAP', action, status, description);
}

/**
 * Calls one ZAP API operation, such as `spider/action/scan`, with the API key in the `X-ZAP-API-Key` header
 * and parses the JSON response with `schema`.
 *
 * NOTE: unless `api.reportpermerrors` is set, ZAP responds to a wrong API key with an empty response instead of an
 * error, which shows up here as a retried network failure.
 */
export async function callZap<T>(
  connection: ZapConnection,
  operation: string,
  params: Record<string, string | undefined>,
  schema: z.ZodType<T>,
  action: string,
): Promise<T> {
  const context = requestContext(connection, action);
  const url = apiUrl(connection.baseUrl, `JSON/${operation}/`, params);
  const headers = { 'x-zap-api-key': connection.apiKey, accept: 'application/json' };
  const result = await sendRequest(url, { headers }, context);
  if (result.status < 200 || result.status > 299) {
    throw failureForResponse(connection, action, result.status, result.text);
  }
  return parseResponseBody(schema, result, context);
}
