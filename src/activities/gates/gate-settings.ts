import { z } from 'zod';
import { parseEnv } from '../../config/env';
import type { GitHubStatusOptions } from './github';
import type { SonarQubeGateOptions } from './sonarqube';
import type { ZapGateOptions } from './zap';

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' });
const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name');

/**
 * Worker settings of the scanner and GitHub activities. Each system is optional: without its URL its
 * activities are not registered, and its gate ends with an `error` verdict. The secrets themselves stay in
 * the variables the `*_ENV` settings name, read at each call, never in these settings.
 */
export const gateSettingsSchema = z.object({
  /** SonarQube base URL, such as https://sonarqube.example.com. */
  SONARQUBE_URL: httpUrl.optional(),
  SONARQUBE_TOKEN_ENV: envName.default('SONARQUBE_TOKEN'),
  /** bearer for SonarQube 10.0 and later, basic for older releases. */
  SONARQUBE_AUTH_SCHEME: z.enum(['bearer', 'basic']).default('bearer'),
  SONARQUBE_SEVERITY_MODEL: z.enum(['auto', 'legacy', 'impacts', 'impacts-blocker']).default('auto'),
  /** ZAP API base URL, such as http://127.0.0.1:8090. */
  ZAP_API_URL: httpUrl.optional(),
  ZAP_API_KEY_ENV: envName.default('ZAP_API_KEY'),
  /** GitHub REST API base URL: https://api.github.com, or https://HOST/api/v3 for GitHub Enterprise Server. */
  GITHUB_API_URL: httpUrl.optional(),
  GITHUB_TOKEN_ENV: envName.default('GITHUB_TOKEN'),
});

export interface ScannerActivityOptions {
  sonarQube?: Omit<SonarQubeGateOptions, 'env'>;
  zap?: Omit<ZapGateOptions, 'env'>;
  gitHub?: Omit<GitHubStatusOptions, 'env'>;
}

/** Reads the scanner and GitHub settings from the environment, listing every invalid variable. */
export function scannerOptionsFromEnv(env: NodeJS.ProcessEnv): ScannerActivityOptions {
  const settings = parseEnv(gateSettingsSchema, env);
  return {
    sonarQube: settings.SONARQUBE_URL
      ? {
          baseUrl: settings.SONARQUBE_URL,
          tokenEnv: settings.SONARQUBE_TOKEN_ENV,
          authScheme: settings.SONARQUBE_AUTH_SCHEME,
          severityModel: settings.SONARQUBE_SEVERITY_MODEL,
        }
      : undefined,
    zap: settings.ZAP_API_URL ? { baseUrl: settings.ZAP_API_URL, apiKeyEnv: settings.ZAP_API_KEY_ENV } : undefined,
    gitHub: settings.GITHUB_API_URL
      ? { apiUrl: settings.GITHUB_API_URL, tokenEnv: settings.GITHUB_TOKEN_ENV }
      : undefined,
  };
}
