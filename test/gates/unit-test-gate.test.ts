import assert from 'node:assert/strict';
import { createUnitTestGateActivities } from '../../src/activities/gates/unit-tests';
import type { UnitTestGateInput } from '../../src/workflows/gates/unit-tests';
import { GateTestWorker, installPythonTools } from './gate-worker';
import { createTargetRepo } from './target-repo';

function prInput(target: 'js-lib' | 'py-pkg', head: string, extra: Partial<UnitTestGateInput> = {}) {
  const repo = createTargetRepo(target, head);
  return { target: { repositoryPath: repo.path, baseSha: repo.baseSha, headSha: repo.headSha }, ...extra };
}

describe('unit-test gate workflow', function () {
  this.timeout(120_000);
  let worker: GateTestWorker;

  before(async function () {
    this.timeout(300_000);
    installPythonTools();
    worker = await GateTestWorker.start(createUnitTestGateActivities());
  });

  after(async () => {
    await worker?.stop();
  });

  it('passes a Jest change whose new lines are covered', async () => {
    const verdict = await worker.execute('unitTestGate', prInput('js-lib', 'covered'));
    assert.equal(verdict.gate, 'unit-tests');
    assert.equal(verdict.status, 'pass', verdict.summary);
    assert.deepEqual(verdict.findings, []);
    assert.match(verdict.summary, /0 test failures in 2 tests \(jest\)/);
    assert.match(verdict.summary, /100% of 4 new lines covered/);
    assert.ok(verdict.durationMs > 0);
  });

  it('passes a PyTest change whose new lines are covered', async () => {
    const verdict = await worker.execute('unitTestGate', prInput('py-pkg', 'covered'));
    assert.equal(verdict.status, 'pass', verdict.summary);
    assert.match(verdict.summary, /\(pytest\)/);
  });

  it('blocks uncovered new Jest lines', async () => {
    const verdict = await worker.execute('unitTestGate', prInput('js-lib', 'uncovered'));
    assert.equal(verdict.status, 'block');
    const locations = verdict.findings.map((finding) => finding.location);
    // safeDivide's body, and the file that no test loads at all.
    assert.deepEqual(locations, ['src/sum.js:6', 'src/sum.js:7', 'src/sum.js:9', 'src/unused.js:2', 'src/unused.js:5']);
    assert.ok(verdict.findings.every((finding) => finding.title === 'New line not covered'));
    assert.ok(verdict.findings.every((finding) => finding.severity === 'medium'));
    assert.match(verdict.summary, /5 new lines not covered \(16\.6% of 6 new lines covered\)/);
  });

  it('blocks uncovered new PyTest lines', async () => {
    const verdict = await worker.execute('unitTestGate', prInput('py-pkg', 'uncovered'));
    assert.equal(verdict.status, 'block');
    assert.deepEqual(
      verdict.findings.map((finding) => finding.location),
      ['calc/core.py:6', 'calc/core.py:7', 'calc/core.py:8'],
    );
  });

  it('blocks failed Jest and PyTest tests', async () => {
    for (const target of ['js-lib', 'py-pkg'] as const) {
      const verdict = await worker.execute('unitTestGate', prInput(target, 'failing'));
      assert.equal(verdict.status, 'block', target);
      const failed = verdict.findings.filter((finding) => finding.title === 'Test failed');
      assert.equal(failed.length, 1, target);
      assert.equal(failed[0]!.severity, 'high');
      assert.match(failed[0]!.location!, /negative/);
      assert.match(failed[0]!.detail!, /-6/);
      assert.doesNotMatch(failed[0]!.detail!, /&#10;|node_modules/);
    }
  });

  it('blocks a PyTest file that fails to import', async () => {
    const verdict = await worker.execute('unitTestGate', prInput('py-pkg', 'import-error'));
    assert.equal(verdict.status, 'block');
    const broken = verdict.findings.find((finding) => finding.title === 'Test file failed to run');
    assert.equal(broken?.location, 'tests.test_core');
    assert.match(broken.detail!, /No module named 'calc.missing'/);
  });

  it('reports all-line coverage without a base commit', async () => {
    const repo = createTargetRepo('js-lib', 'uncovered');
    const verdict = await worker.execute('unitTestGate', {
      target: { repositoryPath: repo.path, headSha: repo.headSha },
    });
    assert.equal(verdict.status, 'pass', verdict.summary);
    assert.equal(verdict.findings.length, 1);
    assert.equal(verdict.findings[0]!.severity, 'info');
    assert.match(verdict.summary, /of all lines covered \(no base commit, so informational only\)/);
  });

  it('reports an error when Jest crashes', async () => {
    const verdict = await worker.execute('unitTestGate', prInput('js-lib', 'crashing'));
    assert.equal(verdict.status, 'error');
    assert.equal(verdict.findings[0]!.ruleId, 'ToolFailed');
    assert.match(verdict.summary, /jest exited with code 1/);
    assert.match(verdict.findings[0]!.detail!, /this Jest config fails to load/);
  });

  it('reports an error when PyTest crashes', async () => {
    const verdict = await worker.execute('unitTestGate', prInput('py-pkg', 'crashing'));
    assert.equal(verdict.status, 'error');
    assert.match(verdict.findings[0]!.detail!, /conftest\.py fails to import/);
  });

  it('reports an error when a runner times out', async () => {
    const started = Date.now();
    const verdict = await worker.execute('unitTestGate', prInput('py-pkg', 'hanging', { runnerTimeoutMs: 3000 }));
    assert.equal(verdict.status, 'error');
    assert.equal(verdict.findings[0]!.ruleId, 'ToolTimedOut');
    assert.match(verdict.summary, /pytest timed out after 3000 ms/);
    assert.ok(Date.now() - started < 30_000);
  });

  it('reports an error without diff-cover', async () => {
    const activities = createUnitTestGateActivities({
      diffCoverCommand: '/nonexistent/diff-cover-venv/bin/diff-cover',
    });
    const noDiffCover = await GateTestWorker.start(activities);
    try {
      const verdict = await noDiffCover.execute('unitTestGate', prInput('py-pkg', 'covered'));
      assert.equal(verdict.status, 'error');
      assert.equal(verdict.findings[0]!.ruleId, 'ToolNotFound');
      assert.match(verdict.summary, /diff-cover not found at \/nonexistent\/diff-cover-venv\/bin\/diff-cover/);
      assert.match(verdict.summary, /run scripts\/install-python-tools\.sh/);
    } finally {
      await noDiffCover.stop();
    }
  });

  it('reports an error for a missing base commit', async () => {
    const input = prInput('js-lib', 'covered');
    const verdict = await worker.execute('unitTestGate', {
      ...input,
      target: { ...input.target, baseSha: '0123456789abcdef0123456789abcdef01234567' },
    });
    assert.equal(verdict.status, 'error');
    assert.equal(verdict.findings[0]!.ruleId, 'InvalidGateInput');
    assert.match(verdict.summary, /is not in the repository/);
  });
});
