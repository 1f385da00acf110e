import { ApplicationFailure } from '@temporalio/common';
import { FailureType, failureForStatus } from '../errors';
import { describeFetchError, redact, withRetryAfter } from '../http-failure';

// Posting to a Slack-compatible incoming webhook, shared by sendNotification and notifyAudience: 2xx succeeds, 429 waits for Retry-After, 5xx and network errors retry, and other statuses
// (400 invalid_payload, 403 invalid_token, 404 channel_not_found, 410 channel_is_archived) do not.

/** Reads a webhook URL from the environment. The URL is a credential, so messages name only the variable. */
export function readWebhookUrl(env: NodeJS.ProcessEnv, variable: string): string {
  const url = env[variable];
  if (!url) {
    throw ApplicationFailure.nonRetryable(
      `environment variable ${variable} is unset or empty. Set it to the incoming webhook URL of the channel.`,
      FailureType.MissingSecret,
    );
  }
  let protocol: string | undefined;
  try {
    protocol = new URL(url).protocol;
  } catch {
    protocol = undefined;
  }
  if (protocol !== 'https:' && protocol !== 'http:') {
    throw ApplicationFailure.nonRetryable(
      `environment variable ${variable} does not contain an http or https URL. Set it to the incoming webhook URL.`,
      FailureType.InvalidRequest,
    );
  }
  return url;
}

/** Posts `message` as JSON to the webhook URL in `env[variable]`, and throws an ApplicationFailure on failure. */
export async function postToWebhook(
  env: NodeJS.ProcessEnv,
  variable: string,
  message: Record<string, unknown>,
  timeoutMs: number,
): Promise<void> {
  const url = readWebhookUrl(env, variable);
  let response: Response;
  let text: string;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(message),
      signal: AbortSignal.timeout(timeoutMs),
    });
    text = await response.text();
  } catch (error) {
    throw ApplicationFailure.retryable(
      `chat webhook ${variable} request failed: ${describeFetchError(error, timeoutMs, [url])}`,
      FailureType.Transient,
    );
  }
  if (response.status >= 200 && response.status <= 299) return;
  const failure = failureForStatus('chat webhook', `post to ${variable}`, response.status, redact(text, [url]));
  throw withRetryAfter(failure, response.headers.get('retry-after'));
}
