import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { GateFailureType } from '../failure-types';
import type { SonarQubeAuthScheme, SonarQubeConnection } from './client';
import type { SonarQubeSeverityModel } from './types';

export interface SonarQubeGateOptions {
  /** Base URL of the SonarQube server, such as https://sonarqube.example.com. There is no default. */
  baseUrl: string;
  /** Environment variable that contains a user token with Browse permission on the analysed projects. */
  tokenEnv: string;
  /** Environment that contains `tokenEnv`. */
  env: NodeJS.ProcessEnv;
  /** `bearer` (default) for SonarQube 10.0 and later, `basic` for older releases. */
  authScheme?: SonarQubeAuthScheme;
  /** Severity model of the server; `auto` (default) reads it from `GET /api/server/version`. */
  severityModel?: SonarQubeSeverityModel | 'auto';
  /** Pause between reads of a pending analysis task, in milliseconds. Default 5000. */
  pollIntervalMs?: number;
  /** Maximum time in ms for one HTTP request. Default 15000. */
  fetchTimeoutMs?: number;
}

/** Reads the token for each activity call, so a rotated secret takes effect without a worker restart. */
function readToken(options: SonarQubeGateOptions): string {
  const token = options.env[options.tokenEnv];
  if (!token) {
    throw ApplicationFailure.nonRetryable(
      `environment variable ${options.tokenEnv} is unset or empty; set it to a SonarQube user token`,
      GateFailureType.MissingSecret,
    );
  }
  return token;
}

/** Builds the connection of one activity call, aborted when the activity is cancelled. */
export function connectionFor(options: SonarQubeGateOptions): SonarQubeConnection {
  return {
    baseUrl: options.baseUrl,
    token: readToken(options),
    tokenEnv: options.tokenEnv,
    authScheme: options.authScheme ?? 'bearer',
    fetchTimeoutMs: options.fetchTimeoutMs ?? 15_000,
    signal: Context.current().cancellationSignal,
  };
}
