import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ToolFailureType } from '../tool-failure-types';
import type { GateOutcome } from '../gate-outcome';
import { diffCoverCommand, pytestPython } from '../python-tools';
import { mergeCoverage } from './cobertura';
import { detectRunners } from './detect-runners';
import { addedLinesBetween, resolveCommit, type AddedLines } from './git-diff';
import { runJest } from './jest-runner';
import { measureChange } from './measure-change';
import { measureAllLines } from './new-code-coverage';
import { runPytest } from './pytest-runner';
import type { RunnerResult, UnitTestGateInput, UnitTestRunner } from './types';
import { unitTestOutcome } from './unit-test-outcome';

export type { UnitTestGateInput, UnitTestRunner } from './types';

export interface UnitTestGateActivityOptions {
  /**
   * Environment of the worker. Only the variables that toolEnvironment passes on, such as PATH and HOME, reach
   * the test runners.
   */
  env?: NodeJS.ProcessEnv;
  /**
   * Python interpreter with pytest and pytest-cov; defaults to the one scripts/install-python-tools.sh makes.
   * NOTE: that default has no packages besides PyTest's, so targets with dependencies need an interpreter of
   * their own here, such as the virtual environment their CI job installs.
   */
  pythonCommand?: string;
  /** diff-cover CLI. Defaults to the one scripts/install-python-tools.sh installs. */
  diffCoverCommand?: string;
  /** `jest/bin/jest.js` for repositories without their own Jest; defaults to this project's devDependency. */
  jestEntryPoint?: string;
  /** Folder for temporary report folders; defaults to the system temporary folder. */
  workDir?: string;
}

export interface UnitTestGateActivities {
  runUnitTests(input: UnitTestGateInput): Promise<GateOutcome>;
}

const DEFAULT_RUNNER_TIMEOUT_MS = 15 * 60_000;
const CODE_FILE = /\.(c|m)?(j|t)sx?$/;

/** Checks that the clone is at the head commit, because the runners test whatever is checked out. */
async function checkHead(repositoryPath: string, headSha: string): Promise<void> {
  const [checkedOut, head] = await Promise.all([
    resolveCommit(repositoryPath, 'HEAD'),
    resolveCommit(repositoryPath, headSha),
  ]);
  if (checkedOut !== head) {
    throw ApplicationFailure.nonRetryable(
      `${repositoryPath} has ${checkedOut} checked out, not the head commit ${head}; check out ${headSha} first`,
      ToolFailureType.InvalidGateInput,
    );
  }
}

function selectRunners(input: UnitTestGateInput, repositoryPath: string): UnitTestRunner[] {
  const runners = input.runners ?? detectRunners(repositoryPath);
  if (runners.length === 0) {
    throw ApplicationFailure.nonRetryable(
      `found no Jest or PyTest setup in ${repositoryPath}: add a jest entry to package.json, a jest.config.js, ` +
        'a PyTest config section or test_*.py files, or name the runners in the gate input',
      ToolFailureType.InvalidGateInput,
    );
  }
  return runners;
}

/**
 * Creates the unit-test gate's activity, which runs Jest and PyTest and measures coverage of new lines with
 * diff-cover.
 */
export function createUnitTestGateActivities(options: UnitTestGateActivityOptions = {}): UnitTestGateActivities {
  const env = options.env ?? process.env;
  const bundledJest = options.jestEntryPoint ?? require.resolve('jest/bin/jest');

  async function runRunner(
    runner: UnitTestRunner,
    repositoryPath: string,
    outputDir: string,
    added: AddedLines | undefined,
    timeoutMs: number,
  ): Promise<RunnerResult> {
    const context = Context.current();
    const common = {
      repositoryPath,
      outputDir,
      timeoutMs,
      env,
      onTick: () => context.heartbeat({ runner }),
      signal: context.cancellationSignal,
    };
    context.log.info('Running unit tests', { runner, repositoryPath });
    if (runner === 'jest') {
      // Listing the changed code files makes Jest measure new files that no test loads, as 0% covered.
      const collectCoverageFrom = added ? [...added.keys()].filter((path) => CODE_FILE.test(path)) : undefined;
      return runJest({ ...common, bundledJest, nodeCommand: process.execPath, collectCoverageFrom });
    }
    return runPytest({ ...common, pythonCommand: options.pythonCommand ?? pytestPython(env) });
  }

  return {
    async runUnitTests(input: UnitTestGateInput): Promise<GateOutcome> {
      const repositoryPath = realpathSync(input.target.repositoryPath);
      await checkHead(repositoryPath, input.target.headSha);
      const runners = selectRunners(input, repositoryPath);
      const base = input.target.baseSha ? await resolveCommit(repositoryPath, input.target.baseSha) : undefined;
      const added = base ? await addedLinesBetween(repositoryPath, base, input.target.headSha) : undefined;
      const workDir = mkdtempSync(join(options.workDir ?? tmpdir(), 'unit-test-gate-'));
      try {
        const timeoutMs = input.runnerTimeoutMs ?? DEFAULT_RUNNER_TIMEOUT_MS;
        const results: RunnerResult[] = [];
        for (const runner of runners) {
          const outputDir = join(workDir, runner);
          results.push(await runRunner(runner, repositoryPath, outputDir, added, timeoutMs));
        }
        const coverage = mergeCoverage(results.map((result) => result.coverage));
        const newCode =
          base && added
            ? await measureChange({
                repositoryPath,
                baseSha: base,
                added,
                coverage,
                results,
                diffCoverCommand: options.diffCoverCommand ?? diffCoverCommand(env),
                env,
              })
            : undefined;
        return unitTestOutcome({
          results,
          newCode,
          allLines: measureAllLines(coverage),
          requiredPercent: input.requiredNewLineCoveragePercent ?? 100,
          maxLineFindings: input.maxLineFindings ?? 200,
        });
      } finally {
        rmSync(workDir, { recursive: true, force: true });
      }
    },
  };
}
