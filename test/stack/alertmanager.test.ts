import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AlertmanagerServer, WEBHOOK_RECEIVER, renderAlertmanagerConfig } from '../../src/stack/alertmanager';
import { alertmanagerPayloadSchema } from '../../src/webhook/alertmanager-payload';
import { HttpStub } from '../activities/http-stub';

const AMTOOL = process.env.AMTOOL_PATH ?? '/usr/bin/amtool';

async function postAlerts(alertmanager: AlertmanagerServer, alerts: unknown[]): Promise<void> {
  const response = await fetch(`${alertmanager.baseUrl}/api/v2/alerts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(alerts),
  });
  assert.equal(response.status, 200, await response.text());
}

describe('Alertmanager', function () {
  this.timeout(30_000);
  let stateDir: string;
  let receiver: HttpStub;
  let alertmanager: AlertmanagerServer;

  before(async () => {
    stateDir = mkdtempSync(join(tmpdir(), 'alertmanager-'));
    receiver = await HttpStub.start(() => ({ status: 200 }));
    alertmanager = await AlertmanagerServer.start({
      stateDir,
      webhookUrl: `${receiver.baseUrl}/v1/alerts/alertmanager`,
      groupBy: ['alertname', 'service'],
      groupWaitMs: 100,
      groupIntervalMs: 1000,
      repeatIntervalMs: 3_600_000,
    });
  });

  after(async () => {
    await alertmanager?.stop();
    await receiver?.close();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('renders a config amtool accepts', () => {
    const file = join(stateDir, 'check.yml');
    writeFileSync(file, renderAlertmanagerConfig({ stateDir, webhookUrl: 'http://127.0.0.1:9/hook' }));

    const result = spawnSync(AMTOOL, ['check-config', file], { encoding: 'utf8', timeout: 30_000 });

    assert.equal(result.status, 0, `${result.stdout}${result.stderr}`);
  });

  it('posts firing and resolved alerts to the webhook', async () => {
    const alert = {
      labels: { alertname: 'SloBreachGenaiApi', service: 'genai-api', severity: 'page' },
      annotations: { summary: 'GenAI API breaches its SLO: p95 latency < 100 ms' },
      startsAt: new Date().toISOString(),
      generatorURL: 'http://127.0.0.1:9090/graph',
    };
    await postAlerts(alertmanager, [alert]);

    const [firing] = await receiver.waitForRequests(1, 10_000);
    assert.equal(firing!.method, 'POST');
    assert.equal(firing!.url, '/v1/alerts/alertmanager');
    const payload = JSON.parse(firing!.body);
    assert.equal(payload.version, '4');
    assert.equal(payload.status, 'firing');
    assert.equal(payload.receiver, WEBHOOK_RECEIVER);
    assert.deepEqual(payload.groupLabels, { alertname: 'SloBreachGenaiApi', service: 'genai-api' });
    assert.deepEqual(payload.alerts[0].labels, alert.labels);
    const parsed = alertmanagerPayloadSchema.safeParse(payload);
    assert.ok(parsed.success, JSON.stringify(parsed.error?.issues));

    await postAlerts(alertmanager, [{ ...alert, endsAt: new Date().toISOString() }]);

    const requests = await receiver.waitForRequests(2, 10_000);
    const resolved = JSON.parse(requests[1]!.body);
    assert.equal(resolved.status, 'resolved');
    assert.equal(resolved.alerts[0].status, 'resolved');
  });
});
