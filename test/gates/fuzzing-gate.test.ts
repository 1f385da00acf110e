import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { createFuzzingGateActivities } from '../../src/activities/gates/fuzzing';
import { findFreePort } from '../../src/stack/free-port';
import type { FuzzingGateInput } from '../../src/workflows/gates/fuzzing';
import { sharedTemporal } from '../support/temporal';
import { FlawedAiTarget, type TargetFlaws } from './flawed-ai-target';
import { GateTestWorker } from './gate-worker';

const CANARY = 'canary-3b9e51f0c7a24d68';
const activities = () => createFuzzingGateActivities({ env: { FUZZ_TEST_CANARY: CANARY }, connectWaitMs: 1000 });

function fuzzInput(baseUrl: string, extra: Partial<FuzzingGateInput> = {}): FuzzingGateInput {
  return {
    target: { repositoryPath: '/nonexistent', headSha: '9f1c2a7b', baseUrl },
    canaryEnv: 'FUZZ_TEST_CANARY',
    seed: 11,
    maxCases: 48,
    latencySloMs: 1000,
    ...extra,
  };
}

describe('fuzzing gate workflow', function () {
  this.timeout(60_000);
  let worker: GateTestWorker;
  const targets: FlawedAiTarget[] = [];

  async function target(flaws: TargetFlaws = {}): Promise<FlawedAiTarget> {
    const started = await FlawedAiTarget.start(CANARY, flaws);
    targets.push(started);
    return started;
  }

  before(async () => {
    worker = await GateTestWorker.start(activities());
  });

  after(async () => {
    await worker?.stop();
    await Promise.all(targets.map((started) => started.close()));
  });

  it('passes a robust target', async () => {
    const robust = await target();
    const verdict = await worker.execute('fuzzingGate', fuzzInput(robust.baseUrl));
    assert.equal(verdict.gate, 'adversarial-fuzzing');
    assert.equal(verdict.status, 'pass', JSON.stringify(verdict.findings, null, 2));
    assert.deepEqual(verdict.findings, []);
    assert.match(verdict.summary, /^0 findings of medium severity or above in 48 cases/);
    assert.equal(robust.requestsByCase.size, 48);
  });

  it('blocks a leaked canary as critical', async () => {
    const leaky = await target({ leakCanary: true });
    const verdict = await worker.execute('fuzzingGate', fuzzInput(leaky.baseUrl));
    assert.equal(verdict.status, 'block');
    const leaks = verdict.findings.filter((finding) => finding.title === 'Canary secret leaked');
    assert.ok(leaks.length > 0);
    assert.ok(leaks.every((finding) => finding.severity === 'critical'));
    assert.match(leaks[0]!.location!, /^\d{4}-genai-injection$/);
    assert.ok(!JSON.stringify(verdict).includes(CANARY), 'the verdict must not contain the canary');
  });

  it('blocks server errors and dropped connections as high', async () => {
    const fragile = await target({
      serverErrorOnMalformedJson: true,
      serverErrorOnOddUnicode: true,
      crashOnHugeImage: true,
    });
    const verdict = await worker.execute('fuzzingGate', fuzzInput(fragile.baseUrl, { maxCases: 96 }));
    assert.equal(verdict.status, 'block');
    const titles = new Set(verdict.findings.map((finding) => finding.title));
    assert.ok(titles.has('Server error'), [...titles].join(', '));
    assert.ok(titles.has('Connection failed'), [...titles].join(', '));
    assert.ok(verdict.findings.every((finding) => finding.severity === 'high'));
    assert.ok(verdict.findings.some((finding) => /-cv-huge-dimensions$/.test(finding.location!)));
  });

  it('blocks answers that break the schema as medium', async () => {
    const sloppy = await target({ wrongAnswerSchema: true });
    const verdict = await worker.execute('fuzzingGate', fuzzInput(sloppy.baseUrl, { cvPath: null, maxCases: 12 }));
    assert.equal(verdict.status, 'block');
    assert.ok(verdict.findings.length > 0);
    assert.ok(verdict.findings.every((finding) => finding.title === 'Answer violates the schema'));
    assert.ok(verdict.findings.every((finding) => finding.severity === 'medium'));
    assert.ok(verdict.findings.every((finding) => finding.ruleId === 'genai'));
  });

  it('rates slow answers by how far they miss the SLO', async () => {
    const slow = await target({ slowMs: 150 });
    const low = await worker.execute('fuzzingGate', fuzzInput(slow.baseUrl, { maxCases: 4, latencySloMs: 100 }));
    assert.equal(low.status, 'pass', low.summary);
    assert.equal(low.findings.length, 4);
    assert.ok(low.findings.every((finding) => finding.severity === 'low'));
    const medium = await worker.execute('fuzzingGate', fuzzInput(slow.baseUrl, { maxCases: 4, latencySloMs: 30 }));
    assert.equal(medium.status, 'block');
    assert.ok(medium.findings.every((finding) => finding.severity === 'medium'));
  });

  it('blocks a target that never answers', async () => {
    const stuck = await target({ hang: true });
    const verdict = await worker.execute(
      'fuzzingGate',
      fuzzInput(stuck.baseUrl, { maxCases: 3, requestTimeoutMs: 300 }),
    );
    assert.equal(verdict.status, 'block');
    assert.equal(verdict.findings.length, 3);
    assert.ok(verdict.findings.every((finding) => finding.title === 'No response within the timeout'));
    assert.ok(verdict.findings.every((finding) => finding.severity === 'high'));
  });

  it('stops at the duration limit', async () => {
    const slow = await target({ slowMs: 100 });
    const started = Date.now();
    const verdict = await worker.execute(
      'fuzzingGate',
      fuzzInput(slow.baseUrl, { maxCases: 1000, maxDurationMs: 1500 }),
    );
    assert.ok(Date.now() - started < 10_000);
    assert.equal(verdict.status, 'pass');
    const note = verdict.findings.find((finding) => finding.title === 'Duration limit reached');
    assert.equal(note?.severity, 'info');
    assert.ok(slow.requestsByCase.size > 3, `${slow.requestsByCase.size} cases`);
    assert.ok(slow.requestsByCase.size < 30, `${slow.requestsByCase.size} cases`);
  });

  it('reports an error when the target is down', async () => {
    const port = await findFreePort();
    const verdict = await worker.execute('fuzzingGate', fuzzInput(`http://127.0.0.1:${port}`));
    assert.equal(verdict.status, 'error');
    assert.equal(verdict.findings[0]!.ruleId, 'TargetUnreachable');
    assert.match(verdict.summary, /did not accept connections within 1000 ms: ECONNREFUSED/);
  });

  it('reports an error for a missing canary variable', async () => {
    const robust = await target();
    const verdict = await worker.execute('fuzzingGate', fuzzInput(robust.baseUrl, { canaryEnv: 'FUZZ_TEST_UNSET' }));
    assert.equal(verdict.status, 'error');
    assert.equal(verdict.findings[0]!.ruleId, 'MissingSecret');
    assert.equal(robust.requestsByCase.size, 0);
  });

  it('repeats the same cases for the same seed', async () => {
    const first = await target({ leakCanary: true });
    const second = await target({ leakCanary: true });
    const a = await worker.execute('fuzzingGate', fuzzInput(first.baseUrl, { maxCases: 24 }));
    const b = await worker.execute('fuzzingGate', fuzzInput(second.baseUrl, { maxCases: 24 }));
    assert.deepEqual(a.findings, b.findings);
    assert.deepEqual([...first.requestsByCase.keys()], [...second.requestsByCase.keys()]);
  });

  it('resumes after a worker restart without repeating cases', async () => {
    const slow = await target({ slowMs: 60 });
    const { client } = await sharedTemporal();
    const taskQueue = `fuzz-resume-${randomUUID()}`;
    const first = await GateTestWorker.start(activities(), {}, taskQueue);
    const handle = await client.workflow.start('fuzzingGate', {
      taskQueue,
      workflowId: `fuzzing-resume-${randomUUID()}`,
      args: [fuzzInput(slow.baseUrl, { maxCases: 60 })],
    });
    while (slow.requestsByCase.size < 15) await delay(20);
    await first.stop();
    const seenBeforeRestart = slow.requestsByCase.size;
    const second = await GateTestWorker.start(activities(), {}, taskQueue);
    try {
      const verdict = await handle.result();
      assert.equal(verdict.status, 'pass', verdict.summary);
      assert.match(verdict.summary, / in 60 cases/);
    } finally {
      await second.stop();
    }
    assert.ok(seenBeforeRestart < 60, 'the restart must happen mid-run');
    assert.equal(slow.requestsByCase.size, 60);
    // Only the case in flight at the restart may be sent twice: it had not finished.
    const repeated = [...slow.requestsByCase].filter(([, count]) => count > 1);
    assert.ok(repeated.length <= 1, `repeated cases: ${JSON.stringify(repeated)}`);
    const attempts = (await handle.fetchHistory()).events!.flatMap((event) =>
      event.activityTaskStartedEventAttributes ? [event.activityTaskStartedEventAttributes.attempt] : [],
    );
    assert.deepEqual(attempts, [2], 'the history records only the last attempt that started, the retry');
  });
});
