import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RemediationResult } from '../../src/workflows/remediation/types';

const repoRoot = join(__dirname, '../..');

/** Runs the README's main job to the end and returns its exit code and output. */
function runDemo(stateDir: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'src/demo/run-demo.ts'), '--exit'], {
      cwd: repoRoot,
      env: { ...process.env, DEMO_STATE_DIR: stateDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, output }));
  });
}

describe('demo end to end', function () {
  // The alert needs 30 s of breach and the verify window 20 s; cluster and server start-up take the rest.
  this.timeout(10 * 60_000);

  it('turns a real alert into a mitigated run', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'slo-demo-'));
    const { code, output } = await runDemo(stateDir);
    assert.equal(code, 0, output);

    const result = JSON.parse(readFileSync(join(stateDir, 'result.json'), 'utf8')) as RemediationResult & {
      workflowId: string;
      runUrl: string;
    };
    assert.equal(result.outcome, 'mitigated');
    assert.equal(result.workflowId, 'slo-remediation-genai-api');
    const events = result.timeline.map((entry) => entry.event);
    assert.ok(events.some((event) => /indicator \d+ ms > 100 ms over 30s/.test(event)), events.join('\n'));
    assert.ok(events.some((event) => /rolled back genai\/genai-api from revision 2 to revision 1/.test(event)));
    assert.ok(events.some((event) => /scaled genai\/genai-api from 2 to 4 replicas/.test(event)));
    assert.ok(events.some((event) => /indicator \d+ ms <= 100 ms over 20s/.test(event)));
    assert.match(result.runUrl, /^http:\/\/127\.0\.0\.1:\d+\/namespaces\/default\/workflows\/slo-remediation-genai-api\//);
    assert.match(output, /open the run in the Temporal Web UI/);
  });
});
