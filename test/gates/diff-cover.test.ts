import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { diffCoverCommand, pytestPython } from '../../src/activities/gates/python-tools';
import { runDiffCover } from '../../src/activities/gates/unit-tests/diff-cover';
import { parseDiffCoverReport } from '../../src/activities/gates/unit-tests/diff-cover-report';
import { addedLinesBetween } from '../../src/activities/gates/unit-tests/git-diff';
import { runJest } from '../../src/activities/gates/unit-tests/jest-runner';
import { runPytest } from '../../src/activities/gates/unit-tests/pytest-runner';
import { reconcileNewCode } from '../../src/activities/gates/unit-tests/reconcile-new-code';
import type { RunnerResult } from '../../src/activities/gates/unit-tests/types';
import { installPythonTools } from './gate-worker';
import { createTargetRepo, type TargetRepo } from './target-repo';

/** A report as diff-cover 11.0.1 writes it for the js-lib `uncovered` head. */
const SAMPLE_REPORT = JSON.stringify({
  report_name: 'XML',
  diff_name: 'c6e9a61...HEAD',
  src_stats: {
    'src/sum.js': {
      percent_covered: 25.0,
      violation_lines: [9, 6, 7],
      covered_lines: [12],
      violations: [
        [6, null],
        [7, null],
        [9, null],
      ],
    },
    'src/unused.js': { percent_covered: 0.0, violation_lines: [2, 5], covered_lines: [], violations: [] },
  },
  total_num_lines: 6,
  total_num_violations: 5,
  total_percent_covered: 16,
  num_changed_lines: 13,
});

function assertFailureType(error: unknown, type: string, message: RegExp): true {
  assert.ok(error instanceof ApplicationFailure, String(error));
  assert.equal(error.type, type);
  assert.equal(error.nonRetryable, true);
  assert.match(error.message, message);
  return true;
}

describe('parseDiffCoverReport', () => {
  it('reads files and totals', () => {
    const report = parseDiffCoverReport(SAMPLE_REPORT);
    assert.deepEqual([...report.files.keys()], ['src/sum.js', 'src/unused.js']);
    assert.deepEqual(report.files.get('src/sum.js'), {
      violationLines: [6, 7, 9],
      coveredLines: [12],
      percentCovered: 25,
    });
    assert.equal(report.totalLines, 6);
    assert.equal(report.totalViolations, 5);
    assert.equal(report.totalPercentCovered, 16);
  });

  it('accepts a null percentage', () => {
    const text = JSON.stringify({
      src_stats: { 'a.py': { percent_covered: null, violation_lines: [], covered_lines: [] } },
      total_num_lines: 0,
      total_num_violations: 0,
      total_percent_covered: 100,
    });
    assert.equal(parseDiffCoverReport(text).files.get('a.py')?.percentCovered, null);
  });

  it('rejects invalid JSON', () => {
    assert.throws(
      () => parseDiffCoverReport('{"src_stats":'),
      (error) => assertFailureType(error, 'InvalidToolOutput', /diff-cover wrote an invalid JSON report/),
    );
  });

  it('rejects a report of another shape', () => {
    const text = JSON.stringify({ src_stats: { 'a.py': { violation_lines: ['6'] } }, total_num_lines: 1 });
    assert.throws(
      () => parseDiffCoverReport(text),
      (error) => assertFailureType(error, 'InvalidToolOutput', /violation_lines/),
    );
  });
});

