import { ApplicationFailure } from '@temporalio/common';
import type { TicketConfig } from '../../runbook/schema';
import { FailureType } from '../failure-types';

/** Path of the repository in the REST API, `/repos/{owner}/{repo}`, with each part percent-encoded. */
export function repositoryPath(ticket: TicketConfig): string {
  const [owner, name, ...rest] = ticket.repository.split('/');
  if (!owner || !name || rest.length > 0) {
    throw ApplicationFailure.nonRetryable(
      `ticket repository ${JSON.stringify(ticket.repository)} is invalid: expected owner/name`,
      FailureType.InvalidRequest,
    );
  }
  return `/repos/${encodeURIComponent(owner)}/${encodeURIComponent(name)}`;
}

/** Reads the GitHub token from the environment. Messages name the variable and never the value. */
export function readToken(env: NodeJS.ProcessEnv, ticket: TicketConfig): string {
  const token = env[ticket.tokenEnv];
  if (!token) {
    throw ApplicationFailure.nonRetryable(
      `environment variable ${ticket.tokenEnv} is unset or empty. Set it to a GitHub token that may create ` +
        `issues and comments in ${ticket.repository} (fine-grained token: Issues read and write).`,
      FailureType.MissingSecret,
    );
  }
  return token;
}
