import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { WorkflowFailedError } from '@temporalio/client';
import type { gatePipeline } from '../../src/workflows/gates/pipeline';
import { gateWorkflowId, pipelineWorkflowId } from '../../src/workflows/gates/pipeline-ids';
import { pipelineStatusQuery } from '../../src/workflows/gates/pipeline-messages';
import { planPipeline } from '../../src/workflows/gates/pipeline-plan';
import type { GatePipelineInput } from '../../src/workflows/gates/pipeline-types';
import { rerunPipeline, RerunError } from '../../src/triggers/rerun-pipeline';
import { startPipeline } from '../../src/triggers/start-pipeline';
import { sharedTemporal } from '../support/temporal';
import { PipelineHarness, randomSha } from './pipeline-harness';

describe('gate pipeline workflow', function () {
  this.timeout(60_000);
  let harness: PipelineHarness;

  before(async () => {
    harness = await PipelineHarness.start();
  });

  afterEach(async () => {
    await harness.reset();
  });

  after(async () => {
    await harness?.stop();
  });

  async function run(input: GatePipelineInput) {
    const { client } = await sharedTemporal();
    const started = await startPipeline({ client, taskQueue: harness.taskQueue }, input);
    const handle = client.workflow.getHandle<typeof gatePipeline>(started.workflowId);
    return { handle, verdict: await handle.result() };
  }

  async function runCount(workflowId: string): Promise<number> {
    const { client } = await sharedTemporal();
    let count = 0;
    for await (const _ of client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) count += 1;
    return count;
  }

  it('runs the pull request gates in parallel', async () => {
    const sha = randomSha();
    const input = harness.input('pull_request', sha);

    const { verdict } = await run(input);

    assert.equal(verdict.status, 'pass', JSON.stringify(verdict, null, 2));
    assert.deepEqual(
      verdict.verdicts.map((gate) => [gate.gate, gate.status]),
      [
        ['unit-tests', 'pass'],
        ['api-contract', 'pass'],
        ['sast', 'pass'],
      ],
    );
    const { client } = await sharedTemporal();
    const children = await Promise.all(
      (['unit-tests', 'api-contract', 'sast'] as const).map((gate) =>
        client.workflow.getHandle(gateWorkflowId(gate, input.target, 'pull_request')).describe(),
      ),
    );
    assert.deepEqual(
      children.map((child) => child.workflowId),
      [
        `gate-unit-tests-octocat-Hello-World-${sha.slice(0, 7)}-pull_request`,
        `gate-api-contract-octocat-Hello-World-${sha.slice(0, 7)}-pull_request`,
        `gate-sast-octocat-Hello-World-${sha.slice(0, 7)}-pull_request`,
      ],
    );
    // All three ran at once: each started before any other closed.
    const latestStart = Math.max(...children.map((child) => child.startTime.getTime()));
    const earliestClose = Math.min(...children.map((child) => child.closeTime!.getTime()));
    assert.ok(latestStart <= earliestClose, 'the gates overlap in time');
  });

  it('reports each gate as a commit status', async () => {
    const sha = randomSha();
    harness.script('api-contract', sha, 'block');
    const input = harness.input('pull_request', sha);

    await run(input);

    const posted = harness.github.statuses.filter((status) => status.sha === sha);
    assert.deepEqual(
      posted.filter((status) => status.context === 'slo-autopilot/api-contract').map((status) => status.state),
      ['pending', 'failure'],
    );
    const latest = Object.fromEntries(posted.map((status) => [status.context, status]));
    assert.equal(latest['slo-autopilot/unit-tests']?.state, 'success');
    assert.equal(latest['slo-autopilot/sast']?.state, 'success');
    assert.equal(latest['slo-autopilot/api-contract']?.description, 'stub api-contract: block');
    const link = latest['slo-autopilot/sast']!.target_url!;
    const childId = gateWorkflowId('sast', input.target, 'pull_request');
    assert.match(
      link,
      new RegExp(`^http://127\\.0\\.0\\.1:8233/namespaces/default/workflows/${childId}/[0-9a-f-]{36}/history$`),
    );
    assert.ok(posted.every((status) => status.repository === 'octocat/Hello-World'));
    assert.ok(posted.every((status) => (status.description ?? '').length <= 140));
  });

  it('collects every finding', async () => {
    const sha = randomSha();
    harness.script('unit-tests', sha, 'block');
    await harness.useSonarQube({ qualityGate: 'error' });

    const { verdict } = await run(harness.input('pull_request', sha));

    assert.equal(verdict.status, 'block');
    const findings = verdict.verdicts.flatMap((gate) => gate.findings);
    assert.ok(findings.some((finding) => finding.gate === 'unit-tests' && finding.title === 'stub unit-tests finding'));
    assert.ok(findings.some((finding) => finding.gate === 'sast' && finding.ruleId === 'typescript:S2068'));
    assert.ok(findings.some((finding) => finding.gate === 'sast' && finding.ruleId === 'new_violations'));
  });

  it('counts a failed gate workflow as error', async () => {
    const sha = randomSha();
    harness.script('unit-tests', sha, 'fail');

    const { verdict } = await run(harness.input('pull_request', sha));

    assert.equal(verdict.status, 'error');
    const unitTests = verdict.verdicts.find((gate) => gate.gate === 'unit-tests')!;
    assert.equal(unitTests.status, 'error');
    assert.match(unitTests.summary, /failed: stub unit-tests gate crashed \[StubCrash\]/);
    const status = harness.github.latestByContext();
    assert.equal(status['slo-autopilot/unit-tests']?.state, 'error');
  });

  it('prefers block over error', async () => {
    const sha = randomSha();
    harness.script('unit-tests', sha, 'fail');
    harness.script('api-contract', sha, 'block');

    const { verdict } = await run(harness.input('pull_request', sha));

    assert.equal(verdict.status, 'block');
  });

  it('ends a gate that passes its timeout', async () => {
    const sha = randomSha();
    harness.script('adversarial-fuzzing', sha, 'hang');

    const { verdict } = await run(harness.input('nightly', sha, { gateTimeoutsMs: { 'adversarial-fuzzing': 1_500 } }));

    assert.equal(verdict.status, 'error');
    assert.match(verdict.verdicts[0]!.summary, /timed out/);
  });

  it('runs the weekly DAST gate', async () => {
    const sha = randomSha();

    const { verdict } = await run(harness.input('weekly', sha));

    assert.deepEqual(
      verdict.verdicts.map((gate) => [gate.gate, gate.status]),
      [['dast', 'pass']],
    );
  });

  it('shows gate states in its query', async () => {
    const sha = randomSha();
    harness.script('unit-tests', sha, 'hang');
    const { client } = await sharedTemporal();
    const input = harness.input('pull_request', sha, { gates: ['unit-tests', 'sast'] });
    const started = await startPipeline({ client, taskQueue: harness.taskQueue }, input);
    const handle = client.workflow.getHandle<typeof gatePipeline>(started.workflowId);

    let status = await handle.query(pipelineStatusQuery);
    const deadline = Date.now() + 10_000;
    while (status.gates.find((gate) => gate.gate === 'sast')?.state !== 'done' && Date.now() < deadline) {
      await delay(100);
      status = await handle.query(pipelineStatusQuery);
    }

    assert.deepEqual(
      status.gates.map((gate) => [gate.gate, gate.state]),
      [
        ['unit-tests', 'running'],
        ['sast', 'done'],
      ],
    );
    assert.equal(status.input.target.headSha, sha);
    await handle.terminate('test done');
  });

  it('cancels its gates when cancelled', async () => {
    const sha = randomSha();
    const zap = await harness.useZap({ scanNeverFinishes: true });
    const { client } = await sharedTemporal();
    const started = await startPipeline({ client, taskQueue: harness.taskQueue }, harness.input('weekly', sha));
    const handle = client.workflow.getHandle<typeof gatePipeline>(started.workflowId);
    const deadline = Date.now() + 10_000;
    while (zap.paramsOf('/JSON/ascan/view/status/').length < 2 && Date.now() < deadline) await delay(50);

    await handle.cancel();

    await assert.rejects(handle.result(), WorkflowFailedError);
    while (!zap.scans.ascan[0]?.stopped && Date.now() < deadline) await delay(50);
    assert.equal(zap.scans.ascan[0]?.stopped, true, 'the DAST gate stopped its scan');
  });

  it('re-runs only the gates that did not pass', async () => {
    const sha = randomSha();
    harness.script('api-contract', sha, 'block');
    const input = harness.input('pull_request', sha);
    const first = await run(input);
    assert.equal(first.verdict.status, 'block');
    const { client } = await sharedTemporal();

    harness.script('api-contract', sha, 'pass');
    const rerun = await rerunPipeline(client, pipelineWorkflowId('pull_request', input.target));
    const second = await client.workflow.getHandle<typeof gatePipeline>(rerun.workflowId, rerun.runId).result();

    assert.deepEqual(rerun.rerun, ['api-contract']);
    assert.deepEqual(rerun.reused, ['unit-tests', 'sast']);
    assert.equal(second.status, 'pass');
    assert.deepEqual(
      second.verdicts.map((gate) => [gate.gate, gate.status]),
      [
        ['unit-tests', 'pass'],
        ['api-contract', 'pass'],
        ['sast', 'pass'],
      ],
    );
    assert.equal(await runCount(gateWorkflowId('api-contract', input.target, 'pull_request')), 2);
    assert.equal(await runCount(gateWorkflowId('unit-tests', input.target, 'pull_request')), 1);
    assert.equal(await runCount(gateWorkflowId('sast', input.target, 'pull_request')), 1);
    const latest = harness.github.statuses.filter((status) => status.sha === sha).at(-1);
    assert.deepEqual([latest?.context, latest?.state], ['slo-autopilot/api-contract', 'success']);
  });

  it('re-runs a named gate that passed', async () => {
    const sha = randomSha();
    const input = harness.input('push', sha);
    await run(input);
    const { client } = await sharedTemporal();

    const rerun = await rerunPipeline(client, pipelineWorkflowId('push', input.target), { gates: ['sast'] });

    assert.deepEqual(rerun.rerun, ['sast']);
    assert.deepEqual(rerun.reused, []);
    await client.workflow.getHandle(rerun.workflowId, rerun.runId).result();
  });

  it('rejects a re-run when all passed', async () => {
    const sha = randomSha();
    const input = harness.input('push', sha);
    await run(input);
    const { client } = await sharedTemporal();

    await assert.rejects(rerunPipeline(client, pipelineWorkflowId('push', input.target)), RerunError);
  });

  it('rejects a manual run without gates', async () => {
    const { client } = await sharedTemporal();
    const started = await startPipeline({ client, taskQueue: harness.taskQueue }, harness.input('manual', randomSha()));

    await assert.rejects(client.workflow.getHandle(started.workflowId).result(), (error: unknown) => {
      assert.ok(error instanceof WorkflowFailedError);
      assert.match(String(error.cause?.message), /a manual run needs a gates list/);
      return true;
    });
  });

  it('plans the gates of each trigger', () => {
    const target = { repositoryPath: '/srv/repo', headSha: randomSha() };
    const gatesOf = (input: GatePipelineInput) => planPipeline(input).map((planned) => planned.gate);

    assert.deepEqual(gatesOf({ trigger: 'pull_request', target }), ['unit-tests', 'api-contract', 'sast']);
    assert.deepEqual(gatesOf({ trigger: 'push', target }), ['sast']);
    assert.deepEqual(gatesOf({ trigger: 'nightly', target }), ['adversarial-fuzzing']);
    assert.deepEqual(gatesOf({ trigger: 'weekly', target }), ['dast']);
    assert.deepEqual(gatesOf({ trigger: 'manual', target, gates: ['dast', 'sast', 'dast'] }), ['dast', 'sast']);
  });
});