describe('reconcileNewCode', () => {
  const report = parseDiffCoverReport(SAMPLE_REPORT);

  it('agrees with the gate on matching coverage', () => {
    const added = new Map([
      ['src/sum.js', [6, 7, 8, 9, 12]],
      ['src/unused.js', [2, 5]],
    ]);
    const coverage = new Map([
      [
        'src/sum.js',
        new Map([
          [6, 0],
          [7, 0],
          [9, 0],
          [12, 3],
        ]),
      ],
      [
        'src/unused.js',
        new Map([
          [2, 0],
          [5, 0],
        ]),
      ],
    ]);
    const reconciled = reconcileNewCode(added, coverage, [report]);
    assert.deepEqual(reconciled.disagreements, []);
    assert.deepEqual(reconciled.gateOnlyFiles, []);
    assert.equal(reconciled.newCode.coverableLines, 6);
    assert.equal(reconciled.newCode.coveredLines, 1);
    assert.deepEqual(
      reconciled.newCode.uncovered.map(({ path, line }) => `${path}:${line}`),
      ['src/sum.js:6', 'src/sum.js:7', 'src/sum.js:9', 'src/unused.js:2', 'src/unused.js:5'],
    );
  });

  it("trusts diff-cover's lines on disagreement", () => {
    // The gate's own measurement counts line 6 as covered, does not measure line 9 and lacks src/unused.js.
    const added = new Map([['src/sum.js', [6, 7, 9, 12]]]);
    const coverage = new Map([
      [
        'src/sum.js',
        new Map([
          [6, 1],
          [7, 0],
          [12, 3],
        ]),
      ],
    ]);
    const reconciled = reconcileNewCode(added, coverage, [report]);
    assert.deepEqual(reconciled.disagreements, [
      { path: 'src/sum.js', line: 6, diffCover: 'uncovered', gate: 'covered' },
      { path: 'src/sum.js', line: 9, diffCover: 'uncovered', gate: 'not measured' },
      { path: 'src/unused.js', line: 2, diffCover: 'uncovered', gate: 'not measured' },
      { path: 'src/unused.js', line: 5, diffCover: 'uncovered', gate: 'not measured' },
    ]);
    assert.equal(reconciled.newCode.coverableLines, 6);
    assert.equal(reconciled.newCode.uncovered.length, 5);
  });

  it("keeps the gate's files that diff-cover misses", () => {
    const added = new Map([
      ['src/sum.js', [6]],
      ['lib/extra.js', [1, 2]],
    ]);
    const coverage = new Map([
      [
        'lib/extra.js',
        new Map([
          [1, 0],
          [2, 4],
        ]),
      ],
    ]);
    const reconciled = reconcileNewCode(added, coverage, [report]);
    assert.deepEqual(reconciled.gateOnlyFiles, ['lib/extra.js']);
    assert.deepEqual(reconciled.newCode.uncovered[0], { path: 'lib/extra.js', line: 1 });
    assert.equal(reconciled.newCode.coverableLines, 8);
    assert.equal(reconciled.newCode.coveredLines, 2);
  });

  it('merges reports of two runners', () => {
    const other = parseDiffCoverReport(
      JSON.stringify({
        src_stats: { 'src/sum.js': { percent_covered: 100, violation_lines: [], covered_lines: [6, 7] } },
        total_num_lines: 2,
        total_num_violations: 0,
        total_percent_covered: 100,
      }),
    );
    const reconciled = reconcileNewCode(new Map(), new Map(), [report, other]);
    const uncovered = reconciled.newCode.uncovered.map(({ path, line }) => `${path}:${line}`);
    assert.deepEqual(uncovered, ['src/sum.js:9', 'src/unused.js:2', 'src/unused.js:5']);
  });
});

