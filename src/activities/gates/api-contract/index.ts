import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { z } from 'zod';
import { redact } from '../../http-failure';
import type { GateOutcome } from '../gate-outcome';
import { seedFromCommit } from '../commit-seed';
import { parseJUnitXml } from '../junit-xml';
import { PYTHON_TOOLS_INSTALL_HINT, schemathesisCommand } from '../python-tools';
import { describeToolExit, runTool, toolEnvironment } from '../run-tool';
import { ToolFailureType } from '../tool-failure-types';
import { contractFindings } from './contract-findings';
import { DEFAULT_CONTRACT_CHECKS, type ApiContractGateInput } from './types';

export { DEFAULT_CONTRACT_CHECKS, type ApiContractGateInput } from './types';

export interface ApiContractGateActivityOptions {
  /**
   * Environment with the tokens that `bearerTokenEnv` names. Only the variables that toolEnvironment passes on
   * reach Schemathesis.
   */
  env?: NodeJS.ProcessEnv;
  /** Schemathesis CLI; defaults to the `st` that scripts/install-python-tools.sh installs. */
  schemathesisCommand?: string;
}

export interface ApiContractGateActivities {
  runApiContractTests(input: ApiContractGateInput): Promise<GateOutcome>;
}

const DEFAULT_TIMEOUT_MS = 20 * 60_000;

const runSettingsSchema = z.object({
  baseUrl: z.url({ protocol: /^https?$/, error: 'target.baseUrl must be an http or https URL' }),
  openApiPath: z.string().min(1).default('openapi.yaml'),
  checks: z
    .array(z.string().regex(/^[a-z_]+$/, 'checks must be Schemathesis check names such as not_a_server_error'))
    .min(1)
    .default([...DEFAULT_CONTRACT_CHECKS]),
  maxExamples: z.number().int().min(1).max(10_000).default(50),
  seed: z.number().int().nonnegative().optional(),
  timeoutMs: z.number().int().positive().default(DEFAULT_TIMEOUT_MS),
  requestTimeoutMs: z.number().int().positive().default(10_000),
});

function invalidInput(message: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(message, ToolFailureType.InvalidGateInput);
}

function parseSettings(input: ApiContractGateInput) {
  const parsed = runSettingsSchema.safeParse({ ...input, baseUrl: input.target.baseUrl });
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'input'}: ${issue.message}`);
    throw invalidInput(`invalid API contract gate input: ${issues.join('; ')}`);
  }
  return parsed.data;
}

/** Resolves the OpenAPI document inside the repository; paths that leave it are rejected. */
function documentPath(repositoryPath: string, openApiPath: string): string {
  const root = realpathSync(repositoryPath);
  const path = resolve(root, openApiPath);
  const inside = relative(root, path);
  if (inside.startsWith('..') || isAbsolute(inside)) {
    throw invalidInput(`openApiPath ${openApiPath} is outside the repository ${root}`);
  }
  if (!existsSync(path)) throw invalidInput(`OpenAPI document ${openApiPath} not found in ${root}`);
  return path;
}

function bearerToken(input: ApiContractGateInput, env: NodeJS.ProcessEnv): string | undefined {
  if (input.bearerTokenEnv === undefined) return undefined;
  const token = env[input.bearerTokenEnv];
  if (!token) {
    throw ApplicationFailure.nonRetryable(
      `environment variable ${input.bearerTokenEnv} is not set on the gate worker; set it to the API's bearer token`,
      ToolFailureType.MissingSecret,
    );
  }
  return token;
}

type RunSettings = z.output<typeof runSettingsSchema>;

function schemathesisArguments(settings: RunSettings, document: string, seed: number, junitPath: string): string[] {
  const args = ['run', document, '--url', settings.baseUrl, '--checks', settings.checks.join(',')];
  args.push('--max-examples', String(settings.maxExamples), '--seed', String(seed), '--workers', '1');
  args.push('--request-timeout', String(settings.requestTimeoutMs / 1000), '--continue-on-failure');
  args.push('--report', 'junit', '--report-junit-path', junitPath);
  return args;
}

