import { ApplicationFailure } from '@temporalio/common';
import { z } from 'zod';
import { seedFromCommit } from '../commit-seed';
import { ToolFailureType } from '../tool-failure-types';
import type { FuzzingRunRequest } from './types';

const endpointPath = z.string().regex(/^\/[^\s]*$/, 'must be a path starting with /');

const settingsSchema = z.object({
  baseUrl: z.url({ protocol: /^https?$/, error: 'target.baseUrl must be an http or https URL' }),
  genaiPath: endpointPath.nullable().default('/v1/generate'),
  cvPath: endpointPath.nullable().default('/v1/classify'),
  seed: z.number().int().nonnegative().optional(),
  maxCases: z.number().int().min(1).max(100_000).default(200),
  latencySloMs: z.number().int().positive().default(2000),
  // The workflow's heartbeat timeout is 30 s and a case heartbeats when it ends, so one request must end sooner.
  requestTimeoutMs: z.number().int().positive().max(20_000).default(10_000),
  oversizedBodyBytes: z
    .number()
    .int()
    .positive()
    .max(64 * 1024 * 1024)
    .default(2 * 1024 * 1024),
  canaryEnv: z.string().min(1).optional(),
  deadline: z.number().int().positive(),
});

export type FuzzingSettings = Omit<z.output<typeof settingsSchema>, 'seed' | 'canaryEnv'> & {
  seed: number;
  canary?: string;
};

/** Shortest canary accepted; shorter strings could appear in ordinary responses by chance. */
const MIN_CANARY_LENGTH = 16;

function invalidInput(message: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(message, ToolFailureType.InvalidGateInput);
}

function readCanary(canaryEnv: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  if (canaryEnv === undefined) return undefined;
  const canary = env[canaryEnv];
  if (!canary) {
    throw ApplicationFailure.nonRetryable(
      `environment variable ${canaryEnv} is not set on the gate worker; set it to the canary planted in the target`,
      ToolFailureType.MissingSecret,
    );
  }
  if (canary.length < MIN_CANARY_LENGTH) {
    throw invalidInput(
      `the canary in ${canaryEnv} is shorter than ${MIN_CANARY_LENGTH} characters; use a random string`,
    );
  }
  return canary;
}

/** Validates the run request and fills in defaults; the canary is read from the environment variable it names. */
export function parseFuzzingSettings(request: FuzzingRunRequest, env: NodeJS.ProcessEnv): FuzzingSettings {
  const parsed = settingsSchema.safeParse({ ...request, baseUrl: request.target.baseUrl });
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'input'}: ${issue.message}`);
    throw invalidInput(`invalid fuzzing gate input: ${issues.join('; ')}`);
  }
  const { canaryEnv, seed, ...settings } = parsed.data;
  if (settings.genaiPath === null && settings.cvPath === null) {
    throw invalidInput('invalid fuzzing gate input: genaiPath and cvPath are both null, so there is nothing to fuzz');
  }
  return { ...settings, seed: seed ?? seedFromCommit(request.target.headSha), canary: readCanary(canaryEnv, env) };
}
