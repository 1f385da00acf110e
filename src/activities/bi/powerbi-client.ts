import { ApplicationFailure } from '@temporalio/common';
import { z } from 'zod';
import { FailureType, failureForStatus } from '../errors';
import { describeFetchError, redact, withRetryAfter } from '../http-failure';

// Power BI REST API (https://learn.microsoft.com/rest/api/power-bi/datasets), base URL https://api.powerbi.com for
// the public cloud. Errors come as {"error":{"code","message"}}, 429 with Retry-After when the dataset has too
// many refresh requests, 400/401/403/404 for requests another attempt cannot fix.

export interface PowerBiClientOptions {
  /** API root without the version, such as https://api.powerbi.com. There is no default. */
  apiUrl: string;
  /** Environment variable with a Microsoft Entra ID access token for the Power BI API (scope Dataset.ReadWrite.All). */
  tokenEnv: string;
  env: NodeJS.ProcessEnv;
  /** Maximum time in ms for one HTTP request. */
  fetchTimeoutMs: number;
}

export interface PowerBiResponse {
  status: number;
  headers: Headers;
  body: unknown;
}

const errorBodySchema = z.object({ error: z.object({ code: z.string(), message: z.string().optional() }) });

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function describeErrorBody(text: string): string {
  const parsed = errorBodySchema.safeParse(parseJson(text));
  if (!parsed.success) return text;
  const { code, message } = parsed.data.error;
  return message === undefined ? code : `${code}: ${message}`;
}

/** Path of a dataset's refreshes collection, with each id percent-encoded. */
export function refreshesPath(workspaceId: string, datasetId: string): string {
  return `/v1.0/myorg/groups/${encodeURIComponent(workspaceId)}/datasets/${encodeURIComponent(datasetId)}/refreshes`;
}

/** Calls the Power BI REST API with the bearer token from the environment and maps failures to Temporal ones. */
export class PowerBiClient {
  private readonly apiUrl: string;

  constructor(private readonly options: PowerBiClientOptions) {
    this.apiUrl = options.apiUrl.replace(/\/+$/, '');
  }

  private readToken(): string {
    const token = this.options.env[this.options.tokenEnv];
    if (!token) {
      throw ApplicationFailure.nonRetryable(
        `environment variable ${this.options.tokenEnv} is unset or empty. ` +
          'Set it to a Microsoft Entra ID access token for the Power BI REST API.',
        FailureType.MissingSecret,
      );
    }
    return token;
  }

  /** Sends a request and returns a 2xx response with its JSON body, and throws an ApplicationFailure otherwise. */
  async request(method: 'GET' | 'POST', path: string, action: string, body?: unknown): Promise<PowerBiResponse> {
    const token = this.readToken();
    const timeoutMs = this.options.fetchTimeoutMs;
    let response: Response;
    let text: string;
    try {
      response = await fetch(`${this.apiUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      throw ApplicationFailure.retryable(
        `Power BI ${action} request failed: ${describeFetchError(error, timeoutMs, [token])}`,
        FailureType.Transient,
      );
    }
    if (response.status < 200 || response.status > 299) {
      const failure = failureForStatus('Power BI', action, response.status, redact(describeErrorBody(text), [token]));
      throw withRetryAfter(failure, response.headers.get('retry-after'));
    }
    return { status: response.status, headers: response.headers, body: text === '' ? undefined : parseJson(text) };
  }
}
