import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { Context } from '@temporalio/activity';
import type { IncidentRecord, IncidentRecordActivities, IncidentRecordResult } from '../contracts';
import { FailureType } from '../failure-types';
import { writeFileAtomic } from './atomic-file';
import { renderIncidentMarkdown } from './incident-markdown';

export interface IncidentLogOptions {
  /** Folder that receives `<incidentId>.json` and `<incidentId>.md`, created when missing. */
  dir: string;
  /**
   * URL under which the folder is served, such as https://incidents.example.com/log. When set, the returned
   * location is this URL plus the Markdown file name. Otherwise it is the file path.
   */
  baseUrl?: string;
}

/** Incident ids become file names, so they may contain letters, digits, `.`, `_` and `-`, and no leading dot. */
const SAFE_FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;

function checkIncidentId(incidentId: string): void {
  if (!SAFE_FILE_NAME.test(incidentId)) {
    throw ApplicationFailure.nonRetryable(
      `incident id ${JSON.stringify(incidentId.slice(0, 100))} is not a safe file name: use at most 200 letters, ` +
        'digits, dots, underscores and dashes, starting with a letter or digit',
      FailureType.InvalidRequest,
    );
  }
}

/** Converts a file system error into an ApplicationFailure. Permission and path errors are non-retryable. */
function toFileFailure(error: unknown, incidentId: string, dir: string): ApplicationFailure {
  const code = (error as NodeJS.ErrnoException).code ?? '';
  const message = `writing incident record ${incidentId} in ${dir} failed: ${(error as Error).message}`;
  if (code === 'EACCES' || code === 'EPERM') return ApplicationFailure.nonRetryable(message, FailureType.Forbidden);
  if (['ENOTDIR', 'EISDIR', 'EEXIST', 'EROFS'].includes(code)) {
    return ApplicationFailure.nonRetryable(message, FailureType.InvalidRequest);
  }
  return ApplicationFailure.retryable(message, FailureType.Transient);
}

function checkBaseUrl(baseUrl: string): string {
  let protocol: string | undefined;
  try {
    protocol = new URL(baseUrl).protocol;
  } catch {
    protocol = undefined;
  }
  if (protocol !== 'http:' && protocol !== 'https:') {
    throw new Error(`incident log baseUrl ${JSON.stringify(baseUrl)} is not an http or https URL`);
  }
  return baseUrl.replace(/\/+$/, '');
}

/**
 * Creates the `writeIncidentRecord` activity, which keeps one JSON file and one Markdown rendering per incident.
 * Each write replaces the whole record, and writing the same record again leaves both files as they are.
 */
export function createIncidentLogActivities(
  options: IncidentLogOptions,
): Pick<IncidentRecordActivities, 'writeIncidentRecord'> {
  const dir = resolve(options.dir);
  const baseUrl = options.baseUrl === undefined ? undefined : checkBaseUrl(options.baseUrl);
  return {
    async writeIncidentRecord(record: IncidentRecord): Promise<IncidentRecordResult> {
      checkIncidentId(record.incidentId);
      const jsonPath = join(dir, `${record.incidentId}.json`);
      const markdownPath = join(dir, `${record.incidentId}.md`);
      try {
        await mkdir(dir, { recursive: true });
        const wroteJson = await writeFileAtomic(jsonPath, `${JSON.stringify(record, null, 2)}\n`);
        const wroteMarkdown = await writeFileAtomic(markdownPath, renderIncidentMarkdown(record));
        Context.current().log.info('Wrote incident record', {
          incidentId: record.incidentId,
          status: record.status,
          changed: wroteJson || wroteMarkdown,
        });
      } catch (error) {
        throw toFileFailure(error, record.incidentId, dir);
      }
      return { location: baseUrl === undefined ? markdownPath : `${baseUrl}/${record.incidentId}.md` };
    },
  };
}
