import type { LineCoverage } from './cobertura';
import type { DiffCoverReport } from './diff-cover-report';
import type { AddedLines } from './git-diff';
import { measureNewLines, type MeasuredLines, type NewCodeCoverage } from './new-code-coverage';

export type NewLineStatus = 'covered' | 'uncovered' | 'not measured';

/** A new line that diff-cover and the gate's own measurement classify differently. */
export interface NewLineDisagreement {
  path: string;
  line: number;
  diffCover: NewLineStatus;
  gate: NewLineStatus;
}

export interface ReconciledNewCode {
  newCode: NewCodeCoverage;
  /** Lines of files that diff-cover reports where the gate's own measurement differs. diff-cover's status counts. */
  disagreements: NewLineDisagreement[];
  /** Files that only the gate's own measurement covers, because diff-cover reported no measured lines for them. */
  gateOnlyFiles: string[];
}

/** Merges the diff-cover reports of several runners. A line is covered when any report covers it. */
function mergeDiffCover(reports: DiffCoverReport[]): Map<string, MeasuredLines> {
  const merged = new Map<string, MeasuredLines>();
  for (const report of reports) {
    for (const [path, file] of report.files) {
      const lines = merged.get(path) ?? new Map<number, boolean>();
      for (const line of file.violationLines) lines.set(line, lines.get(line) ?? false);
      for (const line of file.coveredLines) lines.set(line, true);
      merged.set(path, lines);
    }
  }
  return merged;
}

function lineStatus(lines: MeasuredLines, line: number): NewLineStatus {
  const covered = lines.get(line);
  if (covered === undefined) return 'not measured';
  return covered ? 'covered' : 'uncovered';
}

function compareFile(path: string, diffCover: MeasuredLines, gate: MeasuredLines): NewLineDisagreement[] {
  const lines = [...new Set([...diffCover.keys(), ...gate.keys()])].sort((a, b) => a - b);
  const disagreements: NewLineDisagreement[] = [];
  for (const line of lines) {
    const diffCoverStatus = lineStatus(diffCover, line);
    const gateStatus = lineStatus(gate, line);
    if (diffCoverStatus !== gateStatus)
      disagreements.push({ path, line, diffCover: diffCoverStatus, gate: gateStatus });
  }
  return disagreements;
}

function addFile(newCode: NewCodeCoverage, path: string, lines: MeasuredLines): void {
  for (const line of [...lines.keys()].sort((a, b) => a - b)) {
    newCode.coverableLines += 1;
    if (lines.get(line)) newCode.coveredLines += 1;
    else newCode.uncovered.push({ path, line });
  }
}

/**
 * Combines diff-cover's reports with the gate's own intersection of `git diff` and Cobertura coverage. For each
 * file that diff-cover reports, its measured and uncovered lines count, and lines where the gate's own result
 * differs are returned as disagreements. Files that diff-cover does not report, such as files whose report paths
 * it cannot match to the diff, count as the gate measures them.
 */
export function reconcileNewCode(
  added: AddedLines,
  coverage: LineCoverage,
  reports: DiffCoverReport[],
): ReconciledNewCode {
  const diffCover = mergeDiffCover(reports);
  const result: ReconciledNewCode = {
    newCode: { coverableLines: 0, coveredLines: 0, uncovered: [] },
    disagreements: [],
    gateOnlyFiles: [],
  };
  for (const path of [...new Set([...added.keys(), ...diffCover.keys()])].sort()) {
    const gateLines = measureNewLines(added.get(path) ?? [], coverage.get(path));
    const diffCoverLines = diffCover.get(path);
    if (diffCoverLines) {
      result.disagreements.push(...compareFile(path, diffCoverLines, gateLines));
      addFile(result.newCode, path, diffCoverLines);
    } else if (gateLines.size > 0) {
      result.gateOnlyFiles.push(path);
      addFile(result.newCode, path, gateLines);
    }
  }
  return result;
}