/** Creates the API contract gate's activity, which runs Schemathesis against the target's OpenAPI document. */
export function createApiContractGateActivities(
  options: ApiContractGateActivityOptions = {},
): ApiContractGateActivities {
  const env = options.env ?? process.env;
  const command = options.schemathesisCommand ?? schemathesisCommand(env);

  async function runSchemathesis(args: string[], workDir: string, timeoutMs: number, secrets: string[]) {
    const context = Context.current();
    try {
      return await runTool({
        toolName: 'schemathesis',
        command,
        args,
        cwd: workDir,
        env: toolEnvironment(env, { NO_COLOR: '1', COLUMNS: '120' }),
        timeoutMs,
        installHint: PYTHON_TOOLS_INSTALL_HINT,
        onTick: () => context.heartbeat(),
        signal: context.cancellationSignal,
      });
    } catch (error) {
      // A timeout message quotes the tool's last output, which may echo the Authorization header.
      if (error instanceof ApplicationFailure) error.message = redact(error.message, secrets);
      throw error;
    }
  }

  return {
    async runApiContractTests(input: ApiContractGateInput): Promise<GateOutcome> {
      const settings = parseSettings(input);
      const document = documentPath(input.target.repositoryPath, settings.openApiPath);
      const token = bearerToken(input, env);
      const secrets = token === undefined ? [] : [token];
      const seed = settings.seed ?? seedFromCommit(input.target.headSha);

      // Schemathesis writes its .hypothesis database into the working folder, so it runs in a temporary one.
      const workDir = mkdtempSync(join(tmpdir(), 'api-contract-gate-'));
      const junitPath = join(workDir, 'junit.xml');
      const args = schemathesisArguments(settings, document, seed, junitPath);
      if (token !== undefined) args.push('--header', `Authorization: Bearer ${token}`);
      try {
        Context.current().log.info('Running Schemathesis', {
          document: settings.openApiPath,
          baseUrl: settings.baseUrl,
          seed,
        });
        const run = await runSchemathesis(args, workDir, settings.timeoutMs, secrets);
        // Schemathesis exits with 1 when checks fail and with 2 or more when it cannot run, such as on a bad document.
        if ((run.exitCode !== 0 && run.exitCode !== 1) || !existsSync(junitPath)) {
          const message = redact(describeToolExit('schemathesis', run), secrets);
          throw ApplicationFailure.nonRetryable(message, ToolFailureType.ToolFailed);
        }
        const report = redact(readFileSync(junitPath, 'utf8'), secrets);
        return contractOutcome(parseJUnitXml(report, 'schemathesis'), seed);
      } finally {
        rmSync(workDir, { recursive: true, force: true });
      }
    },
  };
}

/**
 * Decides the gate: any failed check blocks. Errors without failures, such as a refused connection, mean that
 * Schemathesis could not test, so the verdict is `error`. When every error is a network error the target is
 * likely down, so the activity fails with a retryable TargetUnreachable instead.
 */
function contractOutcome(testCases: ReturnType<typeof parseJUnitXml>, seed: number): GateOutcome {
  const { failures, errors } = contractFindings(testCases);
  // Schemathesis adds a `Stateful tests` test case next to the `METHOD /path` ones when it runs that phase.
  const operations = testCases.filter((testCase) => /^[A-Z]+ \//.test(testCase.name)).length;
  const findings = [...failures, ...errors];
  if (failures.length > 0) {
    return {
      status: 'block',
      summary: `${failures.length} contract violations in ${operations} API operations (seed ${seed})`,
      findings,
    };
  }
  const unreachable =
    errors.length > 0 && errors.every((finding) => /Network Error|Connection/i.test(finding.detail ?? ''));
  if (unreachable) {
    throw ApplicationFailure.retryable(
      `schemathesis could not connect to the API: ${errors[0]!.detail?.split('\n').slice(0, 4).join(' ')}`,
      ToolFailureType.TargetUnreachable,
    );
  }
  if (errors.length > 0) {
    return {
      status: 'error',
      summary: `Schemathesis could not test ${errors.length} of ${operations} API operations (seed ${seed})`,
      findings,
    };
  }
  return { status: 'pass', summary: `0 contract violations in ${operations} API operations (seed ${seed})`, findings };
}
