import { ApplicationFailure } from '@temporalio/common';
import { readFile } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { GateFailureType } from '../failure-types';

/** Report path of SonarScanner CLI. The Maven and Gradle scanners write to target/sonar and build/sonar. */
export const DEFAULT_REPORT_TASK_FILE = '.scannerwork/report-task.txt';

export interface ReportTask {
  projectKey?: string;
  ceTaskId: string;
}

/** Parses the `key=value` lines of report-task.txt, such as `ceTaskId=AYhSC2-LY0CHkWJxvNA9`. */
export function parseReportTask(text: string): Record<string, string> {
  const entries: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const separator = line.indexOf('=');
    if (separator > 0) entries[line.slice(0, separator).trim()] = line.slice(separator + 1).trim();
  }
  return entries;
}

/** Resolves `file` inside the repository; a path that leaves it, such as `../x`, is rejected. */
function reportTaskPath(repositoryPath: string, file: string): string {
  const path = resolve(repositoryPath, file);
  const inside = relative(resolve(repositoryPath), path);
  if (inside.startsWith('..') || isAbsolute(inside)) {
    throw ApplicationFailure.nonRetryable(
      `report task file "${file}" is outside the repository ${repositoryPath}; give a path relative to it`,
      GateFailureType.InvalidRequest,
    );
  }
  return path;
}

/**
 * Reads the Compute Engine task id the scanner wrote after uploading its analysis. A missing file means the
 * scanner has not run for this checkout, which another attempt cannot fix.
 */
export async function readReportTask(repositoryPath: string, file = DEFAULT_REPORT_TASK_FILE): Promise<ReportTask> {
  const path = reportTaskPath(repositoryPath, file);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw ApplicationFailure.nonRetryable(
      `cannot read the scanner's report task file ${path} (${(error as NodeJS.ErrnoException).code ?? error}); ` +
        'run the SonarQube scanner in the repository first, or pass the ceTaskId of its analysis',
      GateFailureType.MissingAnalysis,
    );
  }
  const entries = parseReportTask(text);
  if (!entries.ceTaskId) {
    throw ApplicationFailure.nonRetryable(
      `${path} has no ceTaskId line; the scanner did not finish uploading its analysis`,
      GateFailureType.MissingAnalysis,
    );
  }
  return { projectKey: entries.projectKey, ceTaskId: entries.ceTaskId };
}
