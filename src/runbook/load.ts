import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { runbookSchema, type Runbook, type ServiceRunbook } from './schema';

/** A runbook file that cannot be used; `problems` lists every invalid field with its path. */
export class RunbookError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`invalid runbook ${file}:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'RunbookError';
  }
}

/** Formats a zod issue path as `services[0].trigger.for`. */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const key of path) {
    if (typeof key === 'number') text += `[${key}]`;
    else text += text === '' ? String(key) : `.${String(key)}`;
  }
  return text === '' ? '(top level)' : text;
}

function describeIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map((issue) => `${formatIssuePath(issue.path)}: ${issue.message}`);
}

/** Parses and validates runbook YAML text; `file` only labels the errors. */
export function parseRunbook(text: string, file: string): Runbook {
  const document = parseDocument(text, { prettyErrors: true });
  if (document.errors.length > 0) {
    throw new RunbookError(
      file,
      document.errors.map((error) => `YAML syntax: ${error.message.replace(/\s+/g, ' ')}`),
    );
  }
  let content: unknown;
  try {
    content = document.toJS({ maxAliasCount: 1000 });
  } catch (error) {
    // The yaml package throws on alias expansion past maxAliasCount (a "billion laughs" file) and similar faults.
    throw new RunbookError(file, [`YAML content: ${(error as Error).message}`]);
  }
  const result = runbookSchema.safeParse(content);
  if (!result.success) throw new RunbookError(file, describeIssues(result.error.issues));
  return result.data;
}

/** Reads and validates a runbook file. */
export function loadRunbook(file: string): Runbook {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new RunbookError(file, [`cannot read the file: ${(error as Error).message}`]);
  }
  return parseRunbook(text, file);
}

/** Finds the row whose alert labels are all present, with equal values, in `labels`. */
export function findServiceForLabels(runbook: Runbook, labels: Record<string, string>): ServiceRunbook | undefined {
  return runbook.services.find((row) =>
    Object.entries(row.alertLabels).every(([name, value]) => labels[name] === value),
  );
}

/** Lists every environment variable the row names, with what it is for. */
export function secretsOf(row: ServiceRunbook): { name: string; purpose: string }[] {
  const secrets: { name: string; purpose: string }[] = [];
  for (const [index, level] of row.escalation.levels.entries()) {
    for (const page of level.page) {
      secrets.push({
        name: page.routingKeyEnv,
        purpose: `PagerDuty routing key for ${row.id}, level ${index + 1} ${page.team}`,
      });
    }
  }
  for (const notify of row.escalation.notify) {
    secrets.push({ name: notify.webhookUrlEnv, purpose: `chat webhook URL for ${row.id}, ${notify.audience}` });
  }
  if (row.escalation.ticket) {
    secrets.push({ name: row.escalation.ticket.tokenEnv, purpose: `GitHub token for ${row.id} tickets` });
  }
  for (const action of row.actions) {
    if (action.type === 'notify')
      secrets.push({ name: action.webhookUrlEnv, purpose: `chat webhook URL for ${row.id}, ${action.audience}` });
    if (action.type === 'redis.clear-cache')
      secrets.push({ name: action.redisUrlEnv, purpose: `Redis URL of the ${row.id} cache` });
  }
  return secrets;
}

/** Lists the environment variables the runbook needs that are unset or empty, each with its purpose. */
export function findMissingSecrets(runbook: Runbook, env: NodeJS.ProcessEnv): string[] {
  const missing = new Map<string, string>();
  for (const row of runbook.services) {
    for (const secret of secretsOf(row)) {
      if (!env[secret.name]?.trim() && !missing.has(secret.name)) missing.set(secret.name, secret.purpose);
    }
  }
  return [...missing].map(([name, purpose]) => `${name} (${purpose})`);
}
