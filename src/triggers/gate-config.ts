import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { formatIssuePath } from '../runbook/load';

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' });
const gateOptions = z.record(z.string(), z.unknown());

/** Options of the SAST gate that the configuration may set; the trigger adds the branch or pull request. */
const sastOptionsSchema = z.looseObject({
  projectKey: z.string().min(1, 'must name the SonarQube project key'),
  reportTaskFile: z.string().optional(),
  blockOnQualityGate: z.boolean().optional(),
  analysisTimeoutMs: z.number().int().positive().optional(),
});

const dastOptionsSchema = z.looseObject({
  targetUrl: httpUrl.optional(),
  scanPolicyName: z.string().optional(),
  contextName: z.string().optional(),
  scanTimeoutMs: z.number().int().positive().optional(),
});

/** One repository whose pull requests, pushes and schedules run gates. */
const repositorySchema = z.object({
  /** `owner/name` on GitHub, as in webhook payloads. */
  repository: z.string().regex(/^[\w.-]+\/[\w.-]+$/, 'must be owner/name'),
  /** Local clone the gate activities check, kept at the commit under test by the CI runner. */
  checkoutPath: z.string().min(1),
  /** Staging deployment that the contract, fuzzing and DAST gates call. */
  stagingUrl: httpUrl.optional(),
  /** Branch the scheduled runs check. */
  defaultBranch: z.string().min(1).default('main'),
  gates: z
    .object({
      'unit-tests': gateOptions.optional(),
      'api-contract': gateOptions.optional(),
      'adversarial-fuzzing': gateOptions.optional(),
      sast: sastOptionsSchema.optional(),
      dast: dastOptionsSchema.optional(),
    })
    .default({}),
});

const weekdays = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'] as const;

const timeOfDay = {
  hour: z.number().int().min(0).max(23),
  minute: z.number().int().min(0).max(59).default(0),
};

const schedulesSchema = z.object({
  /** IANA time zone of the schedule times, such as Europe/Berlin; the server follows its daylight saving. */
  timezone: z.string().min(1).default('UTC'),
  nightly: z.object(timeOfDay).default({ hour: 2, minute: 0 }),
  weekly: z.object({ dayOfWeek: z.enum(weekdays), ...timeOfDay }).default({ dayOfWeek: 'SUNDAY', hour: 3, minute: 0 }),
  /** Runs missed while the Temporal server was down start late when they are at most this old, in ms. */
  catchupWindowMs: z
    .number()
    .int()
    .positive()
    .default(6 * 60 * 60_000),
});

export const gateConfigSchema = z.object({
  version: z.literal(1, { error: 'version must be 1' }),
  repositories: z.array(repositorySchema).min(1, 'list at least one repository'),
  schedules: schedulesSchema.default(schedulesSchema.parse({})),
});

export type GateConfig = z.output<typeof gateConfigSchema>;
export type RepositoryConfig = GateConfig['repositories'][number];
export type ScheduleConfig = GateConfig['schedules'];

/** A gates configuration file that cannot be used; the message lists every invalid field with its path. */
export class GateConfigError extends Error {
  override name = 'GateConfigError';
}

/** Parses and validates gates configuration YAML; `file` only labels the errors. */
export function parseGateConfig(text: string, file: string): GateConfig {
  const document = parseDocument(text, { prettyErrors: true });
  if (document.errors.length > 0) {
    const problems = document.errors.map((error) => `YAML syntax: ${error.message.replace(/\s+/g, ' ')}`);
    throw new GateConfigError(`invalid gates configuration ${file}:\n  - ${problems.join('\n  - ')}`);
  }
  const result = gateConfigSchema.safeParse(document.toJS());
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${formatIssuePath(issue.path)}: ${issue.message}`);
    throw new GateConfigError(`invalid gates configuration ${file}:\n  - ${problems.join('\n  - ')}`);
  }
  return result.data;
}

export function loadGateConfig(file: string): GateConfig {
  return parseGateConfig(readFileSync(file, 'utf8'), file);
}

/** Finds a repository by `owner/name`, ignoring case as GitHub does. */
export function findRepository(config: GateConfig, repository: string): RepositoryConfig | undefined {
  const name = repository.toLowerCase();
  return config.repositories.find((entry) => entry.repository.toLowerCase() === name);
}
