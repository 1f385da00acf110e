import { ApplicationFailure } from '@temporalio/common';
import { relative } from 'node:path';
import { z } from 'zod';
import { clip, stripAnsi } from '../gate-outcome';
import { ToolFailureType } from '../tool-failure-types';
import type { TestFailure } from './types';

// The parts of Jest's `--json` results the gate reads (Jest 27 to 30 write the same fields).
const assertionSchema = z.object({
  fullName: z.string(),
  status: z.string(),
  failureMessages: z.array(z.string()).nullish(),
  location: z.object({ line: z.number(), column: z.number() }).nullish(),
});

const testFileSchema = z.object({
  name: z.string(),
  status: z.string(),
  message: z.string().default(''),
  assertionResults: z.array(assertionSchema).default([]),
});

export const jestResultsSchema = z.object({
  numTotalTests: z.number().int().nonnegative(),
  numFailedTests: z.number().int().nonnegative(),
  testResults: z.array(testFileSchema),
});

export type JestResults = z.infer<typeof jestResultsSchema>;

/** Validates the text of Jest's results file; a file of another shape is a non-retryable InvalidToolOutput. */
export function parseJestResults(text: string): JestResults {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw ApplicationFailure.nonRetryable(
      `jest wrote results that are not JSON: ${(error as Error).message}`,
      ToolFailureType.InvalidToolOutput,
    );
  }
  const parsed = jestResultsSchema.safeParse(json);
  if (!parsed.success) {
    throw ApplicationFailure.nonRetryable(
      `jest results have an unexpected shape: ${parsed.error.message.slice(0, 500)}`,
      ToolFailureType.InvalidToolOutput,
    );
  }
  return parsed.data;
}

/** Drops stack frames inside node_modules, which show Jest's own code rather than the failing test. */
function withoutRunnerFrames(message: string): string {
  return message
    .split('\n')
    .filter((line) => !/^\s+at .*[/\\]node_modules[/\\]/.test(line))
    .join('\n');
}

/**
 * Lists failed tests and test files that failed to run, such as files with a syntax error, which Jest reports
 * with a message and no test results.
 */
export function jestFailures(results: JestResults, repositoryRoot: string): TestFailure[] {
  const failures: TestFailure[] = [];
  for (const file of results.testResults) {
    const path = relative(repositoryRoot, file.name);
    const failed = file.assertionResults.filter((assertion) => assertion.status === 'failed');
    for (const assertion of failed) {
      const line = assertion.location ? `:${assertion.location.line}` : '';
      failures.push({
        runner: 'jest',
        location: `${path}${line} › ${assertion.fullName}`,
        title: 'Test failed',
        detail: clip(withoutRunnerFrames(stripAnsi((assertion.failureMessages ?? []).join('\n')))),
      });
    }
    if (file.status === 'failed' && failed.length === 0) {
      failures.push({
        runner: 'jest',
        location: path,
        title: 'Test file failed to run',
        detail: clip(stripAnsi(file.message)),
      });
    }
  }
  return failures;
}
