import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from '@temporalio/worker';

const HISTORY_DIR = join(__dirname, '../fixtures/histories');

describe('recorded remediation histories', function () {
  this.timeout(120_000);

  it('replay without nondeterminism', async () => {
    const files = readdirSync(HISTORY_DIR).filter((file) => file.endsWith('.json'));
    assert.ok(files.length >= 5, `expected recorded histories in ${HISTORY_DIR}; record them with RECORD_HISTORIES=1`);
    const histories = files.map((file) => ({
      workflowId: file.replace(/\.json$/, ''),
      history: JSON.parse(readFileSync(join(HISTORY_DIR, file), 'utf8')),
    }));
    const failures: string[] = [];
    for await (const result of Worker.runReplayHistories(
      { workflowsPath: require.resolve('../../src/workflows') },
      histories,
    )) {
      if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
    }
    assert.deepEqual(failures, []);
  });
});
