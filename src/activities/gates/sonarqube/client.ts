import { ApplicationFailure } from '@temporalio/common';
import type { z } from 'zod';
import { failureForStatus } from '../../errors';
import { redact, withRetryAfter } from '../../http-failure';
import { GateFailureType } from '../failure-types';
import {
  apiUrl,
  parseJsonText,
  parseResponseBody,
  sendRequest,
  type HttpResult,
  type RequestContext,
} from '../http-request';
import { errorResponseSchema } from './schemas';

/**
 * Scheme of the Authorization header. SonarQube 10.0 and later accept `Bearer <token>`, and older releases take
 * the token as the user name of HTTP basic auth with an empty password.
 */
export type SonarQubeAuthScheme = 'bearer' | 'basic';

export interface SonarQubeConnection {
  /** Base URL of the SonarQube server, such as https://sonarqube.example.com; a path prefix is kept. */
  baseUrl: string;
  token: string;
  /** Environment variable the token came from, named in failure messages. */
  tokenEnv: string;
  authScheme: SonarQubeAuthScheme;
  /** Maximum time in ms for one HTTP request. */
  fetchTimeoutMs: number;
  /** Aborts requests in flight, such as the activity's cancellation signal. */
  signal?: AbortSignal;
}

function basicCredentials(token: string): string {
  return Buffer.from(`${token}:`).toString('base64');
}

export function authorizationHeader(connection: Pick<SonarQubeConnection, 'token' | 'authScheme'>): string {
  return connection.authScheme === 'bearer'
    ? `Bearer ${connection.token}`
    : `Basic ${basicCredentials(connection.token)}`;
}

function requestContext(connection: SonarQubeConnection, action: string): RequestContext {
  return {
    system: 'SonarQube',
    action,
    timeoutMs: connection.fetchTimeoutMs,
    secrets: [connection.token, basicCredentials(connection.token)],
    signal: connection.signal,
  };
}

function describeErrorBody(text: string): string {
  const parsed = errorResponseSchema.safeParse(parseJsonText(text));
  return parsed.success ? parsed.data.errors.map((error) => error.msg).join('; ') : text;
}

function failureForResponse(connection: SonarQubeConnection, action: string, status: number, text: string) {
  const detail = redact(describeErrorBody(text), requestContext(connection, action).secrets);
  if (status === 401) {
    return ApplicationFailure.nonRetryable(
      `SonarQube ${action} failed with HTTP 401: the token in ${connection.tokenEnv} was not accepted. Check that ` +
        `it is a valid user token and that the auth scheme (${connection.authScheme}) fits the server: bearer ` +
        'for 10.0 and later, basic for older releases.',
      GateFailureType.Forbidden,
    );
  }
  return failureForStatus('SonarQube', action, status, detail);
}

async function getChecked(
  connection: SonarQubeConnection,
  path: string,
  params: Record<string, string | undefined>,
  action: string,
): Promise<HttpResult> {
  const url = apiUrl(connection.baseUrl, path, params);
  const headers = { authorization: authorizationHeader(connection), accept: 'application/json' };
  const result = await sendRequest(url, { headers }, requestContext(connection, action));
  if (result.status < 200 || result.status > 299) {
    const failure = failureForResponse(connection, action, result.status, result.text);
    throw withRetryAfter(failure, result.headers.get('retry-after'));
  }
  return result;
}

/** Sends `GET path` with the token and returns the body text; non-2xx statuses become failures. */
export async function getSonarQubeText(
  connection: SonarQubeConnection,
  path: string,
  params: Record<string, string | undefined>,
  action: string,
): Promise<string> {
  return (await getChecked(connection, path, params, action)).text;
}

/** Sends `GET path` with the token and parses the JSON body with `schema`. */
export async function getSonarQubeJson<T>(
  connection: SonarQubeConnection,
  path: string,
  params: Record<string, string | undefined>,
  schema: z.ZodType<T>,
  action: string,
): Promise<T> {
  const result = await getChecked(connection, path, params, action);
  return parseResponseBody(schema, result, requestContext(connection, action));
}
