import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createSonarQubeGateActivities, type SonarQubeGateActivities } from '../../src/activities/gates/sonarqube';
import type { GateVerdict } from '../../src/gates/contracts';
import type { SastGateInput } from '../../src/workflows/gates/gate-inputs';
import { sharedTemporal } from '../support/temporal';
import { forwardingActivities, startScannerWorker, type ScannerWorker } from './scanner-worker';
import { SonarQubeStandIn, type SonarQubeStandInOptions } from './stand-ins/sonarqube';

const TOKEN = 'squ_sastgate0123456789abcdef0123456789abcd';

describe('SAST gate workflow', function () {
  this.timeout(60_000);
  const standIns: SonarQubeStandIn[] = [];
  let worker: ScannerWorker;
  let activities: SonarQubeGateActivities;

  before(async () => {
    const sample = createSonarQubeGateActivities({ baseUrl: 'http://127.0.0.1:9', tokenEnv: 'X', env: {} });
    worker = await startScannerWorker(
      `sast-${randomUUID()}`,
      require.resolve('./scanner-test-workflows'),
      forwardingActivities(sample, () => activities),
    );
  });

  after(async () => {
    await worker?.stop();
    await Promise.all(standIns.map((standIn) => standIn.close()));
  });

  /** Starts a stand-in and points the worker's activities at it. */
  async function setUp(options: Partial<SonarQubeStandInOptions> = {}) {
    const server = await SonarQubeStandIn.start({ release: '10.8', token: TOKEN, authScheme: 'bearer', ...options });
    standIns.push(server);
    activities = createSonarQubeGateActivities({
      baseUrl: server.baseUrl,
      tokenEnv: 'SONAR_TOKEN',
      env: { SONAR_TOKEN: TOKEN },
      authScheme: server.options.authScheme,
      pollIntervalMs: 50,
    });
    return { server, worker };
  }

  async function runGate(worker: ScannerWorker, input: Omit<SastGateInput, 'target'>): Promise<GateVerdict> {
    const { client } = await sharedTemporal();
    return client.workflow.execute('sastGate', {
      taskQueue: worker.taskQueue,
      workflowId: `sast-test-${randomUUID()}`,
      args: [{ target: { repositoryPath: '/nonexistent', headSha: 'a'.repeat(40) }, maxAttempts: 2, ...input }],
    });
  }

  it('passes a clean 9.9 analysis', async () => {
    const { server, worker } = await setUp({ release: '9.9', authScheme: 'basic', issues: 'issues-clean.json' });

    const verdict = await runGate(worker, { projectKey: 'acme_shop', ceTaskId: server.task.id });

    assert.equal(verdict.status, 'pass', verdict.summary);
    assert.deepEqual(verdict.findings, []);
    assert.match(verdict.summary, /no new critical issues; quality gate OK/);
  });

  it('passes a clean 10.8 analysis', async () => {
    const { server, worker } = await setUp({ issues: 'issues-clean.json', pendingReads: 2 });

    const verdict = await runGate(worker, { projectKey: 'acme_shop', ceTaskId: server.task.id });

    assert.equal(verdict.status, 'pass', verdict.summary);
    assert.equal(server.taskReads, 3);
  });

  it('blocks new critical issues', async () => {
    const { server, worker } = await setUp({ qualityGate: 'error' });

    const verdict = await runGate(worker, { projectKey: 'acme_shop', ceTaskId: server.task.id, pullRequest: '7' });

    assert.equal(verdict.status, 'block');
    assert.match(verdict.summary, /3 new critical issues; quality gate ERROR \(1 condition failed\)/);
    const blocker = verdict.findings.find((finding) => finding.ruleId === 'typescript:S2068');
    assert.equal(blocker?.severity, 'critical');
    assert.equal(blocker?.location, 'src/config.ts:12');
    assert.equal(blocker?.gate, 'sast');
    assert.ok(verdict.findings.some((finding) => finding.title === 'Quality gate condition failed: new_violations'));
    assert.equal(server.paramsOf('/api/issues/search')[0]!.get('pullRequest'), '7');
  });

  it('blocks legacy critical issues on 9.9', async () => {
    const { server, worker } = await setUp({ release: '9.9', authScheme: 'basic' });

    const verdict = await runGate(worker, { projectKey: 'acme_shop', ceTaskId: server.task.id });

    assert.equal(verdict.status, 'block');
    assert.deepEqual(
      verdict.findings.map((finding) => [finding.ruleId, finding.severity]),
      [
        ['typescript:S2068', 'critical'],
        ['typescript:S3776', 'high'],
      ],
    );
  });

  it('blocks a failed quality gate', async () => {
    const { server, worker } = await setUp({
      release: '9.9',
      authScheme: 'basic',
      qualityGate: 'error',
      issues: 'issues-clean.json',
    });

    const verdict = await runGate(worker, { projectKey: 'acme_shop', ceTaskId: server.task.id });

    assert.equal(verdict.status, 'block');
    assert.deepEqual(
      verdict.findings.map((finding) => finding.ruleId),
      ['new_coverage', 'new_security_rating'],
    );
    assert.match(verdict.findings[0]!.detail ?? '', /actual value 62.5, error when LT 80/);
  });

  it('lists a failed quality gate without blocking when asked', async () => {
    const { server, worker } = await setUp({
      release: '9.9',
      authScheme: 'basic',
      qualityGate: 'error',
      issues: 'issues-clean.json',
    });

    const verdict = await runGate(worker, {
      projectKey: 'acme_shop',
      ceTaskId: server.task.id,
      blockOnQualityGate: false,
    });

    assert.equal(verdict.status, 'pass');
    assert.equal(verdict.findings.length, 2);
    assert.match(verdict.summary, /not blocking/);
  });

  it('reports a failed analysis as error', async () => {
    const { server, worker } = await setUp({ release: '9.9', authScheme: 'basic', task: 'failed' });

    const verdict = await runGate(worker, { projectKey: 'acme_shop', ceTaskId: server.task.id });

    assert.equal(verdict.status, 'error');
    assert.match(verdict.summary, /ended FAILED: Fail to extract report/);
    assert.match(verdict.summary, /\[AnalysisFailed\]/);
  });

  it('reports a crashing server as error', async () => {
    const { server, worker } = await setUp({ failure: 'http500' });

    const verdict = await runGate(worker, { projectKey: 'acme_shop', ceTaskId: server.task.id });

    assert.equal(verdict.status, 'error');
    assert.match(verdict.summary, /HTTP 500/);
    // maxAttempts 2: one retry, then the verdict.
    assert.equal(server.stub.requests.length, 2);
  });

  it('reports garbage responses as error', async () => {
    const { server, worker } = await setUp({ failure: 'garbage' });

    const verdict = await runGate(worker, { projectKey: 'acme_shop', ceTaskId: server.task.id });

    assert.equal(verdict.status, 'error');
    assert.match(verdict.summary, /not the documented shape.*\[InvalidResponse\]/);
    assert.equal(server.stub.requests.length, 1);
  });

  it('reports an analysis that never finishes', async () => {
    const { server, worker } = await setUp({ task: 'never' });

    const started = Date.now();
    const verdict = await runGate(worker, {
      projectKey: 'acme_shop',
      ceTaskId: server.task.id,
      analysisTimeoutMs: 2_000,
    });

    assert.equal(verdict.status, 'error');
    assert.match(verdict.summary, /waiting for the SonarQube analysis failed: timed out/);
    assert.ok(Date.now() - started < 15_000, 'the deadline ends the wait');
    assert.ok(server.taskReads > 3);
  });

  it('reports a missing project key', async () => {
    const { worker } = await setUp();

    const verdict = await runGate(worker, { projectKey: '' });

    assert.equal(verdict.status, 'error');
    assert.match(verdict.summary, /projectKey/);
  });
});
