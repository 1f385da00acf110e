import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Histogram, Registry } from 'prom-client';
import { alertNameFor, renderAlertRulesYaml } from '../../src/runbook/alert-rules';
import { loadRunbook } from '../../src/runbook/load';
import type { ServiceRunbook } from '../../src/runbook/schema';
import { AlertmanagerServer } from '../../src/stack/alertmanager';
import { PrometheusServer, renderPrometheusConfig } from '../../src/stack/prometheus';
import { HttpStub } from '../activities/http-stub';

const PROMTOOL = process.env.PROMTOOL_PATH ?? '/usr/bin/promtool';

/** Returns the shipped GenAI API row with a short trigger, so that its alert fires within seconds. */
function fastRow(): ServiceRunbook {
  const row = loadRunbook(join(__dirname, '../../config/runbook.yaml')).services[0];
  assert.ok(row, 'config/runbook.yaml has no service');
  return { ...row, trigger: { source: 'prometheus-alert', for: 2000, ruleWindow: 5000 } };
}

describe('Prometheus server', function () {
  this.timeout(45_000);
  let stateDir: string;

  beforeEach(() => {
    stateDir = mkdtempSync(join(tmpdir(), 'prometheus-stack-'));
  });

  afterEach(() => {
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('renders a config promtool accepts', () => {
    const rulesFile = join(stateDir, 'rules.yml');
    writeFileSync(rulesFile, renderAlertRulesYaml([fastRow()]));
    const configFile = join(stateDir, 'prometheus.yml');
    const options = {
      stateDir,
      scrapeTargets: ['127.0.0.1:9'],
      scrapeIntervalMs: 1000,
      ruleFiles: [rulesFile],
      alertmanagerTargets: ['127.0.0.1:9'],
    };
    writeFileSync(configFile, renderPrometheusConfig(options));

    const result = spawnSync(PROMTOOL, ['check', 'config', configFile], { encoding: 'utf8', timeout: 30_000 });

    assert.equal(result.status, 0, `${result.stdout}${result.stderr}`);
    assert.match(renderPrometheusConfig(options), /scrape_timeout: 1s/);
  });

  it('sends a breached SLO alert through Alertmanager', async () => {
    const registry = new Registry();
    const histogram = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'Request latency',
      labelNames: ['service'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1],
      registers: [registry],
    });
    // Every request takes 0.3 s, above the 0.1 s threshold, for as long as the test runs.
    const traffic = setInterval(() => histogram.observe({ service: 'genai-api' }, 0.3), 50);
    const metrics = await HttpStub.start(async () => ({ status: 200, body: await registry.metrics() }));
    const receiver = await HttpStub.start(() => ({ status: 200 }));
    const rulesFile = join(stateDir, 'rules.yml');
    writeFileSync(rulesFile, renderAlertRulesYaml([fastRow()]));
    let alertmanager: AlertmanagerServer | undefined;
    let prometheus: PrometheusServer | undefined;
    try {
      alertmanager = await AlertmanagerServer.start({
        stateDir: join(stateDir, 'alertmanager'),
        webhookUrl: `${receiver.baseUrl}/v1/alerts/alertmanager`,
        groupWaitMs: 100,
      });
      prometheus = await PrometheusServer.start({
        stateDir: join(stateDir, 'prometheus'),
        scrapeTargets: [metrics.address],
        scrapeIntervalMs: 1000,
        evaluationIntervalMs: 1000,
        ruleFiles: [rulesFile],
        alertmanagerTargets: [alertmanager.address],
      });

      const [delivery] = await receiver.waitForRequests(1, 30_000);

      const payload = JSON.parse(delivery!.body);
      assert.equal(payload.version, '4');
      assert.equal(payload.status, 'firing');
      const alert = payload.alerts[0];
      assert.equal(alert.labels.alertname, alertNameFor(fastRow()));
      assert.equal(alert.labels.service, 'genai-api');
      assert.equal(alert.labels.severity, 'page');
      assert.equal(alert.annotations.summary, 'GenAI API breaches its SLO: p95 latency < 100 ms');
      // All requests sit in the 0.25–0.5 s bucket, so p95 interpolates to 0.25 + 0.25 × 0.95 = 0.4875.
      assert.match(alert.annotations.description, /is 487\.5m seconds/);
    } finally {
      clearInterval(traffic);
      await prometheus?.stop();
      await alertmanager?.stop();
      await metrics.close();
      await receiver.close();
    }
  });
});
