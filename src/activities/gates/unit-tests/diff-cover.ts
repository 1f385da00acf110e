import { ApplicationFailure } from '@temporalio/common';
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { PYTHON_TOOLS_INSTALL_HINT } from '../python-tools';
import { ToolFailureType } from '../tool-failure-types';
import { describeToolExit, runTool, toolEnvironment } from '../run-tool';
import { parseDiffCoverReport, type DiffCoverReport } from './diff-cover-report';

export interface DiffCoverRunOptions {
  /** diff-cover executable, such as the one scripts/install-python-tools.sh installs. */
  command: string;
  /** Real path of the repository, checked out at the head commit. */
  repositoryPath: string;
  /** Full id of the base commit. diff-cover measures the lines of `git diff <baseSha>...HEAD`. */
  baseSha: string;
  /** Cobertura XML report. diff-cover's JSON report is written next to it. */
  coverageReportPath: string;
  timeoutMs: number;
  env: NodeJS.ProcessEnv;
  onTick?: () => void;
  signal?: AbortSignal;
}

/** Deadline of one diff-cover run, which only runs git diff and reads one report. */
export const DIFF_COVER_TIMEOUT_MS = 2 * 60_000;

function diffCoverArguments(options: DiffCoverRunOptions, jsonPath: string): string[] {
  return [
    options.coverageReportPath,
    `--compare-branch=${options.baseSha}`,
    // The runners may leave files in the work tree, so only the committed change counts.
    '--ignore-staged',
    '--ignore-unstaged',
    '--format',
    `json:${jsonPath}`,
    '--quiet',
  ];
}

/**
 * Runs diff-cover on one Cobertura report in the repository and parses its JSON report. A non-zero exit or a
 * missing report is a non-retryable ToolFailed, and a missing executable a ToolNotFound naming the install script.
 */
export async function runDiffCover(options: DiffCoverRunOptions): Promise<DiffCoverReport> {
  const jsonPath = join(dirname(options.coverageReportPath), `${basename(options.coverageReportPath)}.diff-cover.json`);
  const run = await runTool({
    toolName: 'diff-cover',
    command: options.command,
    args: diffCoverArguments(options, jsonPath),
    cwd: options.repositoryPath,
    // PATH must reach diff-cover because it runs git.
    env: toolEnvironment(options.env, { PYTHONDONTWRITEBYTECODE: '1' }),
    timeoutMs: options.timeoutMs,
    installHint: PYTHON_TOOLS_INSTALL_HINT,
    onTick: options.onTick,
    signal: options.signal,
  });
  if (run.exitCode !== 0 || !existsSync(jsonPath)) {
    throw ApplicationFailure.nonRetryable(
      `${describeToolExit('diff-cover', run)}${existsSync(jsonPath) ? '' : ' (no JSON report written)'}`,
      ToolFailureType.ToolFailed,
    );
  }
  return parseDiffCoverReport(readFileSync(jsonPath, 'utf8'));
}
