// Renders the runbook file as the Markdown table of the README, so the table people read is the file the
// workers run. Usage: npx tsx src/starters/render-runbook.ts [--runbook FILE] [--write README.md | --check README.md]
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadRunbook, RunbookError } from '../runbook/load';
import { renderRunbookTable, replaceRunbookTable } from '../runbook/render-table';

function main(): number {
  const { values } = parseArgs({
    options: {
      runbook: { type: 'string', default: 'config/runbook.yaml' },
      write: { type: 'string' },
      check: { type: 'string' },
    },
  });
  const table = renderRunbookTable(loadRunbook(values.runbook));
  const target = values.write ?? values.check;
  if (!target) {
    process.stdout.write(table);
    return 0;
  }
  const current = readFileSync(target, 'utf8');
  const updated = replaceRunbookTable(current, table);
  if (values.check) {
    if (updated === current) return 0;
    process.stderr.write(`${target} contains an outdated runbook table; run npm run runbook:render\n`);
    return 1;
  }
  writeFileSync(target, updated);
  return 0;
}

try {
  process.exitCode = main();
} catch (error) {
  process.stderr.write(`${error instanceof RunbookError ? error.message : (error as Error).message}\n`);
  process.exitCode = 1;
}
