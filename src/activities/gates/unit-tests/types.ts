import type { Finding, GateTarget } from '../../../gates/contracts';
import type { LineCoverage } from './cobertura';

export type UnitTestRunner = 'jest' | 'pytest';

/** Input of the `unitTestGate` workflow. */
export interface UnitTestGateInput {
  target: GateTarget;
  /** Runners to use; detected from the repository's files when absent. */
  runners?: UnitTestRunner[];
  /** Deadline of each runner in milliseconds. Defaults to 900000 (15 minutes). */
  runnerTimeoutMs?: number;
  /** Line coverage that new code needs, in percent. Defaults to 100. */
  requiredNewLineCoveragePercent?: number;
  /** Uncovered new lines listed as findings, one each; the rest are counted in one finding. Defaults to 200. */
  maxLineFindings?: number;
}

/** A failed test, or a test file that could not run, as a test runner reported it. */
export interface TestFailure {
  runner: UnitTestRunner;
  /** Test file and test name, such as `test/sum.test.js › sum adds`. */
  location: string;
  title: 'Test failed' | 'Test file failed to run';
  detail: string;
}

/** What one runner produced: counts, failures and line coverage of the repository. */
export interface RunnerResult {
  runner: UnitTestRunner;
  total: number;
  failures: TestFailure[];
  coverage: LineCoverage;
  /** Cobertura XML report the coverage was read from, absent when the runner wrote none. */
  coverageReportPath?: string;
  /** Informational findings, such as `no tests collected`. */
  notes: Finding[];
}
