import type { IncidentRecordActivities } from '../contracts';
import { commentOnTicket } from './comment-on-ticket';
import { GitHubClient } from './github-client';
import { openTicket } from './open-ticket';

export interface TicketActivityOptions {
  /** GitHub REST API root: https://api.github.com, or https://HOST/api/v3 for GitHub Enterprise Server. No default. */
  apiUrl: string;
  /** Environment that contains the tokens named by `ticket.tokenEnv` in the runbook. */
  env: NodeJS.ProcessEnv;
  /** Maximum time in ms for one HTTP request. Default 10000. */
  fetchTimeoutMs?: number;
}

/** Creates the activities that open the incident's GitHub issue and comment on it. */
export function createTicketActivities(
  options: TicketActivityOptions,
): Pick<IncidentRecordActivities, 'openTicket' | 'commentOnTicket'> {
  const client = new GitHubClient({ apiUrl: options.apiUrl, fetchTimeoutMs: options.fetchTimeoutMs ?? 10_000 });
  return {
    openTicket: (request) => openTicket(client, options.env, request),
    commentOnTicket: (request) => commentOnTicket(client, options.env, request),
  };
}
