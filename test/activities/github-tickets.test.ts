import assert from 'node:assert/strict';
import type { CommentOnTicketRequest, OpenTicketRequest } from '../../src/activities/contracts';
import { FailureType } from '../../src/activities/errors';
import { createTicketActivities } from '../../src/activities/tickets';
import { MAX_BODY_LENGTH, MAX_LABEL_LENGTH, incidentLabel, issueMarker } from '../../src/activities/tickets/markers';
import { rateLimitDelayMs } from '../../src/activities/tickets/rate-limit';
import { findFreePort } from '../../src/stack/free-port';
import githubErrors from '../fixtures/github/errors.json';
import issueFixture from '../fixtures/github/issue.json';
import { runActivity } from './activity-environment';
import { assertFailure } from './assert-failure';
import { GitHubStandIn } from './github-stand-in';

const TOKEN = 'github_pat_11AAAAAAA0test0token';
const TOKEN_ENV = 'GITHUB_TOKEN_INCIDENTS';
const REPOSITORY = 'example-org/data-incidents';
const INCIDENT = 'etl-pipeline-20260101T000000Z';

describe('GitHub ticket activities', () => {
  let standIn: GitHubStandIn;

  before(async () => {
    standIn = await GitHubStandIn.start(TOKEN, REPOSITORY);
  });

  after(async () => {
    await standIn.close();
  });

  beforeEach(() => {
    standIn.reset();
  });

  function activities(env: NodeJS.ProcessEnv = { [TOKEN_ENV]: TOKEN }, apiUrl = standIn.apiUrl) {
    return createTicketActivities({ apiUrl, env, fetchTimeoutMs: 300 });
  }

  function openRequest(incidentId = INCIDENT): OpenTicketRequest {
    return {
      incidentId,
      ticket: { system: 'github', repository: REPOSITORY, tokenEnv: TOKEN_ENV, labels: ['incident'] },
      title: 'ETL Pipeline: end-to-end < 15 min breached',
      body: 'Run: http://127.0.0.1:8233/runs/1\n\nRecord: /var/lib/slo/etl.md',
    };
  }

  function commentRequest(number: number, commentKey = 'resolution'): CommentOnTicketRequest {
    return {
      incidentId: INCIDENT,
      ticket: openRequest().ticket,
      number,
      commentKey,
      body: 'Resolved: the restarted DAG run finished in 9 min.',
    };
  }

  const now = () => ({ scheduledTimestampMs: Date.now() });

  describe('openTicket', () => {
    it('creates an issue with labels and marker', async () => {
      const result = await runActivity(() => activities().openTicket(openRequest()), now());

      assert.equal(standIn.issues.length, 1);
      const issue = standIn.issues[0]!;
      assert.deepEqual(result, { number: issue.number, url: issue.html_url, alreadyExisted: false });
      assert.equal(issue.title, openRequest().title);
      assert.ok(issue.body.startsWith(openRequest().body));
      assert.ok(issue.body.endsWith(issueMarker(INCIDENT)));
      assert.deepEqual(
        issue.labels.map((label) => label.name),
        ['incident', `incident:${INCIDENT}`],
      );
    });

    it('sends the documented headers', async () => {
      await runActivity(() => activities().openTicket(openRequest()), now());

      for (const request of standIn.stub.requests) {
        assert.equal(request.headers.authorization, `Bearer ${TOKEN}`);
        assert.equal(request.headers.accept, 'application/vnd.github+json');
        assert.equal(request.headers['x-github-api-version'], '2022-11-28');
        assert.equal(request.headers['user-agent'], 'slo-autopilot');
      }
      const [list] = standIn.requestsTo('GET', `/repos/${REPOSITORY}/issues`);
      const query = new URLSearchParams(list!.url.split('?')[1]);
      assert.equal(query.get('labels'), `incident:${INCIDENT}`);
      assert.equal(query.get('state'), 'all');
    });

    it('opens one issue when called twice', async () => {
      const first = await runActivity(() => activities().openTicket(openRequest()), now());
      const second = await runActivity(() => activities().openTicket(openRequest()), now());

      assert.equal(standIn.issues.length, 1);
      assert.equal(standIn.requestsTo('POST', '/issues').length, 1);
      assert.deepEqual(second, { ...first, alreadyExisted: true });
    });

    it('finds a closed issue of the incident', async () => {
      const closed = standIn.addIssue({ state: 'closed', labels: [{ name: `incident:${INCIDENT}` }] });

      const result = await runActivity(() => activities().openTicket(openRequest()), now());

      assert.deepEqual(result, { number: closed.number, url: closed.html_url, alreadyExisted: true });
    });

    it('finds its issue by marker when labels were dropped', async () => {
      standIn.dropLabels = true;
      const info = now();
      const first = await runActivity(() => activities().openTicket(openRequest()), info);

      const retried = await runActivity(() => activities().openTicket(openRequest()), { ...info, attempt: 2 });

      assert.deepEqual(standIn.issues[0]!.labels, []);
      assert.equal(standIn.issues.length, 1);
      assert.deepEqual(retried, { ...first, alreadyExisted: true });
    });

    it('ignores issues of other incidents and pull requests', async () => {
      standIn.addIssue({ labels: [{ name: 'incident:etl-pipeline-20251231T000000Z' }] });
      standIn.addIssue({ labels: [{ name: `incident:${INCIDENT}` }], pull_request: issueFixture.pullRequest });
      standIn.addIssue({ body: `mentions ${issueMarker('another-incident')}` });

      const result = await runActivity(() => activities().openTicket(openRequest()), now());

      assert.equal(result.alreadyExisted, false);
      assert.equal(standIn.issues.length, 4);
    });

    it('shortens a label for a long incident id', async () => {
      const incidentId = `etl-pipeline-${'x'.repeat(60)}`;

      await runActivity(() => activities().openTicket(openRequest(incidentId)), now());
      const second = await runActivity(() => activities().openTicket(openRequest(incidentId)), now());

      const label = incidentLabel(incidentId);
      assert.ok(label.length <= MAX_LABEL_LENGTH, label);
      assert.ok(standIn.issues[0]!.labels.some((candidate) => candidate.name === label));
      assert.equal(second.alreadyExisted, true);
    });

    it('cuts a body above the GitHub limit', async () => {
      const request = { ...openRequest(), body: 'y'.repeat(MAX_BODY_LENGTH + 100) };

      await runActivity(() => activities().openTicket(request), now());

      const body = standIn.issues[0]!.body;
      assert.equal(body.length, MAX_BODY_LENGTH);
      assert.ok(body.endsWith(issueMarker(INCIDENT)));
    });

    it('rejects an incident id unsafe in a marker', async () => {
      await assertFailure(
        runActivity(() => activities().openTicket(openRequest('a --> b')), now()),
        {
          nonRetryable: true,
          type: FailureType.InvalidRequest,
          includes: ['incident id'],
        },
      );
      assert.equal(standIn.stub.requests.length, 0);
    });

    it('rejects a missing token by variable name', async () => {
      await assertFailure(
        runActivity(() => activities({}).openTicket(openRequest()), now()),
        {
          nonRetryable: true,
          type: FailureType.MissingSecret,
          includes: [TOKEN_ENV, REPOSITORY],
        },
      );
      assert.equal(standIn.stub.requests.length, 0);
    });

    it('fails as NotFound for an unknown repository', async () => {
      const request = { ...openRequest(), ticket: { ...openRequest().ticket, repository: 'example-org/missing' } };

      await assertFailure(
        runActivity(() => activities().openTicket(request), now()),
        {
          nonRetryable: true,
          type: FailureType.NotFound,
          includes: ['HTTP 404', 'Not Found'],
        },
      );
    });

    for (const error of githubErrors.errors) {
      it(`maps HTTP ${error.status} on create`, async () => {
        standIn.override = (request) =>
          request.method === 'POST'
            ? { status: error.status, body: error.body, headers: 'headers' in error ? error.headers : undefined }
            : undefined;

        await assertFailure(
          runActivity(() => activities().openTicket(openRequest()), now()),
          {
            nonRetryable: !error.retryable,
            type: error.type,
            includes: [`HTTP ${error.status}`],
            excludes: [TOKEN],
          },
        );
      });
    }

    it('shows the validation errors of a 422', async () => {
      await assertFailure(
        runActivity(() => activities().openTicket({ ...openRequest(), title: '' }), now()),
        {
          nonRetryable: true,
          type: FailureType.InvalidRequest,
          includes: ['HTTP 422', 'Validation Failed (title missing_field)'],
        },
      );
    });

    it('waits for the reset on the primary rate limit', async () => {
      const reset = Math.floor(Date.now() / 1000) + 120;
      const { status, body, headers } = githubErrors.primaryRateLimit;
      standIn.override = () => ({ status, body, headers: { ...headers, 'x-ratelimit-reset': String(reset) } });

      const failure = await assertFailure(
        runActivity(() => activities().openTicket(openRequest()), now()),
        {
          nonRetryable: false,
          type: FailureType.Transient,
          includes: ['rate limited', 'HTTP 403', 'API rate limit exceeded'],
        },
      );
      const delay = Number(failure.nextRetryDelay);
      assert.ok(delay > 115_000, `delay ${delay}`);
      assert.ok(delay <= 122_000, `delay ${delay}`);
    });

    it('waits for Retry-After on a secondary rate limit', async () => {
      const { status, body, headers } = githubErrors.secondaryRateLimit;
      standIn.override = () => ({ status, body, headers });

      const failure = await assertFailure(
        runActivity(() => activities().openTicket(openRequest()), now()),
        {
          nonRetryable: false,
          type: FailureType.Transient,
          includes: ['HTTP 429'],
        },
      );
      assert.equal(failure.nextRetryDelay, 60_000);
    });

    it('fails as Forbidden with a wrong token', async () => {
      await assertFailure(
        runActivity(() => activities({ [TOKEN_ENV]: 'revoked' }).openTicket(openRequest()), now()),
        {
          nonRetryable: true,
          type: FailureType.Forbidden,
          includes: ['HTTP 401', 'Bad credentials'],
          excludes: ['revoked'],
        },
      );
    });

    it('redacts the token echoed in an error body', async () => {
      standIn.override = () => ({ status: 400, body: { message: `bad token ${TOKEN}` } });

      await assertFailure(
        runActivity(() => activities().openTicket(openRequest()), now()),
        {
          nonRetryable: true,
          type: FailureType.InvalidRequest,
          includes: ['[redacted]'],
          excludes: [TOKEN],
        },
      );
    });

    it('retries on a timeout', async () => {
      standIn.override = () => ({ status: 200, hang: true });

      await assertFailure(
        runActivity(() => activities().openTicket(openRequest()), now()),
        {
          nonRetryable: false,
          type: FailureType.Transient,
          includes: ['timed out after 300 ms'],
        },
      );
    });

    it('retries on a refused connection', async () => {
      const apiUrl = `http://127.0.0.1:${await findFreePort()}`;

      await assertFailure(
        runActivity(() => activities(undefined, apiUrl).openTicket(openRequest()), now()),
        {
          nonRetryable: false,
          type: FailureType.Transient,
          includes: ['ECONNREFUSED'],
        },
      );
    });

    it('rejects a list of another shape', async () => {
      standIn.override = (request) => (request.method === 'GET' ? { status: 200, body: { items: [] } } : undefined);

      await assertFailure(
        runActivity(() => activities().openTicket(openRequest()), now()),
        {
          nonRetryable: true,
          type: FailureType.InvalidResponse,
          includes: ['unexpected response'],
        },
      );
    });
  });

  describe('commentOnTicket', () => {
    it('adds the comment with its marker', async () => {
      const issue = standIn.addIssue({});

      await runActivity(() => activities().commentOnTicket(commentRequest(issue.number)));

      const comments = standIn.comments.get(issue.number)!;
      assert.equal(comments.length, 1);
      assert.ok(comments[0]!.body.startsWith(commentRequest(issue.number).body));
      assert.ok(comments[0]!.body.endsWith(`<!-- slo-autopilot incident: ${INCIDENT} comment: resolution -->`));
    });

    it('comments once when called twice', async () => {
      const issue = standIn.addIssue({});

      await runActivity(() => activities().commentOnTicket(commentRequest(issue.number)));
      await runActivity(() => activities().commentOnTicket(commentRequest(issue.number)));

      assert.equal(standIn.comments.get(issue.number)!.length, 1);
      assert.equal(standIn.requestsTo('POST', '/comments').length, 1);
    });

    it('adds a comment per key', async () => {
      const issue = standIn.addIssue({});

      await runActivity(() => activities().commentOnTicket(commentRequest(issue.number, 'escalated')));
      await runActivity(() => activities().commentOnTicket(commentRequest(issue.number, 'resolution')));

      assert.equal(standIn.comments.get(issue.number)!.length, 2);
    });

    it('finds its comment on a later page', async () => {
      const issue = standIn.addIssue({});
      await runActivity(() => activities().commentOnTicket(commentRequest(issue.number)));
      for (let index = 0; index < 150; index++) standIn.addComment(issue.number, `comment ${index}`);
      const comments = standIn.comments.get(issue.number)!;
      comments.push(comments.shift()!);

      await runActivity(() => activities().commentOnTicket(commentRequest(issue.number)));

      assert.equal(standIn.comments.get(issue.number)!.length, 151);
      assert.equal(standIn.requestsTo('GET', '/comments').length, 3);
    });

    it('rejects a comment key unsafe in a marker', async () => {
      const issue = standIn.addIssue({});

      await assertFailure(
        runActivity(() => activities().commentOnTicket(commentRequest(issue.number, 'x -->'))),
        {
          nonRetryable: true,
          type: FailureType.InvalidRequest,
          includes: ['comment key'],
        },
      );
    });

    it('fails as NotFound for a missing issue', async () => {
      await assertFailure(
        runActivity(() => activities().commentOnTicket(commentRequest(999))),
        {
          nonRetryable: true,
          type: FailureType.NotFound,
          includes: ['issue 999'],
        },
      );
    });

    it('waits for the reset on a 429 without Retry-After', async () => {
      const issue = standIn.addIssue({});
      const reset = Math.floor(Date.now() / 1000) + 30;
      standIn.override = () => ({
        status: 429,
        body: { message: 'API rate limit exceeded' },
        headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) },
      });

      const failure = await assertFailure(
        runActivity(() => activities().commentOnTicket(commentRequest(issue.number))),
        {
          nonRetryable: false,
          type: FailureType.Transient,
        },
      );
      assert.ok(Number(failure.nextRetryDelay) > 25_000, `delay ${failure.nextRetryDelay}`);
    });
  });

  describe('rateLimitDelayMs', () => {
    const headers = (values: Record<string, string>) => new Headers(values);

    it('ignores a 403 that is no rate limit', () => {
      assert.equal(rateLimitDelayMs(403, headers({ 'x-ratelimit-remaining': '10' }), 'Forbidden', 0), undefined);
    });

    it('prefers Retry-After', () => {
      const values = { 'retry-after': '5', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1000' };

      assert.equal(rateLimitDelayMs(403, headers(values), '', 0), 5000);
    });

    it('waits a minute on a bare 429', () => {
      assert.equal(rateLimitDelayMs(429, headers({}), '', 0), 60_000);
    });

    it('waits a minute on a secondary 403', () => {
      const body = 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.';

      assert.equal(rateLimitDelayMs(403, headers({ 'x-ratelimit-remaining': '4000' }), body, 0), 60_000);
    });

    it('waits for the reset plus a second', () => {
      const values = { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '100' };

      assert.equal(rateLimitDelayMs(403, headers(values), '', 40_000), 61_000);
    });
  });
});
