import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import pino from 'pino';
import { createApiContractGateActivities } from '../../src/activities/gates/api-contract';
import type { ApiContractGateInput } from '../../src/workflows/gates/api-contract';
import { loadRunbook } from '../../src/runbook/load';
import { WebhookMetrics } from '../../src/webhook/metrics';
import { createWebhookServer } from '../../src/webhook/server';
import { sharedTemporal } from '../support/temporal';
import { ContractApiServer, type ContractApiFlaws } from './contract-api-server';
import { GateTestWorker, installPythonTools } from './gate-worker';

const PROJECT_ROOT = join(__dirname, '../..');
const CONTRACT_API = join(__dirname, '../fixtures/targets/contract-api');
const WEBHOOK_TOKEN = 'contract-test-token-5f0c';
const HEAD_SHA = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';

function contractInput(baseUrl: string, extra: Partial<ApiContractGateInput> = {}): ApiContractGateInput {
  return {
    target: { repositoryPath: CONTRACT_API, headSha: HEAD_SHA, baseUrl },
    maxExamples: 8,
    seed: 7,
    ...extra,
  };
}

describe('API contract gate workflow', function () {
  this.timeout(120_000);
  let worker: GateTestWorker;
  const servers: ContractApiServer[] = [];

  async function itemStore(flaws: ContractApiFlaws = {}): Promise<string> {
    const server = await ContractApiServer.start(flaws);
    servers.push(server);
    return server.baseUrl;
  }

  before(async function () {
    this.timeout(300_000);
    installPythonTools();
    const env = { ...process.env, GATE_TEST_WEBHOOK_TOKEN: WEBHOOK_TOKEN };
    worker = await GateTestWorker.start(createApiContractGateActivities({ env }));
  });

  after(async () => {
    await worker?.stop();
    await Promise.all(servers.map((server) => server.close()));
  });

  describe('on the webhook server of this project', () => {
    let webhook: Server;
    let baseUrl: string;

    before(async () => {
      const { client } = await sharedTemporal();
      webhook = createWebhookServer({
        runbook: loadRunbook(join(PROJECT_ROOT, 'config/runbook.yaml')),
        client,
        // No worker polls this queue, so the runs that valid notifications start stay open and do nothing.
        taskQueue: 'api-contract-tests-no-worker',
        webUiBaseUrl: 'http://127.0.0.1:8233',
        logger: pino({ level: 'silent' }),
        metrics: new WebhookMetrics(),
        bearerToken: WEBHOOK_TOKEN,
        maxBodyBytes: 64 * 1024,
      });
      await new Promise<void>((resolve) => webhook.listen(0, '127.0.0.1', resolve));
      baseUrl = `http://127.0.0.1:${(webhook.address() as AddressInfo).port}`;
    });

    after(async () => {
      webhook.closeAllConnections();
      await new Promise((resolve) => webhook.close(resolve));
    });

    it('passes openapi/webhook.yaml', async () => {
      const verdict = await worker.execute('apiContractGate', {
        target: { repositoryPath: PROJECT_ROOT, headSha: HEAD_SHA, baseUrl },
        openApiPath: 'openapi/webhook.yaml',
        bearerTokenEnv: 'GATE_TEST_WEBHOOK_TOKEN',
        maxExamples: 25,
      });
      assert.equal(verdict.gate, 'api-contract');
      assert.deepEqual(verdict.findings, []);
      assert.equal(verdict.status, 'pass', verdict.summary);
      assert.match(verdict.summary, /0 contract violations in 4 API operations \(seed 1266834886\)/);
    });
  });

  it('passes a conforming API', async () => {
    const verdict = await worker.execute('apiContractGate', contractInput(await itemStore()));
    assert.equal(verdict.status, 'pass', JSON.stringify(verdict.findings, null, 2));
    assert.match(verdict.summary, /0 contract violations in 2 API operations \(seed 7\)/);
  });

  it('blocks schema violations and server errors', async () => {
    const flawed = await itemStore({ stringIds: true, serverErrorOnLongNames: true });
    const verdict = await worker.execute('apiContractGate', contractInput(flawed));
    assert.equal(verdict.status, 'block');
    assert.match(verdict.summary, /contract violations in 2 API operations \(seed 7\)/);

    const violation = verdict.findings.find((finding) => finding.ruleId === 'ST108');
    assert.ok(violation, JSON.stringify(verdict.findings, null, 2));
    assert.equal(violation.title, 'Response violates schema');
    assert.equal(violation.severity, 'high');
    assert.match(violation.location!, /^GET \/items\/\{itemId\} \(test case \w+\)$/);
    assert.match(violation.detail!, /is not of type "integer"/);

    const serverError = verdict.findings.find((finding) => finding.ruleId === 'ST101');
    assert.ok(serverError, JSON.stringify(verdict.findings, null, 2));
    assert.equal(serverError.title, 'Server error');
    assert.match(serverError.location!, /^POST \/items /);
  });

  it('reports an error for a document Schemathesis cannot load', async () => {
    const verdict = await worker.execute(
      'apiContractGate',
      contractInput(await itemStore(), { openApiPath: 'broken-openapi.yaml' }),
    );
    assert.equal(verdict.status, 'error');
    assert.equal(verdict.findings[0]!.ruleId, 'ToolFailed');
    assert.match(verdict.findings[0]!.detail!, /schemathesis exited with code \d/);
  });

  it('reports an error when Schemathesis times out', async () => {
    const verdict = await worker.execute(
      'apiContractGate',
      contractInput(await itemStore({ hang: true }), { timeoutMs: 4000, requestTimeoutMs: 60_000 }),
    );
    assert.equal(verdict.status, 'error');
    assert.equal(verdict.findings[0]!.ruleId, 'ToolTimedOut');
    assert.match(verdict.summary, /schemathesis timed out after 4000 ms/);
  });

  it('reports an error for a document outside the repository', async () => {
    const verdict = await worker.execute(
      'apiContractGate',
      contractInput(await itemStore(), { openApiPath: '../../../../openapi/webhook.yaml' }),
    );
    assert.equal(verdict.status, 'error');
    assert.equal(verdict.findings[0]!.ruleId, 'InvalidGateInput');
  });

  it('reports an error for a missing token variable', async () => {
    const verdict = await worker.execute(
      'apiContractGate',
      contractInput(await itemStore(), { bearerTokenEnv: 'GATE_TEST_UNSET_TOKEN' }),
    );
    assert.equal(verdict.status, 'error');
    assert.equal(verdict.findings[0]!.ruleId, 'MissingSecret');
    assert.match(verdict.summary, /GATE_TEST_UNSET_TOKEN is not set/);
  });
});
