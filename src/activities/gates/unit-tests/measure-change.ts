import { Context } from '@temporalio/activity';
import type { LineCoverage } from './cobertura';
import { DIFF_COVER_TIMEOUT_MS, runDiffCover } from './diff-cover';
import type { DiffCoverReport } from './diff-cover-report';
import type { AddedLines } from './git-diff';
import type { NewCodeCoverage } from './new-code-coverage';
import { reconcileNewCode } from './reconcile-new-code';
import type { RunnerResult } from './types';

export interface MeasureChangeOptions {
  repositoryPath: string;
  /** Full id of the base commit. */
  baseSha: string;
  added: AddedLines;
  /** Coverage of all runners, merged. */
  coverage: LineCoverage;
  results: RunnerResult[];
  diffCoverCommand: string;
  env: NodeJS.ProcessEnv;
}

/** Maximum of disagreeing lines or files written to the log. The logged count includes the rest. */
const MAX_LOGGED_DISAGREEMENTS = 20;

async function runDiffCoverOnReports(options: MeasureChangeOptions): Promise<DiffCoverReport[]> {
  const context = Context.current();
  const reports: DiffCoverReport[] = [];
  for (const result of options.results) {
    if (!result.coverageReportPath) continue;
    const report = await runDiffCover({
      command: options.diffCoverCommand,
      repositoryPath: options.repositoryPath,
      baseSha: options.baseSha,
      coverageReportPath: result.coverageReportPath,
      timeoutMs: DIFF_COVER_TIMEOUT_MS,
      env: options.env,
      onTick: () => context.heartbeat({ runner: result.runner, tool: 'diff-cover' }),
      signal: context.cancellationSignal,
    });
    context.log.info('diff-cover measured new lines', {
      runner: result.runner,
      files: report.files.size,
      measuredLines: report.totalLines,
      uncoveredLines: report.totalViolations,
      percentCovered: report.totalPercentCovered,
    });
    reports.push(report);
  }
  return reports;
}

/**
 * Measures coverage of the lines the change adds with diff-cover on each runner's Cobertura report, and
 * cross-checks it with the gate's own `git diff` and Cobertura intersection. diff-cover's result counts for the
 * files it reports, and the gate's own for the rest; disagreements are logged as warnings.
 */
export async function measureChange(options: MeasureChangeOptions): Promise<NewCodeCoverage> {
  const reports = await runDiffCoverOnReports(options);
  const reconciled = reconcileNewCode(options.added, options.coverage, reports);
  const log = Context.current().log;
  if (reconciled.disagreements.length > 0) {
    log.warn("diff-cover and the gate's own measurement disagree on new lines, so diff-cover's result counts", {
      count: reconciled.disagreements.length,
      lines: reconciled.disagreements.slice(0, MAX_LOGGED_DISAGREEMENTS),
    });
  }
  if (reconciled.gateOnlyFiles.length > 0) {
    log.warn("diff-cover reported no measured lines for files the gate measures, so the gate's own result counts", {
      files: reconciled.gateOnlyFiles.slice(0, MAX_LOGGED_DISAGREEMENTS),
      count: reconciled.gateOnlyFiles.length,
    });
  }
  return reconciled.newCode;
}
