import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import {
  alertNameFor,
  buildAlertRule,
  isPrometheusRow,
  renderAlertRulesYaml,
  type PrometheusRow,
} from '../../src/runbook/alert-rules';
import { loadRunbook } from '../../src/runbook/load';

const PROMTOOL = process.env.PROMTOOL_PATH ?? '/usr/bin/promtool';

function shippedRow(): PrometheusRow {
  const row = loadRunbook(join(__dirname, '../../config/runbook.yaml')).services[0];
  assert.ok(row && isPrometheusRow(row), 'config/runbook.yaml has no Prometheus row first');
  return row;
}

function promtool(...args: string[]): { status: number | null; output: string } {
  const result = spawnSync(PROMTOOL, args, { encoding: 'utf8', timeout: 30_000 });
  if (result.error) throw result.error;
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/**
 * Builds a promtool unit test for the shipped row (for: 5m, rule window 1m, threshold 0.1 s). Until 10m every
 * request takes under 0.05 s. From then on every request lands in the 0.1–0.25 s bucket, so p95 = 0.1 + 0.15 × 0.95.
 */
function latencyTest(expectations: { evalTime: string; firing: boolean }[]): Record<string, unknown> {
  const row = shippedRow();
  const series = (le: string, values: string) => ({
    series: `http_request_duration_seconds_bucket{service="genai-api",le="${le}"}`,
    values,
  });
  return {
    rule_files: ['rules.yml'],
    evaluation_interval: '15s',
    tests: [
      {
        interval: '15s',
        input_series: [
          series('0.05', '0+10x40 400+0x60'),
          series('0.1', '0+10x40 400+0x60'),
          series('0.25', '0+10x100'),
          series('+Inf', '0+10x100'),
        ],
        alert_rule_test: expectations.map(({ evalTime, firing }) => ({
          eval_time: evalTime,
          alertname: alertNameFor(row),
          exp_alerts: firing
            ? [
                {
                  exp_labels: { severity: 'page', service: 'genai-api' },
                  exp_annotations: {
                    summary: 'GenAI API breaches its SLO: p95 latency < 100 ms',
                    description:
                      'The indicator of GenAI API is 242.5m seconds, above the threshold 0.1 seconds for at least 5m. ' +
                      'SLO: p95 latency < 100 ms.',
                  },
                },
              ]
            : [],
        })),
      },
    ],
  };
}

describe('alert rules', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'alert-rules-'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('names the alert after the service id', () => {
    assert.equal(alertNameFor(shippedRow()), 'SloBreachGenaiApi');
  });

  it('builds the expression from the indicator', () => {
    const rule = buildAlertRule(shippedRow());

    assert.equal(
      rule.expr,
      '(histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{service="genai-api"}[1m])))) > 0.1',
    );
    assert.equal(rule.for, '5m');
    assert.deepEqual(rule.labels, { severity: 'page', service: 'genai-api' });
    assert.ok(rule.annotations.summary?.includes('p95 latency < 100 ms'));
  });

  it('passes promtool check rules', () => {
    const file = join(dir, 'rules.yml');
    writeFileSync(file, renderAlertRulesYaml([shippedRow()]));

    const result = promtool('check', 'rules', file);

    assert.equal(result.status, 0, result.output);
    assert.match(result.output, /SUCCESS: 1 rules found/);
  });

  it('escapes template braces in names', () => {
    const row = { ...shippedRow(), name: 'API {{ weird }}' };
    const file = join(dir, 'rules.yml');
    writeFileSync(file, renderAlertRulesYaml([row], 30_000));

    const result = promtool('check', 'rules', file);

    assert.equal(result.status, 0, result.output);
  });

  it('fires only after the for duration', () => {
    writeFileSync(join(dir, 'rules.yml'), renderAlertRulesYaml([shippedRow()]));
    const testFile = join(dir, 'test.yml');
    writeFileSync(
      testFile,
      stringify(
        latencyTest([
          { evalTime: '9m', firing: false },
          { evalTime: '10m30s', firing: false },
          { evalTime: '14m', firing: false },
          { evalTime: '16m', firing: true },
        ]),
      ),
    );

    const result = promtool('test', 'rules', testFile);

    assert.equal(result.status, 0, result.output);
  });

  it('does not fire before the for duration', () => {
    // The same input with a firing alert expected 4 minutes into the breach must fail.
    // Otherwise the test above proves nothing.
    writeFileSync(join(dir, 'rules.yml'), renderAlertRulesYaml([shippedRow()]));
    const testFile = join(dir, 'test.yml');
    writeFileSync(testFile, stringify(latencyTest([{ evalTime: '14m', firing: true }])));

    const result = promtool('test', 'rules', testFile);

    assert.equal(result.status, 1, result.output);
    assert.match(result.output, /SloBreachGenaiApi/);
  });
});

