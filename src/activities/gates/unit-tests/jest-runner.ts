import { ApplicationFailure } from '@temporalio/common';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ToolFailureType } from '../tool-failure-types';
import { describeToolExit, runTool, toolEnvironment } from '../run-tool';
import { parseCobertura } from './cobertura';
import { jestFailures, parseJestResults } from './jest-results';
import type { RunnerResult } from './types';

export interface JestRunOptions {
  /** Real path of the repository, checked out at the head commit. */
  repositoryPath: string;
  /** Empty folder outside the repository for results and coverage. */
  outputDir: string;
  /** Files, relative to the repository, whose coverage is measured even when no test loads them. */
  collectCoverageFrom?: string[];
  timeoutMs: number;
  /** `jest/bin/jest.js` to run when the repository has no Jest of its own in node_modules. */
  bundledJest: string;
  nodeCommand: string;
  env: NodeJS.ProcessEnv;
  onTick: () => void;
  signal: AbortSignal;
}

function jestEntryPoint(options: JestRunOptions): string {
  const own = join(options.repositoryPath, 'node_modules', 'jest', 'bin', 'jest.js');
  return existsSync(own) ? own : options.bundledJest;
}

function jestArguments(options: JestRunOptions, resultsPath: string, coverageDir: string): string[] {
  const args = [
    jestEntryPoint(options),
    '--ci',
    '--rootDir',
    options.repositoryPath,
    '--json',
    '--testLocationInResults',
  ];
  args.push('--outputFile', resultsPath, '--coverage', '--coverageDirectory', coverageDir);
  args.push('--coverageReporters', 'cobertura', '--passWithNoTests', '--no-watchman', '--maxWorkers', '2');
  for (const path of options.collectCoverageFrom ?? []) args.push('--collectCoverageFrom', path);
  return args;
}

/**
 * Runs Jest with coverage in the repository and reads its JSON results and Cobertura report. Failing tests are
 * a result; an exit without a results file (a config error or a crash) is a non-retryable ToolFailed.
 */
export async function runJest(options: JestRunOptions): Promise<RunnerResult> {
  const resultsPath = join(options.outputDir, 'jest-results.json');
  const coverageDir = join(options.outputDir, 'jest-coverage');
  const run = await runTool({
    toolName: 'jest',
    command: options.nodeCommand,
    args: jestArguments(options, resultsPath, coverageDir),
    cwd: options.repositoryPath,
    env: toolEnvironment(options.env, { CI: 'true', NODE_ENV: 'test' }),
    timeoutMs: options.timeoutMs,
    installHint: 'run npm ci in this project, which installs jest as a devDependency',
    onTick: options.onTick,
    signal: options.signal,
  });
  if (!existsSync(resultsPath)) {
    throw ApplicationFailure.nonRetryable(
      `${describeToolExit('jest', run)} (no results written)`,
      ToolFailureType.ToolFailed,
    );
  }
  const results = parseJestResults(readFileSync(resultsPath, 'utf8'));
  const coveragePath = join(coverageDir, 'cobertura-coverage.xml');
  const hasCoverage = existsSync(coveragePath);
  const coverage = hasCoverage
    ? parseCobertura(readFileSync(coveragePath, 'utf8'), options.repositoryPath, 'jest')
    : new Map();
  return {
    runner: 'jest',
    total: results.numTotalTests,
    failures: jestFailures(results, options.repositoryPath),
    coverage,
    coverageReportPath: hasCoverage ? coveragePath : undefined,
    notes: [],
  };
}
