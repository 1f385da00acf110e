import assert from 'node:assert/strict';
import { GateFailureType } from '../../src/activities/gates/failure-types';
import { createGitHubStatusActivities, MAX_DESCRIPTION_LENGTH } from '../../src/activities/gates/github';
import type { CommitStatusRequest } from '../../src/activities/gates/github/types';
import documentedRequest from '../fixtures/github/commit-status-request.json';
import { runActivity } from '../activities/activity-environment';
import { assertFailure } from '../activities/assert-failure';
import { GitHubStandIn, type GitHubStandInOptions } from './stand-ins/github';

const TOKEN = 'ghp_0123456789abcdefghijklmnopqrstuvwxyzAB';
const SHA = '6dcb09b5b57875f334f61aebed695e2e4193db5e';

function statusRequest(overrides: Partial<CommitStatusRequest> = {}): CommitStatusRequest {
  return {
    repository: 'octocat/Hello-World',
    sha: SHA,
    state: 'failure',
    context: 'slo-autopilot/sast',
    description: 'SonarQube acme_shop: 2 new critical issues',
    targetUrl: 'http://127.0.0.1:8233/namespaces/default/workflows/gate-sast/run/history',
    ...overrides,
  };
}

describe('GitHub commit status activity', () => {
  const standIns: GitHubStandIn[] = [];

  after(async () => {
    await Promise.all(standIns.map((standIn) => standIn.close()));
  });

  async function standIn(options: Partial<GitHubStandInOptions> = {}): Promise<GitHubStandIn> {
    const started = await GitHubStandIn.start({ token: TOKEN, ...options });
    standIns.push(started);
    return started;
  }

  function report(github: GitHubStandIn, request: CommitStatusRequest, env: NodeJS.ProcessEnv = { GH_TOKEN: TOKEN }) {
    const activities = createGitHubStatusActivities({ apiUrl: github.baseUrl, tokenEnv: 'GH_TOKEN', env });
    return runActivity(() => activities.reportCommitStatus(request));
  }

  it('posts the documented request', async () => {
    const github = await standIn();

    const result = await report(github, statusRequest());

    assert.deepEqual(result, { id: 1, state: 'failure', context: 'slo-autopilot/sast' });
    const request = github.stub.requests[0]!;
    assert.equal(request.method, 'POST');
    assert.equal(request.url, `/repos/octocat/Hello-World/statuses/${SHA}`);
    assert.equal(request.headers.authorization, `Bearer ${TOKEN}`);
    assert.equal(request.headers.accept, 'application/vnd.github+json');
    assert.equal(request.headers['x-github-api-version'], '2022-11-28');
    assert.ok(request.headers['user-agent']);
    const body = JSON.parse(request.body);
    assert.deepEqual(Object.keys(body).sort(), Object.keys(documentedRequest).sort());
    assert.equal(body.target_url, statusRequest().targetUrl);
  });

  it('shortens long descriptions', async () => {
    const github = await standIn();

    await report(github, statusRequest({ description: 'x'.repeat(500) }));

    assert.equal(github.statuses[0]!.description!.length, MAX_DESCRIPTION_LENGTH);
    assert.ok(github.statuses[0]!.description!.endsWith('…'));
  });

  it('waits out a rate limit', async () => {
    const github = await standIn({ failure: 'rate-limit' });

    const failure = await assertFailure(report(github, statusRequest()), {
      nonRetryable: false,
      type: GateFailureType.Transient,
      includes: ['rate limited', 'HTTP 403'],
    });
    assert.ok(failure.nextRetryDelay !== undefined, 'nextRetryDelay is set from x-ratelimit-reset');
  });

  it('rejects bad credentials without leaking them', async () => {
    const github = await standIn();
    const wrong = 'ghp_wrongwrongwrongwrongwrongwrongwrong00';

    await assertFailure(report(github, statusRequest(), { GH_TOKEN: wrong }), {
      nonRetryable: true,
      type: GateFailureType.Forbidden,
      includes: ['HTTP 401', 'Bad credentials'],
      excludes: [wrong],
    });
  });

  it('rejects a short SHA before sending', async () => {
    const github = await standIn();

    await assertFailure(report(github, statusRequest({ sha: '6dcb09b' })), {
      nonRetryable: true,
      type: GateFailureType.InvalidRequest,
      includes: ['sha', '40-character'],
    });
    assert.equal(github.stub.requests.length, 0);
  });

  it('retries server errors', async () => {
    const github = await standIn({ failure: 'http500' });

    await assertFailure(report(github, statusRequest()), {
      nonRetryable: false,
      type: GateFailureType.Transient,
      includes: ['HTTP 500'],
    });
  });

  it('rejects a missing token', async () => {
    const github = await standIn();

    await assertFailure(report(github, statusRequest(), {}), {
      nonRetryable: true,
      type: GateFailureType.MissingSecret,
      includes: ['GH_TOKEN'],
    });
  });
});
