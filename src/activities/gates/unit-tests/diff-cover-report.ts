import { ApplicationFailure } from '@temporalio/common';
import { z } from 'zod';
import { ToolFailureType } from '../tool-failure-types';

/** diff-cover's measurement of one file: the changed lines that the coverage report measures. */
export interface DiffCoverFile {
  /** Changed lines with zero hits, sorted. */
  violationLines: number[];
  /** Changed lines with hits, sorted. */
  coveredLines: number[];
  /** Percentage of the file's measured changed lines that are covered, null when none is measured. */
  percentCovered: number | null;
}

/** diff-cover's JSON report of one coverage report, keyed by file path relative to the repository. */
export interface DiffCoverReport {
  files: Map<string, DiffCoverFile>;
  /** Measured changed lines over all files. */
  totalLines: number;
  totalViolations: number;
  /** diff-cover rounds this down to an integer unless it runs with `--total-percent-float`. */
  totalPercentCovered: number;
}

const lineNumbers = z.array(z.number().int().positive());

// Fields of diff-cover 11.0.1's JsonReportGenerator.report_dict. Other fields, such as `violations`, are ignored.
const reportSchema = z.object({
  src_stats: z.record(
    z.string(),
    z.object({
      percent_covered: z.number().nullable(),
      violation_lines: lineNumbers,
      covered_lines: lineNumbers,
    }),
  ),
  total_num_lines: z.number().int().nonnegative(),
  total_num_violations: z.number().int().nonnegative(),
  total_percent_covered: z.number(),
});

function invalidReport(reason: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(
    `diff-cover wrote an invalid JSON report: ${reason}`,
    ToolFailureType.InvalidToolOutput,
  );
}

/** Parses the report that `diff-cover --format json:FILE` writes. */
export function parseDiffCoverReport(text: string): DiffCoverReport {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw invalidReport(error instanceof Error ? error.message : String(error));
  }
  const parsed = reportSchema.safeParse(json);
  if (!parsed.success) throw invalidReport(parsed.error.message.slice(0, 500));
  const files = new Map<string, DiffCoverFile>();
  for (const [path, stats] of Object.entries(parsed.data.src_stats)) {
    files.set(path, {
      violationLines: [...stats.violation_lines].sort((a, b) => a - b),
      coveredLines: [...stats.covered_lines].sort((a, b) => a - b),
      percentCovered: stats.percent_covered,
    });
  }
  return {
    files,
    totalLines: parsed.data.total_num_lines,
    totalViolations: parsed.data.total_num_violations,
    totalPercentCovered: parsed.data.total_percent_covered,
  };
}
