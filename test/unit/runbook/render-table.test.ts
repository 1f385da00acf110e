import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadRunbook } from '../../../src/runbook/load';
import { renderRunbookTable, replaceRunbookTable, TABLE_END, TABLE_START } from '../../../src/runbook/render-table';

const runbook = loadRunbook(join(__dirname, '../../../config/runbook.yaml'));

describe('runbook table', () => {
  const lines = renderRunbookTable(runbook).trimEnd().split('\n');

  it('has a header and one line per service', () => {
    assert.equal(lines.length, 2 + runbook.services.length);
    assert.equal(lines[0], '| Service | SLO (95th pct) | Trigger Condition | Immediate Action | Escalation |');
  });

  it('renders the GenAI API row from the data', () => {
    assert.equal(
      lines[2],
      '| GenAI API | p95 latency < 100 ms | > 100 ms for 5m | Roll back to the previous good revision; scale up by 2 (max 12) | ' +
        'Page SRE & ML Ops, then SRE managers after 15m unacknowledged; notify stakeholders; incident log |',
    );
  });

  it('renders the watchdog trigger of the ETL row', () => {
    assert.match(
      lines[4]!,
      /^\| ETL Pipeline \| end-to-end < 15 min \| Run > 15m \(watchdog every 1m\) \| Abort and restart the DAG run; notify data team \|/,
    );
  });

  it('replaces only the text between the markers', () => {
    const document = `# Title\n\n${TABLE_START}\nold table\n${TABLE_END}\n\nAfter.\n`;
    const updated = replaceRunbookTable(document, '| new |\n');
    assert.equal(updated, `# Title\n\n${TABLE_START}\n| new |\n${TABLE_END}\n\nAfter.\n`);
  });

  it('matches the table in the README', () => {
    const readme = readFileSync(join(__dirname, '../../../README.md'), 'utf8');
    assert.equal(replaceRunbookTable(readme, renderRunbookTable(runbook)), readme, 'run npm run runbook:render');
  });

  it('rejects a document without markers', () => {
    assert.throws(() => replaceRunbookTable('# Title\n', '| x |\n'), /no .* markers/);
  });
});
