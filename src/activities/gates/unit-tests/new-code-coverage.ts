import type { LineCoverage } from './cobertura';
import type { AddedLines } from './git-diff';

export interface CoverageCount {
  /** Lines the coverage report can measure: statements, not blank lines or comments. */
  coverableLines: number;
  coveredLines: number;
}

export interface NewCodeCoverage extends CoverageCount {
  /** Added coverable lines no test ran, sorted by file and line. */
  uncovered: { path: string; line: number }[];
}

/** Measured new lines of one file, each mapped to whether a test ran it. */
export type MeasuredLines = Map<number, boolean>;

/** Measures the added lines of one file: a line counts when the report lists it, and is covered above zero hits. */
export function measureNewLines(addedLines: number[], hits: Map<number, number> | undefined): MeasuredLines {
  const measured: MeasuredLines = new Map();
  if (!hits) return measured;
  for (const line of addedLines) {
    const count = hits.get(line);
    if (count !== undefined) measured.set(line, count > 0);
  }
  return measured;
}

/**
 * Intersects the added lines with the coverage report: an added line counts when the report lists it, and is
 * covered when its hit count is above zero. Added lines of files the report does not list, such as docs, config
 * files or test files that Jest does not instrument, do not count.
 */
export function measureNewCode(added: AddedLines, coverage: LineCoverage): NewCodeCoverage {
  const result: NewCodeCoverage = { coverableLines: 0, coveredLines: 0, uncovered: [] };
  for (const path of [...added.keys()].sort()) {
    for (const [line, covered] of measureNewLines(added.get(path)!, coverage.get(path))) {
      result.coverableLines += 1;
      if (covered) result.coveredLines += 1;
      else result.uncovered.push({ path, line });
    }
  }
  return result;
}

/** Counts coverable and covered lines over every file of the report. */
export function measureAllLines(coverage: LineCoverage): CoverageCount {
  let coverableLines = 0;
  let coveredLines = 0;
  for (const hits of coverage.values()) {
    for (const count of hits.values()) {
      coverableLines += 1;
      if (count > 0) coveredLines += 1;
    }
  }
  return { coverableLines, coveredLines };
}

/** Percentage of covered lines with one decimal, rounded down so 99.96% never shows as 100%. */
export function percentCovered(count: CoverageCount): number {
  if (count.coverableLines === 0) return 100;
  return Math.floor((count.coveredLines / count.coverableLines) * 1000) / 10;
}
