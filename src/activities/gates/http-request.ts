import { ApplicationFailure } from '@temporalio/common';
import type { z } from 'zod';
import { FailureType } from '../failure-types';
import { describeFetchError, redact } from '../http-failure';

// The HTTP plumbing the scanner and GitHub clients share: one timeout per request, secrets kept out of failure
// messages, and bodies parsed with a zod schema so that a changed or broken response fails loudly.

export interface HttpResult {
  status: number;
  text: string;
  headers: Headers;
}

export interface RequestContext {
  /** System name for messages, such as `SonarQube`. */
  system: string;
  /** What the request does, for messages, such as `read task AYhSC2`. */
  action: string;
  /** Maximum time in ms for the request, including reading the body. */
  timeoutMs: number;
  /** Values to replace with `[redacted]` in failure messages: tokens, API keys and their encodings. */
  secrets: string[];
  /** Aborts the request early, such as the activity's cancellation signal. */
  signal?: AbortSignal;
}

/**
 * Sends one HTTP request and reads the whole body. Network errors and timeouts become retryable failures. An
 * abort through `context.signal` rethrows the abort error as is, so the caller can tell cancellation apart.
 */
export async function sendRequest(url: URL, init: RequestInit, context: RequestContext): Promise<HttpResult> {
  const signals = [AbortSignal.timeout(context.timeoutMs)];
  if (context.signal) signals.push(context.signal);
  try {
    const response = await fetch(url, { ...init, signal: AbortSignal.any(signals) });
    return { status: response.status, text: await response.text(), headers: response.headers };
  } catch (error) {
    if (context.signal?.aborted) throw error;
    const reason = describeFetchError(error, context.timeoutMs, context.secrets);
    throw ApplicationFailure.retryable(
      `${context.system} ${context.action}: request to ${url.origin}${url.pathname} failed: ${reason}`,
      FailureType.Transient,
    );
  }
}

/** Parses `text` as JSON; returns undefined for text that is not JSON. */
export function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Parses a successful response body with `schema`. A body that is not JSON or does not match fails without
 * retry, because another attempt gets the same body from a server that speaks another version of the API.
 */
export function parseResponseBody<T>(schema: z.ZodType<T>, result: HttpResult, context: RequestContext): T {
  const parsed = schema.safeParse(parseJsonText(result.text));
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue ? ` (${issue.path.map(String).join('.') || 'body'}: ${issue.message})` : '';
  const preview = redact(result.text.slice(0, 200), context.secrets);
  throw ApplicationFailure.nonRetryable(
    `${context.system} ${context.action}: HTTP ${result.status} response is not the documented shape${where}: ${preview}`,
    FailureType.InvalidResponse,
  );
}

/** Joins a base URL that may carry a path prefix, such as http://host/sonarqube, with an API path. */
export function apiUrl(baseUrl: string, path: string, params: Record<string, string | undefined> = {}): URL {
  const url = new URL(path.replace(/^\//, ''), baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined) url.searchParams.set(name, value);
  }
  return url;
}
