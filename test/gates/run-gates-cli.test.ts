import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseRunGatesArgs, UsageError } from '../../src/triggers/run-gates-args';
import { pipelineWorkflowId } from '../../src/workflows/gates/pipeline-ids';
import { sharedTemporal } from '../support/temporal';
import { PipelineHarness, randomSha } from './pipeline-harness';

const ROOT = join(__dirname, '../..');
const TSX = require.resolve('tsx/cli');

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

describe('run-gates command', function () {
  this.timeout(90_000);
  let harness: PipelineHarness;
  let checkout: string;
  let configFile: string;
  let address: string;

  before(async () => {
    harness = await PipelineHarness.start();
    address = (await sharedTemporal()).server.address;
    checkout = mkdtempSync(join(tmpdir(), 'run-gates-checkout-'));
    mkdirSync(join(checkout, '.scannerwork'));
    writeFileSync(
      join(checkout, '.scannerwork/report-task.txt'),
      `projectKey=acme_shop\nceTaskId=${harness.sonarQube.task.id}\n`,
    );
    configFile = join(checkout, 'gates.yaml');
    writeFileSync(
      configFile,
      [
        'version: 1',
        'repositories:',
        '  - repository: octocat/Hello-World',
        `    checkoutPath: ${checkout}`,
        '    gates:',
        '      sast: { projectKey: acme_shop }',
      ].join('\n'),
    );
  });

  afterEach(async () => {
    await harness.reset();
  });

  after(async () => {
    await harness?.stop();
  });

  /** Runs the command as `npx tsx src/starters/run-gates.ts` would, against the shared Temporal server. */
  function runCli(args: string[]): Promise<CliResult> {
    const env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      TEMPORAL_ADDRESS: address,
      GATES_TASK_QUEUE: harness.taskQueue,
      GATES_CONFIG_FILE: configFile,
    };
    return new Promise((resolve) => {
      execFile(
        process.execPath,
        [TSX, 'src/starters/run-gates.ts', ...args],
        { cwd: ROOT, env },
        (error, stdout, stderr) => {
          resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
        },
      );
    });
  }

  function pullRequestArgs(head: string): string[] {
    const base = '7638417db6d59f3c431d3e1f261cc637155684cd';
    return ['--trigger', 'pull_request', '--repo', checkout, '--base', base, '--head', head];
  }

  it('exits 0 when the gates pass', async () => {
    const sha = randomSha();

    const result = await runCli([...pullRequestArgs(sha), '--repository', 'octocat/Hello-World', '--wait']);

    assert.equal(result.code, 0, result.stderr + result.stdout);
    assert.match(
      result.stdout,
      new RegExp(`Pipeline pipeline-pull_request-octocat-Hello-World-${sha}-base-7638417: PASS`),
    );
    assert.match(result.stdout, /sast +PASS +SonarQube acme_shop: no new critical issues/);
    assert.match(result.stdout, /No findings\./);
  });

  it('exits 1 and prints every finding when blocked', async () => {
    const sha = randomSha();
    harness.script('api-contract', sha, 'block');
    await harness.useSonarQube({ qualityGate: 'error' });

    const result = await runCli([...pullRequestArgs(sha), '--repository', 'octocat/Hello-World', '--wait']);

    assert.equal(result.code, 1, result.stderr + result.stdout);
    assert.match(result.stdout, /: BLOCK/);
    assert.match(result.stdout, /Findings \(4\):/);
    assert.match(
      result.stdout,
      /CRITICAL +sast: New SECURITY: BLOCKER issue: Review this potentially hard-coded password\. +src\/config\.ts:12 +\[typescript:S2068\]/,
    );
    assert.match(result.stdout, /HIGH +api-contract: stub api-contract finding +src\/app\.ts:1/);
    assert.match(result.stdout, /HIGH +sast: Quality gate condition failed: new_violations/);
    assert.match(result.stdout, /actual value 2, error when GT 0/);
  });

  it('exits 2 when a gate errors', async () => {
    const sha = randomSha();
    harness.script('unit-tests', sha, 'fail');

    const result = await runCli([...pullRequestArgs(sha), '--gate', 'unit-tests', '--wait']);

    assert.equal(result.code, 2, result.stderr + result.stdout);
    assert.match(result.stdout, /unit-tests +ERROR +unit-tests gate could not run: .*stub unit-tests gate crashed/);
  });

  it('re-runs the blocked gates', async () => {
    const sha = randomSha();
    harness.script('api-contract', sha, 'block');
    const first = await runCli([...pullRequestArgs(sha), '--repository', 'octocat/Hello-World', '--wait']);
    assert.equal(first.code, 1, first.stderr + first.stdout);
    harness.script('api-contract', sha, 'pass');
    const target = {
      repositoryPath: checkout,
      repository: 'octocat/Hello-World',
      headSha: sha,
      baseSha: '7638417db6d59f3c431d3e1f261cc637155684cd',
    };
    const workflowId = pipelineWorkflowId('pull_request', target);

    const result = await runCli(['--rerun', workflowId, '--wait']);

    assert.equal(result.code, 0, result.stderr + result.stdout);
    assert.match(result.stdout, /Re-running api-contract of .* reusing unit-tests, sast/);
    assert.match(result.stdout, /: PASS/);
  });

  it('starts without waiting', async () => {
    const sha = randomSha();

    const result = await runCli(['--trigger', 'push', '--repo', checkout, '--head', sha]);

    assert.equal(result.code, 0, result.stderr);
    assert.match(
      result.stdout,
      /^Started pipeline pipeline-push-run-gates-checkout-\w+-[0-9a-f]{40} \(run [0-9a-f-]{36}\)$/m,
    );
  });

  it('exits 2 on invalid arguments', async () => {
    const result = await runCli([
      '--trigger',
      'pull_request',
      '--repo',
      checkout,
      '--base',
      randomSha(),
      '--head',
      'abc1234',
    ]);

    assert.equal(result.code, 2);
    assert.match(result.stderr, /--head: must be a full 40-character commit SHA/);
    assert.match(result.stderr, /Usage: npx tsx src\/starters\/run-gates\.ts/);
  });

  it('prints help', async () => {
    const result = await runCli(['--help']);

    assert.equal(result.code, 0);
    assert.match(result.stdout, /Exit codes: 0 passed/);
  });

  it('validates its arguments', () => {
    const head = randomSha();
    const cases: [string[], RegExp][] = [
      [['--trigger', 'pull_request', '--repo', '.', '--head', head], /--base is required with --trigger pull_request/],
      [['--trigger', 'manual', '--repo', '.', '--head', head], /--trigger manual needs at least one --gate/],
      [['--trigger', 'push', '--repo', '.', '--head', head, '--gate', 'lint'], /--gate\.0: Invalid option/],
      [['--trigger', 'hourly', '--repo', '.', '--head', head], /--trigger: Invalid option/],
      [['--trigger', 'push', '--repo', '.', '--head', head, '--verbose'], /Unknown option '--verbose'/],
      [['--rerun', 'pipeline-x', '--head', head], /--rerun takes the input of the earlier run; drop --head/],
      [['--trigger', 'push', '--repo', '.', '--head', head, '--base-url', 'ftp://x'], /--base-url: must be an http/],
    ];
    for (const [args, message] of cases) {
      assert.throws(
        () => parseRunGatesArgs(args),
        (error: unknown) => {
          assert.ok(error instanceof UsageError, `${args.join(' ')}: ${String(error)}`);
          assert.match(error.message, message, args.join(' '));
          return true;
        },
      );
    }
  });

  it('reads repeated gates', () => {
    const args = parseRunGatesArgs([
      '--trigger',
      'manual',
      '--repo',
      '.',
      '--head',
      randomSha(),
      '--gate',
      'sast',
      '--gate',
      'dast',
      '--wait',
    ]);

    assert.equal(args.mode, 'start');
    assert.deepEqual(args.mode === 'start' && args.gate, ['sast', 'dast']);
    assert.equal(args.mode === 'start' && args.wait, true);
  });
});
