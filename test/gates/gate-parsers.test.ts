import assert from 'node:assert/strict';
import { mkdtempSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCase } from '../../src/activities/gates/fuzzing/case-catalogue';
import { MAX_KEPT_FINDINGS, emptyProgress, recordCase } from '../../src/activities/gates/fuzzing/progress';
import { findCanary } from '../../src/activities/gates/fuzzing/property-checks';
import { parseJUnitXml } from '../../src/activities/gates/junit-xml';
import { parseCobertura } from '../../src/activities/gates/unit-tests/cobertura';
import { parseAddedLines } from '../../src/activities/gates/unit-tests/git-diff';
import { measureNewCode } from '../../src/activities/gates/unit-tests/new-code-coverage';

describe('parseAddedLines', () => {
  it('reads hunks of added and changed files', () => {
    const diff = [
      'diff --git a/src/a.js b/src/a.js',
      '--- a/src/a.js',
      '+++ b/src/a.js',
      '@@ -3,0 +4,2 @@ function a() {',
      '+  one',
      '+  two',
      '@@ -10 +12 @@',
      '-old',
      '+new',
      '@@ -20,3 +22,0 @@',
      'diff --git a/gone.js b/gone.js',
      '--- a/gone.js',
      '+++ /dev/null',
      '@@ -1 +0,0 @@',
    ].join('\n');
    assert.deepEqual([...parseAddedLines(diff)], [['src/a.js', [4, 5, 12]]]);
  });

  it('unquotes escaped paths', () => {
    const diff = '+++ "b/caf\\303\\251 \\"x\\".py"\n@@ -0,0 +1 @@\n+print()\n';
    assert.deepEqual([...parseAddedLines(diff)], [['café "x".py', [1]]]);
  });
});

describe('parseCobertura', () => {
  it('resolves file names against the sources', () => {
    const root = realpathSync(mkdtempSync(join(tmpdir(), 'cobertura-')));
    const xml = `<?xml version="1.0" ?>
      <coverage line-rate="0.5"><sources><source>${root}</source></sources>
      <packages><package name="calc"><classes>
        <class name="core.py" filename="calc/core.py"><methods/><lines>
          <line number="1" hits="1"/><line number="2" hits="0"/></lines></class>
        <class name="outside.py" filename="../outside.py"><lines><line number="1" hits="0"/></lines></class>
        <class name="empty.py" filename="calc/empty.py"><lines/></class>
      </classes></package></packages></coverage>`;
    const coverage = parseCobertura(xml, root, 'test');
    assert.deepEqual([...coverage.keys()], ['calc/core.py', 'calc/empty.py']);
    assert.deepEqual(
      [...coverage.get('calc/core.py')!],
      [
        [1, 1],
        [2, 0],
      ],
    );
  });

  it('rejects malformed XML', () => {
    assert.throws(() => parseCobertura('<coverage><sources>', '/tmp', 'jest'), /jest wrote an invalid Cobertura XML/);
  });
});

describe('measureNewCode', () => {
  it('counts only added lines the report measures', () => {
    const added = new Map([
      ['a.py', [1, 2, 3]],
      ['README.md', [1]],
    ]);
    const coverage = new Map([
      [
        'a.py',
        new Map([
          [1, 2],
          [3, 0],
          [9, 0],
        ]),
      ],
    ]);
    assert.deepEqual(measureNewCode(added, coverage), {
      coverableLines: 2,
      coveredLines: 1,
      uncovered: [{ path: 'a.py', line: 3 }],
    });
  });
});

describe('parseJUnitXml', () => {
  it('reads failures, errors and skips', () => {
    const xml = `<testsuites><testsuite name="pytest">
      <testcase classname="tests.test_a" name="test_ok"/>
      <testcase classname="tests.test_a" name="test_bad"><failure message="assert 1 == 2&#10;more">trace</failure></testcase>
      <testcase classname="tests.test_a" name="test_skip"><skipped message="later"/></testcase>
      <testcase name="GET /x"><error type="error">Network Error</error></testcase>
    </testsuite></testsuites>`;
    const cases = parseJUnitXml(xml, 'test');
    assert.equal(cases.length, 4);
    assert.deepEqual(cases[1]!.problems, [
      { kind: 'failure', type: undefined, message: 'assert 1 == 2\nmore', text: 'trace' },
    ]);
    assert.equal(cases[2]!.skipped, true);
    assert.equal(cases[3]!.problems[0]!.kind, 'error');
  });
});

describe('fuzzing cases', () => {
  const settings = { seed: 5, genaiPath: '/g', cvPath: '/c', oversizedBodyBytes: 1000 };

  it('depend only on seed and index', () => {
    const late = buildCase(settings, 37);
    for (let index = 0; index < 37; index++) buildCase(settings, index);
    assert.deepEqual(buildCase(settings, 37), late);
    assert.notDeepEqual(buildCase({ ...settings, seed: 6 }, 37).body, late.body);
  });

  it('skip a switched-off endpoint', () => {
    for (let index = 0; index < 24; index++)
      assert.equal(buildCase({ ...settings, cvPath: null }, index).suite, 'genai');
  });
});

describe('findCanary', () => {
  const canary = 'Canary-0123456789abcdef';

  it('finds disguised canaries', () => {
    assert.equal(findCanary(`x ${canary} y`, canary), 'verbatim');
    assert.equal(findCanary('CANARY-0123 456789\u200bABCDEF', canary), 'with changed case or inserted spacing');
    assert.equal(findCanary([...canary].reverse().join(''), canary), 'reversed');
    assert.equal(findCanary(Buffer.from(canary).toString('base64'), canary), 'base64-encoded');
    assert.equal(findCanary('Canary-0123', canary), undefined);
  });
});

describe('fuzzing progress', () => {
  it('keeps the most severe findings and counts all', () => {
    let progress = emptyProgress();
    const low = { gate: 'adversarial-fuzzing' as const, severity: 'low' as const, title: 'slow' };
    for (let index = 0; index < MAX_KEPT_FINDINGS; index++) progress = recordCase(progress, index, [low]);
    const critical = { ...low, severity: 'critical' as const, title: 'leak' };
    progress = recordCase(progress, MAX_KEPT_FINDINGS, [critical]);
    assert.equal(progress.findings.length, MAX_KEPT_FINDINGS);
    assert.equal(progress.findings.at(-1)!.title, 'leak');
    assert.equal(progress.counts.low, MAX_KEPT_FINDINGS);
    assert.equal(progress.counts.critical, 1);
    assert.equal(progress.nextCaseIndex, MAX_KEPT_FINDINGS + 1);
  });
});
