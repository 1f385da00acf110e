import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import type { gatePipeline } from '../../src/workflows/gates/pipeline';
import { pipelineStatusQuery } from '../../src/workflows/gates/pipeline-messages';
import { parseGateConfig } from '../../src/triggers/gate-config';
import { signatureFor } from '../../src/triggers/github-signature';
import { GitHubWebhookMetrics } from '../../src/triggers/github-webhook-metrics';
import { createGitHubWebhookServer, GITHUB_WEBHOOK_PATH } from '../../src/triggers/github-webhook-server';
import pullRequestFixture from '../fixtures/github/pull-request-opened.json';
import pushFixture from '../fixtures/github/push.json';
import { sharedTemporal } from '../support/temporal';
import { PipelineHarness, randomSha } from './pipeline-harness';

const SECRET = 'webhook-secret-0123456789abcdef';

describe('GitHub webhook receiver', function () {
  this.timeout(60_000);
  let harness: PipelineHarness;
  let server: Server;
  let baseUrl: string;
  let metrics: GitHubWebhookMetrics;

  before(async () => {
    harness = await PipelineHarness.start();
    // The SAST gate finds the analysis through the scanner's report in the checkout, as in production.
    const checkout = mkdtempSync(join(tmpdir(), 'webhook-checkout-'));
    mkdirSync(join(checkout, '.scannerwork'));
    writeFileSync(
      join(checkout, '.scannerwork/report-task.txt'),
      `projectKey=acme_shop\nceTaskId=${harness.sonarQube.task.id}\n`,
    );
    const config = parseGateConfig(
      [
        'version: 1',
        'repositories:',
        '  - repository: octocat/Hello-World',
        `    checkoutPath: ${checkout}`,
        '    stagingUrl: http://127.0.0.1:18090',
        '    defaultBranch: master',
        '    gates:',
        '      sast: { projectKey: acme_shop }',
      ].join('\n'),
      'test config',
    );
    const { client } = await sharedTemporal();
    metrics = new GitHubWebhookMetrics();
    server = createGitHubWebhookServer({
      config,
      client,
      taskQueue: harness.taskQueue,
      commitStatus: { webUiBaseUrl: 'http://127.0.0.1:8233' },
      logger: pino({ level: 'silent' }),
      metrics,
      secret: SECRET,
      maxBodyBytes: 64 * 1024,
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await harness?.stop();
  });

  interface Delivery {
    event: string;
    body: unknown;
    deliveryId?: string;
    signature?: string | null;
    contentType?: string;
  }

  async function deliver(delivery: Delivery) {
    const text = typeof delivery.body === 'string' ? delivery.body : JSON.stringify(delivery.body);
    const headers: Record<string, string> = {
      'content-type': delivery.contentType ?? 'application/json',
      'x-github-event': delivery.event,
      'x-github-delivery': delivery.deliveryId ?? randomUUID(),
      'user-agent': 'GitHub-Hookshot/044aadd',
    };
    const signature = delivery.signature === undefined ? signatureFor(SECRET, text) : delivery.signature;
    if (signature !== null) headers['x-hub-signature-256'] = signature;
    const response = await fetch(`${baseUrl}${GITHUB_WEBHOOK_PATH}`, { method: 'POST', headers, body: text });
    return { status: response.status, body: (await response.json()) as any };
  }

  function pullRequest(action = 'opened', headSha = randomSha()) {
    const body = structuredClone(pullRequestFixture);
    body.action = action;
    body.pull_request.head.sha = headSha;
    return body;
  }

  function push(ref = 'refs/heads/master', after = randomSha()) {
    return { ...structuredClone(pushFixture), ref, after };
  }

  async function runCount(workflowId: string): Promise<number> {
    const { client } = await sharedTemporal();
    let count = 0;
    for await (const _ of client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) count += 1;
    return count;
  }

  async function pipelineInputOf(workflowId: string) {
    const { client } = await sharedTemporal();
    return (await client.workflow.getHandle<typeof gatePipeline>(workflowId).query(pipelineStatusQuery)).input;
  }

  it('starts the pull request pipeline', async () => {
    const body = pullRequest();
    const sha = body.pull_request.head.sha;

    const response = await deliver({ event: 'pull_request', body });

    assert.equal(response.status, 202, JSON.stringify(response.body));
    assert.equal(response.body.result, 'started');
    assert.equal(response.body.workflowId, `pipeline-pull_request-octocat-Hello-World-${sha}-base-7638417`);
    const { client } = await sharedTemporal();
    const verdict = await client.workflow.getHandle<typeof gatePipeline>(response.body.workflowId).result();
    assert.equal(verdict.status, 'pass', JSON.stringify(verdict, null, 2));
    const input = await pipelineInputOf(response.body.workflowId);
    assert.equal(input.target.baseSha, '7638417db6d59f3c431d3e1f261cc637155684cd');
    assert.equal(input.target.baseUrl, 'http://127.0.0.1:18090');
    assert.equal(input.gateOptions?.sast?.pullRequest, '1347');
    const contexts = harness.github.statuses.filter((status) => status.sha === sha).map((status) => status.context);
    assert.deepEqual(
      new Set(contexts),
      new Set(['slo-autopilot/unit-tests', 'slo-autopilot/api-contract', 'slo-autopilot/sast']),
    );
  });

  it('starts one run for a redelivery', async () => {
    const body = pullRequest();
    const deliveryId = randomUUID();

    const first = await deliver({ event: 'pull_request', body, deliveryId });
    const second = await deliver({ event: 'pull_request', body, deliveryId });

    assert.equal(first.status, 202);
    assert.equal(second.status, 200);
    assert.equal(second.body.result, 'duplicate');
    assert.equal(second.body.workflowId, first.body.workflowId);
    assert.equal(second.body.runId, first.body.runId);
    assert.equal(await runCount(first.body.workflowId), 1);
  });

  it('starts one run per head commit', async () => {
    const sha = randomSha();

    const opened = await deliver({ event: 'pull_request', body: pullRequest('opened', sha) });
    const reopened = await deliver({ event: 'pull_request', body: pullRequest('reopened', sha) });

    assert.equal(opened.body.result, 'started');
    assert.equal(reopened.body.result, 'duplicate');
    assert.equal(await runCount(opened.body.workflowId), 1);
  });

  it('starts a push pipeline for a branch', async () => {
    const response = await deliver({ event: 'push', body: push('refs/heads/feature/login') });

    assert.equal(response.status, 202);
    const input = await pipelineInputOf(response.body.workflowId);
    assert.equal(input.trigger, 'push');
    assert.equal(input.gateOptions?.sast?.branch, 'feature/login');
  });

  it('names no branch for the default branch', async () => {
    const response = await deliver({ event: 'push', body: push('refs/heads/master') });

    const input = await pipelineInputOf(response.body.workflowId);
    assert.equal(input.gateOptions?.sast?.branch, undefined);
  });

  it('rejects a missing signature', async () => {
    const response = await deliver({ event: 'pull_request', body: pullRequest(), signature: null });

    assert.equal(response.status, 401);
    assert.match(response.body.error, /X-Hub-Signature-256/);
  });

  it('rejects a wrong signature', async () => {
    const response = await deliver({
      event: 'pull_request',
      body: pullRequest(),
      signature: signatureFor('other-secret', '{}'),
    });

    assert.equal(response.status, 401);
  });

  it('checks the signature before parsing', async () => {
    const response = await deliver({ event: 'pull_request', body: '{not json', signature: 'sha256=00' });

    assert.equal(response.status, 401);
  });

  it('starts nothing for a tampered body', async () => {
    const body = pullRequest();
    const signature = signatureFor(SECRET, JSON.stringify(body));
    body.pull_request.head.sha = randomSha();

    const response = await deliver({ event: 'pull_request', body, signature });

    assert.equal(response.status, 401);
    assert.equal(
      await runCount(
        `pipeline-pull_request-octocat-Hello-World-${body.pull_request.head.sha}-base-${body.pull_request.base.sha.slice(0, 7)}`,
      ),
      0,
    );
  });

  it('rejects form-encoded deliveries', async () => {
    const response = await deliver({
      event: 'pull_request',
      body: 'payload=%7B%7D',
      contentType: 'application/x-www-form-urlencoded',
    });

    assert.equal(response.status, 415);
    assert.match(response.body.error, /application\/json/);
  });

  it('rejects invalid JSON', async () => {
    const response = await deliver({ event: 'pull_request', body: '{not json' });

    assert.equal(response.status, 400);
    assert.match(response.body.error, /not valid JSON/);
  });

  it('rejects a payload without a head SHA', async () => {
    const body = pullRequest() as any;
    delete body.pull_request.head.sha;

    const response = await deliver({ event: 'pull_request', body });

    assert.equal(response.status, 422);
    assert.match(response.body.error, /pull_request\.head\.sha/);
  });

  it('rejects an unknown repository', async () => {
    const body = pullRequest();
    body.repository.full_name = 'octocat/Spoon-Knife';

    const response = await deliver({ event: 'pull_request', body });

    assert.equal(response.status, 422);
    assert.match(response.body.error, /octocat\/Spoon-Knife is not in the gates configuration/);
  });

  it('rejects a missing event header', async () => {
    const response = await deliver({ event: '', body: pullRequest() });

    assert.equal(response.status, 400);
    assert.match(response.body.error, /X-GitHub-Event/);
  });

  it('rejects an oversized body', async () => {
    const response = await deliver({ event: 'push', body: { padding: 'x'.repeat(70 * 1024) } });

    assert.equal(response.status, 413);
  });

  it('ignores events that run no gates', async () => {
    const cases: Delivery[] = [
      { event: 'ping', body: { zen: 'Design for failure.', hook_id: 1 } },
      { event: 'pull_request', body: pullRequest('closed') },
      { event: 'push', body: { ...push(), deleted: true, after: '0'.repeat(40) } },
      { event: 'push', body: push('refs/tags/v1.0.0') },
      { event: 'issues', body: { action: 'opened' } },
    ];
    for (const delivery of cases) {
      const response = await deliver(delivery);
      assert.equal(response.status, 200, `${delivery.event}: ${JSON.stringify(response.body)}`);
      assert.equal(response.body.result, 'ignored', delivery.event);
    }
  });

  it('counts deliveries by result', async () => {
    const text = await metrics.registry.metrics();

    assert.match(text, /slo_github_webhook_deliveries_total\{result="started"\} [1-9]/);
    assert.match(text, /slo_github_webhook_deliveries_total\{result="duplicate"\} [1-9]/);
    assert.match(text, /slo_github_webhook_rejections_total\{reason="invalid_signature"\} [1-9]/);
  });
});
