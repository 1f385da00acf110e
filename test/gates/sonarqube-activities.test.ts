import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GateFailureType } from '../../src/activities/gates/failure-types';
import { createSonarQubeGateActivities, type SonarQubeGateOptions } from '../../src/activities/gates/sonarqube';
import { MAX_REPORTED_ISSUES } from '../../src/activities/gates/sonarqube/new-issues';
import { severityModelForVersion } from '../../src/activities/gates/sonarqube/severity-model';
import { activityEnvironment } from '../activities/activity-environment';
import { assertFailure } from '../activities/assert-failure';
import { SonarQubeStandIn, type SonarQubeStandInOptions } from './stand-ins/sonarqube';

const TOKEN = 'squ_0123456789abcdef0123456789abcdef01234567';

describe('SonarQube gate activities', () => {
  const standIns: SonarQubeStandIn[] = [];

  after(async () => {
    await Promise.all(standIns.map((standIn) => standIn.close()));
  });

  async function standIn(options: Partial<SonarQubeStandInOptions> = {}): Promise<SonarQubeStandIn> {
    const started = await SonarQubeStandIn.start({ release: '10.8', token: TOKEN, authScheme: 'bearer', ...options });
    standIns.push(started);
    return started;
  }

  function activities(server: SonarQubeStandIn, options: Partial<SonarQubeGateOptions> = {}) {
    return createSonarQubeGateActivities({
      baseUrl: server.baseUrl,
      tokenEnv: 'SONAR_TOKEN',
      env: { SONAR_TOKEN: TOKEN },
      authScheme: server.options.authScheme,
      pollIntervalMs: 20,
      ...options,
    });
  }

  function run<T>(fn: () => Promise<T>, environment = activityEnvironment()): Promise<T> {
    return environment.run(fn) as Promise<T>;
  }

  it('waits for the analysis task', async () => {
    const server = await standIn({ release: '9.9', authScheme: 'basic', pendingReads: 2 });
    const environment = activityEnvironment();
    const heartbeats: unknown[] = [];
    environment.on('heartbeat', (details) => heartbeats.push(details));

    const result = await run(
      () =>
        activities(server).waitForSonarQubeAnalysis({
          repositoryPath: '/nonexistent',
          projectKey: 'acme_shop',
          ceTaskId: server.task.id,
        }),
      environment,
    );

    assert.equal(result.analysisId, server.task.analysisId);
    assert.equal(server.taskReads, 3);
    assert.deepEqual(heartbeats.at(0), { taskId: server.task.id, status: 'IN_PROGRESS' });
    assert.deepEqual(heartbeats.at(-1), { taskId: server.task.id, status: 'SUCCESS' });
  });

  it('reads the task id from report-task.txt', async () => {
    const server = await standIn();
    const repository = mkdtempSync(join(tmpdir(), 'sast-report-'));
    mkdirSync(join(repository, '.scannerwork'));
    writeFileSync(
      join(repository, '.scannerwork/report-task.txt'),
      `projectKey=acme_shop\nserverUrl=${server.baseUrl}\nserverVersion=10.8.0.100206\n` +
        `dashboardUrl=${server.baseUrl}/dashboard?id=acme_shop\nceTaskId=${server.task.id}\n` +
        `ceTaskUrl=${server.baseUrl}/api/ce/task?id=${server.task.id}\n`,
    );

    const result = await run(() =>
      activities(server).waitForSonarQubeAnalysis({ repositoryPath: repository, projectKey: 'acme_shop' }),
    );

    assert.equal(result.taskId, server.task.id);
  });

  it('rejects a report task of another project', async () => {
    const server = await standIn();
    const repository = mkdtempSync(join(tmpdir(), 'sast-report-'));
    mkdirSync(join(repository, '.scannerwork'));
    writeFileSync(join(repository, '.scannerwork/report-task.txt'), `projectKey=other\nceTaskId=${server.task.id}\n`);

    await assertFailure(
      run(() => activities(server).waitForSonarQubeAnalysis({ repositoryPath: repository, projectKey: 'acme_shop' })),
      { nonRetryable: true, type: GateFailureType.InvalidRequest, includes: ['other', 'acme_shop'] },
    );
  });

  it('reports a missing report task file', async () => {
    const server = await standIn();
    const repository = mkdtempSync(join(tmpdir(), 'sast-report-'));

    await assertFailure(
      run(() => activities(server).waitForSonarQubeAnalysis({ repositoryPath: repository, projectKey: 'acme_shop' })),
      { nonRetryable: true, type: GateFailureType.MissingAnalysis, includes: ['report-task.txt', 'ENOENT'] },
    );
  });

  it('rejects a report task path outside the repository', async () => {
    const server = await standIn();

    await assertFailure(
      run(() =>
        activities(server).waitForSonarQubeAnalysis({
          repositoryPath: '/tmp/checkout',
          projectKey: 'acme_shop',
          reportTaskFile: '../../etc/passwd',
        }),
      ),
      { nonRetryable: true, type: GateFailureType.InvalidRequest, includes: ['outside the repository'] },
    );
  });

  it('fails on a FAILED analysis task', async () => {
    const server = await standIn({ release: '9.9', authScheme: 'basic', task: 'failed' });

    await assertFailure(
      run(() =>
        activities(server).waitForSonarQubeAnalysis({
          repositoryPath: '/nonexistent',
          projectKey: 'acme_shop',
          ceTaskId: server.task.id,
        }),
      ),
      { nonRetryable: true, type: GateFailureType.AnalysisFailed, includes: ['FAILED', 'Fail to extract report'] },
    );
  });

  it('finds legacy critical issues on 9.9', async () => {
    const server = await standIn({ release: '9.9', authScheme: 'basic' });

    const result = await run(() => activities(server).findNewCriticalSonarQubeIssues({ projectKey: 'acme_shop' }));

    assert.equal(result.model, 'legacy');
    assert.deepEqual(
      result.issues.map((issue) => [issue.key, issue.severity, issue.rating]),
      [
        ['AYm2Qx1rfNmfRqVnPqA1', 'critical', 'BLOCKER'],
        ['AYm2Qx1rfNmfRqVnPqA2', 'high', 'CRITICAL'],
      ],
    );
    assert.equal(result.count, 2);
    const search = server.paramsOf('/api/issues/search')[0]!;
    assert.equal(search.get('componentKeys'), 'acme_shop');
    assert.equal(search.get('severities'), 'CRITICAL,BLOCKER');
    assert.equal(search.get('inNewCodePeriod'), 'true');
    assert.equal(search.get('resolved'), 'false');
    assert.equal(search.get('impactSeverities'), null);
  });

  it('finds impact-rated issues on 10.8', async () => {
    const server = await standIn({ release: '10.8' });

    const result = await run(() =>
      activities(server).findNewCriticalSonarQubeIssues({ projectKey: 'acme_shop', pullRequest: '42' }),
    );

    assert.equal(result.model, 'impacts-blocker');
    assert.deepEqual(
      result.issues.map((issue) => [issue.key, issue.severity, issue.rating]),
      [
        ['AZOq2z01fNmfRqVnQc01', 'critical', 'SECURITY: BLOCKER'],
        ['AZOq2z01fNmfRqVnQc02', 'high', 'MAINTAINABILITY: HIGH'],
        // Every issue of a pull request is new code, so the older TLS issue counts too.
        ['AZOp9a01fNmfRqVnPp01', 'high', 'SECURITY: HIGH'],
      ],
    );
    const search = server.paramsOf('/api/issues/search')[0]!;
    assert.equal(search.get('components'), 'acme_shop');
    assert.equal(search.get('impactSeverities'), 'HIGH,BLOCKER');
    assert.equal(search.get('pullRequest'), '42');
    assert.equal(search.get('severities'), null);
  });

  it('reads the server version once', async () => {
    const server = await standIn({ release: '10.8' });
    const bound = activities(server);

    await run(() => bound.findNewCriticalSonarQubeIssues({ projectKey: 'acme_shop' }));
    await run(() => bound.findNewCriticalSonarQubeIssues({ projectKey: 'acme_shop' }));

    assert.equal(server.paramsOf('/api/server/version').length, 1);
  });

  it('skips the version read when configured', async () => {
    const server = await standIn({ release: '9.9', authScheme: 'basic' });

    const result = await run(() =>
      activities(server, { severityModel: 'legacy' }).findNewCriticalSonarQubeIssues({ projectKey: 'acme_shop' }),
    );

    assert.equal(result.count, 2);
    assert.equal(server.paramsOf('/api/server/version').length, 0);
  });

  it('pages through many issues', async () => {
    const server = await standIn({ release: '10.8', extraBlockerIssues: 1_100 });

    const result = await run(() => activities(server).findNewCriticalSonarQubeIssues({ projectKey: 'acme_shop' }));

    assert.equal(result.count, 1_102);
    assert.equal(result.issues.length, MAX_REPORTED_ISSUES);
    assert.equal(result.incomplete, false);
    const pages = server.paramsOf('/api/issues/search').map((params) => [params.get('p'), params.get('ps')]);
    assert.deepEqual(pages, [
      ['1', '500'],
      ['2', '500'],
      ['3', '500'],
    ]);
  });

  it('reads a failed quality gate', async () => {
    const server = await standIn({ release: '9.9', authScheme: 'basic', qualityGate: 'error' });

    const result = await run(() => activities(server).readSonarQubeQualityGate({ analysisId: server.task.analysisId }));

    assert.equal(result.status, 'ERROR');
    assert.deepEqual(
      result.failedConditions.map((condition) => [condition.metricKey, condition.actualValue]),
      [
        ['new_coverage', '62.5'],
        ['new_security_rating', '5'],
      ],
    );
    assert.equal(server.paramsOf('/api/qualitygates/project_status')[0]!.get('analysisId'), server.task.analysisId);
  });

  it('rejects a wrong token without leaking it', async () => {
    const server = await standIn();
    const wrong = 'squ_wrongwrongwrongwrongwrongwrongwrongwrong';

    await assertFailure(
      run(() =>
        activities(server, { env: { SONAR_TOKEN: wrong } }).readSonarQubeQualityGate({
          analysisId: server.task.analysisId,
        }),
      ),
      { nonRetryable: true, type: GateFailureType.Forbidden, includes: ['SONAR_TOKEN', '401'], excludes: [wrong] },
    );
  });

  it('rejects a missing token', async () => {
    const server = await standIn();

    await assertFailure(
      run(() => activities(server, { env: {} }).readSonarQubeQualityGate({ analysisId: 'x' })),
      { nonRetryable: true, type: GateFailureType.MissingSecret, includes: ['SONAR_TOKEN'] },
    );
  });

  it('fails without retry on garbage', async () => {
    const server = await standIn({ failure: 'garbage' });

    await assertFailure(
      run(() => activities(server).readSonarQubeQualityGate({ analysisId: 'x' })),
      {
        nonRetryable: true,
        type: GateFailureType.InvalidResponse,
        includes: ['proxy error'],
      },
    );
  });

  it('retries server errors', async () => {
    const server = await standIn({ failure: 'http500' });

    await assertFailure(
      run(() => activities(server).readSonarQubeQualityGate({ analysisId: 'x' })),
      {
        nonRetryable: false,
        type: GateFailureType.Transient,
        includes: ['HTTP 500'],
      },
    );
  });

  it('maps versions to severity models', () => {
    const cases: [string, string][] = [
      ['9.9.4.87374', 'legacy'],
      ['10.1.0.73491', 'legacy'],
      ['10.2.1.78527', 'impacts'],
      ['10.7.0.96327', 'impacts'],
      ['10.8.0.100206', 'impacts-blocker'],
      ['2025.1.0.102418', 'impacts-blocker'],
      ['25.1.0.102122', 'impacts-blocker'],
    ];
    for (const [version, model] of cases) assert.equal(severityModelForVersion(version), model, version);
  });
});
