import { ApplicationFailure } from '@temporalio/common';
import { z } from 'zod';
import { FailureType, failureForStatus } from '../errors';
import { describeFetchError, redact } from '../http-failure';
import { rateLimitDelayMs } from './rate-limit';

// GitHub REST API, version 2022-11-28. Base URL https://api.github.com, or https://HOST/api/v3 for GitHub
// Enterprise Server. Errors come as {"message","documentation_url","errors"?}.

export interface GitHubClientOptions {
  /** API root, such as https://api.github.com. There is no default. */
  apiUrl: string;
  /** Maximum time in ms for one HTTP request. */
  fetchTimeoutMs: number;
}

const errorBodySchema = z.object({
  message: z.string(),
  errors: z
    .array(
      z.union([
        z.string(),
        z.object({ code: z.string().optional(), field: z.string().optional(), message: z.string().optional() }),
      ]),
    )
    .optional(),
});

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
  const details = (parsed.data.errors ?? []).map((error) =>
    typeof error === 'string' ? error : (error.message ?? [error.field, error.code].filter(Boolean).join(' ')),
  );
  return details.length > 0 ? `${parsed.data.message} (${details.join('; ')})` : parsed.data.message;
}

/** Converts a failed GitHub response into an ApplicationFailure, retryable with the wait for rate limits. */
function failureForResponse(action: string, status: number, headers: Headers, body: string): ApplicationFailure {
  const delay = rateLimitDelayMs(status, headers, body, Date.now());
  if (delay !== undefined) {
    return ApplicationFailure.create({
      message: `GitHub ${action} was rate limited (HTTP ${status}): ${body.slice(0, 500)}`,
      type: FailureType.Transient,
      nextRetryDelay: delay,
    });
  }
  return failureForStatus('GitHub', action, status, body);
}

/** Calls the GitHub REST API with a token and maps failures to Temporal ones. */
export class GitHubClient {
  private readonly apiUrl: string;

  constructor(private readonly options: GitHubClientOptions) {
    this.apiUrl = options.apiUrl.replace(/\/+$/, '');
  }

  /** Sends a request and returns the JSON body of a 2xx response, and throws an ApplicationFailure otherwise. */
  async request(token: string, method: 'GET' | 'POST', path: string, action: string, body?: unknown): Promise<unknown> {
    const timeoutMs = this.options.fetchTimeoutMs;
    let response: Response;
    let text: string;
    try {
      response = await fetch(`${this.apiUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          accept: 'application/vnd.github+json',
          'x-github-api-version': '2022-11-28',
          // GitHub rejects requests without a User-Agent.
          'user-agent': 'slo-autopilot',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      throw ApplicationFailure.retryable(
        `GitHub ${action} request failed: ${describeFetchError(error, timeoutMs, [token])}`,
        FailureType.Transient,
      );
    }
    if (response.status < 200 || response.status > 299) {
      throw failureForResponse(action, response.status, response.headers, redact(describeErrorBody(text), [token]));
    }
    return text === '' ? undefined : parseJson(text);
  }
}

/** Parses a GitHub response with `schema`, failing as InvalidResponse on another shape. */
export function parseResponse<T extends z.ZodType>(schema: T, body: unknown, action: string): z.output<T> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    throw ApplicationFailure.nonRetryable(
      `GitHub ${action} returned an unexpected response: ${z.prettifyError(parsed.error)}`,
      FailureType.InvalidResponse,
    );
  }
  return parsed.data;
}
