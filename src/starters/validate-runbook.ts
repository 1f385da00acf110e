// Validates runbook files and prints every problem with its path, not only the first.
// Usage: npx tsx src/starters/validate-runbook.ts [--check-env] FILE...
import { parseArgs } from 'node:util';
import { workerEnvSchema } from '../config/env';
import { findMissingIntegrations } from '../config/integrations';
import { findMissingSecrets, loadRunbook, RunbookError } from '../runbook/load';
import type { Runbook } from '../runbook/schema';

/** Lists what the worker checks at start: the runbook's secrets, the systems it uses and the worker's settings. */
function findMissingSettings(runbook: Runbook): string[] {
  const parsed = workerEnvSchema.safeParse(process.env);
  if (!parsed.success) {
    return parsed.error.issues.map((issue) => `${issue.path.join('.')} (${issue.message})`);
  }
  return [...findMissingSecrets(runbook, process.env), ...findMissingIntegrations(runbook, parsed.data, process.env)];
}

function validate(file: string, checkEnv: boolean): boolean {
  try {
    const runbook = loadRunbook(file);
    const missing = checkEnv ? findMissingSettings(runbook) : [];
    if (missing.length > 0) {
      process.stdout.write(`${file}: valid, but the worker would not start; set these environment variables:\n`);
      for (const line of missing) process.stdout.write(`  - ${line}\n`);
      return false;
    }
    process.stdout.write(
      `${file}: valid, ${runbook.services.length} services (${runbook.services.map((row) => row.id).join(', ')})\n`,
    );
    return true;
  } catch (error) {
    if (!(error instanceof RunbookError)) throw error;
    process.stdout.write(`${error.message}\n`);
    return false;
  }
}

const { values, positionals } = parseArgs({
  options: { 'check-env': { type: 'boolean', default: false } },
  allowPositionals: true,
});
const files = positionals.length > 0 ? positionals : ['config/runbook.yaml'];
const results = files.map((file) => validate(file, values['check-env']));
process.exitCode = results.every(Boolean) ? 0 : 1;