describe('runDiffCover', function () {
  this.timeout(120_000);
  const workDirs: string[] = [];
  const env = process.env;
  const signal = new AbortController().signal;

  before(function () {
    this.timeout(300_000);
    installPythonTools();
  });

  after(() => {
    for (const dir of workDirs) rmSync(dir, { recursive: true, force: true });
  });

  function outputDir(): string {
    const dir = mkdtempSync(join(tmpdir(), 'diff-cover-test-'));
    workDirs.push(dir);
    return dir;
  }

  async function jestCoverage(repo: TargetRepo): Promise<RunnerResult> {
    const added = await addedLinesBetween(repo.path, repo.baseSha, repo.headSha);
    return runJest({
      repositoryPath: repo.path,
      outputDir: outputDir(),
      collectCoverageFrom: [...added.keys()].filter((path) => path.endsWith('.js')),
      timeoutMs: 60_000,
      bundledJest: require.resolve('jest/bin/jest'),
      nodeCommand: process.execPath,
      env,
      onTick: () => {},
      signal,
    });
  }

  async function pytestCoverage(repo: TargetRepo): Promise<RunnerResult> {
    return runPytest({
      repositoryPath: repo.path,
      outputDir: outputDir(),
      timeoutMs: 60_000,
      pythonCommand: pytestPython(env),
      env,
      onTick: () => {},
      signal,
    });
  }

  async function diffCover(repo: TargetRepo, result: RunnerResult, command = diffCoverCommand(env)) {
    assert.ok(result.coverageReportPath, `${result.runner} wrote no Cobertura report`);
    return runDiffCover({
      command,
      repositoryPath: repo.path,
      baseSha: repo.baseSha,
      coverageReportPath: result.coverageReportPath,
      timeoutMs: 60_000,
      env,
    });
  }

  it('finds uncovered new Jest lines', async () => {
    const repo = createTargetRepo('js-lib', 'uncovered');
    const report = await diffCover(repo, await jestCoverage(repo));
    assert.deepEqual(report.files.get('src/sum.js')?.violationLines, [6, 7, 9]);
    assert.deepEqual(report.files.get('src/unused.js')?.violationLines, [2, 5]);
    assert.equal(report.files.get('src/unused.js')?.percentCovered, 0);
    assert.equal(report.totalLines, 6);
    assert.equal(report.totalViolations, 5);
  });

  it('finds uncovered new PyTest lines', async () => {
    const repo = createTargetRepo('py-pkg', 'uncovered');
    const report = await diffCover(repo, await pytestCoverage(repo));
    assert.deepEqual([...report.files.keys()], ['calc/core.py']);
    assert.deepEqual(report.files.get('calc/core.py')?.violationLines, [6, 7, 8]);
    assert.equal(report.files.get('calc/core.py')?.percentCovered, 25);
    assert.equal(report.totalViolations, 3);
  });

  it('passes covered Jest and PyTest changes', async () => {
    const jsRepo = createTargetRepo('js-lib', 'covered');
    const jsReport = await diffCover(jsRepo, await jestCoverage(jsRepo));
    assert.equal(jsReport.totalViolations, 0);
    assert.equal(jsReport.totalLines, 4);
    assert.equal(jsReport.totalPercentCovered, 100);
    const pyRepo = createTargetRepo('py-pkg', 'covered');
    const pyReport = await diffCover(pyRepo, await pytestCoverage(pyRepo));
    assert.equal(pyReport.totalViolations, 0);
    assert.ok(pyReport.totalLines > 0);
  });

  it('reports a missing diff-cover', async () => {
    const repo = createTargetRepo('py-pkg', 'covered');
    const result = await pytestCoverage(repo);
    await assert.rejects(diffCover(repo, result, join(outputDir(), 'bin', 'diff-cover')), (error) =>
      assertFailureType(error, 'ToolNotFound', /diff-cover not found at .*; run scripts\/install-python-tools\.sh/),
    );
  });

  it('fails on a base commit missing from the clone', async () => {
    const repo = createTargetRepo('py-pkg', 'covered');
    const result = await pytestCoverage(repo);
    await assert.rejects(
      runDiffCover({
        command: diffCoverCommand(env),
        repositoryPath: repo.path,
        baseSha: '0123456789abcdef0123456789abcdef01234567',
        coverageReportPath: result.coverageReportPath!,
        timeoutMs: 60_000,
        env,
      }),
      (error) => assertFailureType(error, 'ToolFailed', /diff-cover exited with code 1/),
    );
  });
});