describe('alert rules of every row', () => {
  let dir: string;
  const runbook = loadRunbook(join(__dirname, '../../config/runbook.yaml'));
  const rowById = (id: string): PrometheusRow => {
    const row = runbook.services.find((service) => service.id === id);
    assert.ok(row && isPrometheusRow(row), `${id} is not a Prometheus row`);
    return row;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'alert-rules-'));
    writeFileSync(join(dir, 'rules.yml'), renderAlertRulesYaml(runbook.services));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  /** Expected alert of a row, with `$value` humanized as Prometheus prints it. */
  function expectedAlert(row: PrometheusRow, humanizedValue: string) {
    const rule = buildAlertRule(row);
    return {
      exp_labels: rule.labels,
      exp_annotations: {
        summary: rule.annotations.summary,
        description: rule.annotations.description!.replace('{{ $value | humanize }}', humanizedValue),
      },
    };
  }

  function runTest(
    inputSeries: { series: string; values: string }[],
    checks: object[],
  ): { status: number | null; output: string } {
    const testFile = join(dir, 'test.yml');
    const test = {
      rule_files: ['rules.yml'],
      evaluation_interval: '15s',
      tests: [{ interval: '15s', input_series: inputSeries, alert_rule_test: checks }],
    };
    writeFileSync(testFile, stringify(test));
    return promtool('test', 'rules', testFile);
  }

  it('passes promtool check rules for the whole runbook', () => {
    const result = promtool('check', 'rules', join(dir, 'rules.yml'));
    assert.equal(result.status, 0, result.output);
    // The ETL row is watched by Airflow, not Prometheus, so three of the four rows have a rule.
    assert.match(result.output, /SUCCESS: 3 rules found/);
  });

  it('fires the AR Overlay alert 3 minutes into the breach', () => {
    const row = rowById('ar-overlay');
    // Renders take 0.1 s until 10m, then 0.2–0.5 s, so p95 = 0.2 + 0.3 × 0.95 = 0.485 s.
    const bucket = (le: string, values: string) => ({
      series: `ar_render_duration_seconds_bucket{service="ar-overlay",le="${le}"}`,
      values,
    });
    const series = [bucket('0.2', '0+10x40 400+0x40'), bucket('0.5', '0+10x80'), bucket('+Inf', '0+10x80')];
    const alert = alertNameFor(row);
    const result = runTest(series, [
      { eval_time: '12m', alertname: alert, exp_alerts: [] },
      { eval_time: '15m', alertname: alert, exp_alerts: [expectedAlert(row, '485m')] },
    ]);
    assert.equal(result.status, 0, result.output);
  });

  it('fires the BI Dashboards alert on the first slow refresh', () => {
    const row = rowById('bi-dashboards');
    const series = [
      { series: 'bi_dashboard_refresh_duration_seconds{service="bi-dashboards"}', values: '30x20 90x20' },
    ];
    const alert = alertNameFor(row);
    const result = runTest(series, [
      { eval_time: '4m', alertname: alert, exp_alerts: [] },
      { eval_time: '5m15s', alertname: alert, exp_alerts: [expectedAlert(row, '90')] },
    ]);
    assert.equal(result.status, 0, result.output);
  });
});
