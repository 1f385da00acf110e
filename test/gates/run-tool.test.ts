import assert from 'node:assert/strict';
import { ApplicationFailure } from '@temporalio/common';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runTool, toolEnvironment } from '../../src/activities/gates/run-tool';
import {
  DIFF_COVER_VERSION,
  PYTEST_COV_VERSION,
  PYTEST_VERSION,
  SCHEMATHESIS_VERSION,
} from '../../src/activities/gates/python-tools';

const base = { toolName: 'sh', command: '/bin/sh', cwd: __dirname, timeoutMs: 10_000, installHint: 'install sh' };

async function rejection(promise: Promise<unknown>): Promise<ApplicationFailure> {
  const error = await promise.then(
    () => assert.fail('expected a rejection'),
    (caught: unknown) => caught,
  );
  assert.ok(error instanceof ApplicationFailure, String(error));
  return error;
}

describe('runTool', () => {
  it('returns exit code and output', async () => {
    const result = await runTool({ ...base, args: ['-c', 'echo out; echo err >&2; exit 3'] });
    assert.equal(result.exitCode, 3);
    assert.equal(result.stdout, 'out\n');
    assert.equal(result.stderr, 'err\n');
    assert.equal(result.outputTruncated, false);
  });

  it('passes arguments without a shell', async () => {
    const result = await runTool({ ...base, command: 'printf', args: ['%s|', '$HOME', '; rm -rf /', '`id`'] });
    assert.equal(result.stdout, '$HOME|; rm -rf /|`id`|');
  });

  it('keeps the end of long output', async () => {
    const result = await runTool({ ...base, args: ['-c', 'seq 1 20000'], maxOutputBytes: 100 });
    assert.equal(result.outputTruncated, true);
    assert.equal(Buffer.byteLength(result.stdout), 100);
    assert.ok(result.stdout.endsWith('19999\n20000\n'));
  });

  it('kills the process group at the deadline', async () => {
    const started = Date.now();
    // The background sleep is a child of the shell; only a kill of the whole group ends it.
    const failure = await rejection(
      runTool({ ...base, args: ['-c', 'sleep 30 & echo started; wait'], timeoutMs: 500 }),
    );
    assert.equal(failure.type, 'ToolTimedOut');
    assert.equal(failure.nonRetryable, true);
    assert.match(failure.message, /sh timed out after 500 ms and was killed; last output: started/);
    assert.ok(Date.now() - started < 5000);
  });

  it('names the install step for a missing tool', async () => {
    for (const command of ['/nonexistent/bin/st', 'no-such-tool-on-path']) {
      const failure = await rejection(runTool({ ...base, command, args: [], installHint: 'run scripts/x.sh' }));
      assert.equal(failure.type, 'ToolNotFound');
      assert.equal(failure.nonRetryable, true);
      assert.equal(failure.message, `sh not found at ${command}; run scripts/x.sh`);
    }
  });

  it('rejects a missing working directory', async () => {
    const failure = await rejection(runTool({ ...base, cwd: '/nonexistent/repo', args: ['-c', 'true'] }));
    assert.equal(failure.type, 'InvalidGateInput');
  });

  it('stops the tool on abort', async () => {
    const controller = new AbortController();
    const run = runTool({ ...base, args: ['-c', 'sleep 30'], signal: controller.signal });
    setTimeout(() => controller.abort(new Error('cancelled by test')), 200);
    await assert.rejects(run, /cancelled by test/);
  });

  it('keeps secrets out of tool environments', () => {
    const env = toolEnvironment(
      { PATH: '/bin', HOME: '/root', GITHUB_TOKEN: 'secret', AWS_SECRET_ACCESS_KEY: 'x' },
      { CI: 'true' },
    );
    assert.deepEqual(env, { PATH: '/bin', HOME: '/root', CI: 'true' });
  });
});

describe('install-python-tools.sh', () => {
  it('pins the versions python-tools.ts expects', () => {
    const script = readFileSync(join(__dirname, '../../scripts/install-python-tools.sh'), 'utf8');
    assert.match(script, new RegExp(`^schemathesis_version=${SCHEMATHESIS_VERSION.replace(/\./g, '\\.')}$`, 'm'));
    assert.match(script, new RegExp(`^pytest_version=${PYTEST_VERSION.replace(/\./g, '\\.')}$`, 'm'));
    assert.match(script, new RegExp(`^pytest_cov_version=${PYTEST_COV_VERSION.replace(/\./g, '\\.')}$`, 'm'));
    assert.match(script, new RegExp(`^diff_cover_version=${DIFF_COVER_VERSION.replace(/\./g, '\\.')}$`, 'm'));
  });
});
