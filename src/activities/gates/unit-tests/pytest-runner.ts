import { ApplicationFailure } from '@temporalio/common';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { clip } from '../gate-outcome';
import { ToolFailureType } from '../tool-failure-types';
import { parseJUnitXml, type JUnitTestCase } from '../junit-xml';
import { PYTHON_TOOLS_INSTALL_HINT } from '../python-tools';
import { describeToolExit, runTool, toolEnvironment } from '../run-tool';
import { parseCobertura } from './cobertura';
import type { RunnerResult, TestFailure } from './types';

export interface PytestRunOptions {
  /** Real path of the repository, checked out at the head commit. */
  repositoryPath: string;
  /** Empty folder outside the repository for results and coverage. */
  outputDir: string;
  timeoutMs: number;
  /** Python interpreter that has pytest and pytest-cov installed. */
  pythonCommand: string;
  env: NodeJS.ProcessEnv;
  onTick: () => void;
  signal: AbortSignal;
}

// PyTest exit codes (pytest.ExitCode): 0 all passed, 1 tests failed, 2 interrupted (also collection errors),
// 3 internal error, 4 usage error, 5 no tests collected.
const EXIT_TESTS_FAILED = 1;
const EXIT_INTERRUPTED = 2;
const EXIT_NO_TESTS = 5;

function toFailures(testCases: JUnitTestCase[]): TestFailure[] {
  return testCases.flatMap((testCase) =>
    testCase.problems.map((problem) => ({
      runner: 'pytest' as const,
      location: testCase.classname ? `${testCase.classname}::${testCase.name}` : testCase.name,
      // PyTest reports a collection error, such as an import error in a test file, as an <error> of a test case
      // with an empty classname and the module as name.
      title: problem.kind === 'error' && !testCase.classname ? 'Test file failed to run' : 'Test failed',
      detail: clip([problem.message, problem.text].filter(Boolean).join('\n')),
    })),
  );
}

function checkExit(run: Awaited<ReturnType<typeof runTool>>, junitPath: string): void {
  const usable = [0, EXIT_TESTS_FAILED, EXIT_INTERRUPTED, EXIT_NO_TESTS];
  if (run.exitCode === null || !usable.includes(run.exitCode) || !existsSync(junitPath)) {
    throw ApplicationFailure.nonRetryable(
      `${describeToolExit('pytest', run)}${existsSync(junitPath) ? '' : ' (no JUnit report written)'}`,
      ToolFailureType.ToolFailed,
    );
  }
}

/**
 * Runs PyTest with pytest-cov in the repository and reads its JUnit XML and Cobertura reports. Coverage data
 * and reports go to `outputDir`, and no cache or bytecode files are written into the repository.
 */
export async function runPytest(options: PytestRunOptions): Promise<RunnerResult> {
  const junitPath = join(options.outputDir, 'pytest-junit.xml');
  const coveragePath = join(options.outputDir, 'pytest-coverage.xml');
  const run = await runTool({
    toolName: 'pytest',
    command: options.pythonCommand,
    args: [
      '-m',
      'pytest',
      '-q',
      '-p',
      'no:cacheprovider',
      `--junitxml=${junitPath}`,
      '--cov=.',
      `--cov-report=xml:${coveragePath}`,
    ],
    cwd: options.repositoryPath,
    env: toolEnvironment(options.env, {
      CI: 'true',
      COVERAGE_FILE: join(options.outputDir, '.coverage'),
      PYTHONDONTWRITEBYTECODE: '1',
    }),
    timeoutMs: options.timeoutMs,
    installHint: PYTHON_TOOLS_INSTALL_HINT,
    onTick: options.onTick,
    signal: options.signal,
  });
  checkExit(run, junitPath);
  const testCases = parseJUnitXml(readFileSync(junitPath, 'utf8'), 'pytest');
  const hasCoverage = existsSync(coveragePath);
  const coverage = hasCoverage
    ? parseCobertura(readFileSync(coveragePath, 'utf8'), options.repositoryPath, 'pytest')
    : new Map();
  const notes =
    run.exitCode === EXIT_NO_TESTS
      ? [{ gate: 'unit-tests' as const, severity: 'info' as const, title: 'PyTest collected no tests' }]
      : [];
  return {
    runner: 'pytest',
    total: testCases.filter((testCase) => !testCase.skipped).length,
    failures: toFailures(testCases),
    coverage,
    coverageReportPath: hasCoverage ? coveragePath : undefined,
    notes,
  };
}
