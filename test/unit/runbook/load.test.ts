import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { findMissingSecrets, loadRunbook, parseRunbook, RunbookError } from '../../../src/runbook/load';

const shippedFile = join(__dirname, '../../../config/runbook.yaml');
const shipped = parse(readFileSync(shippedFile, 'utf8'));

/** Returns the problems the loader reports for the shipped runbook after `edit` changed it. */
function problemsAfter(edit: (runbook: any) => void): string[] {
  const copy = structuredClone(shipped);
  edit(copy);
  try {
    parseRunbook(stringify(copy), 'edited.yaml');
  } catch (error) {
    assert.ok(error instanceof RunbookError, `expected RunbookError, got ${error}`);
    return error.problems;
  }
  assert.fail('the edited runbook was accepted');
}

describe('runbook loader', () => {
  it('loads the four shipped rows', () => {
    const runbook = loadRunbook(shippedFile);
    assert.deepEqual(
      runbook.services.map((row) => row.id),
      ['genai-api', 'ar-overlay', 'etl-pipeline', 'bi-dashboards'],
    );
  });

  it('loads the GenAI API row', () => {
    const row = loadRunbook(shippedFile).services[0]!;
    assert.equal(row.slo.indicator.threshold, 0.1);
    assert.deepEqual(row.trigger, { source: 'prometheus-alert', for: 300_000, ruleWindow: 60_000 });
    assert.deepEqual(row.actions, [
      { type: 'kubernetes.rollback' },
      { type: 'kubernetes.scale-up', step: 2, maxReplicas: 12 },
    ]);
    assert.deepEqual(
      row.escalation.levels[0]!.page.map((page) => page.team),
      ['SRE', 'ML Ops'],
    );
    assert.equal(row.escalation.levels[0]!.ackTimeout, 900_000);
    assert.equal(row.escalation.notify[0]!.audience, 'stakeholders');
  });

  it('loads the AR Overlay row', () => {
    const row = loadRunbook(shippedFile).services[1]!;
    assert.equal(row.slo.indicator.threshold, 0.2);
    assert.deepEqual(row.trigger, { source: 'prometheus-alert', for: 180_000, ruleWindow: 60_000 });
    assert.deepEqual(
      row.actions.map((action) => action.type),
      ['feature-flag.enable', 'redis.clear-cache'],
    );
    assert.equal(row.escalation.levels[0]!.page[0]!.team, 'XR Eng');
  });

  it('loads the ETL Pipeline row', () => {
    const row = loadRunbook(shippedFile).services[2]!;
    assert.deepEqual(row.slo.indicator, {
      type: 'airflow-dag-run',
      dagId: 'etl_daily',
      threshold: 900,
      unit: 'seconds',
    });
    assert.deepEqual(row.trigger, { source: 'airflow-watchdog', checkEvery: 60_000 });
    assert.equal(row.escalation.ticket?.repository, 'example-org/data-incidents');
  });

  it('loads the BI Dashboards row', () => {
    const row = loadRunbook(shippedFile).services[3]!;
    assert.deepEqual(row.trigger, { source: 'prometheus-alert', for: 0, ruleWindow: 300_000 });
    assert.equal(row.verify.window, undefined);
    assert.equal(row.escalation.levels[0]!.page[0]!.team, 'BI Lead');
  });

  it('rejects a rollback on a row without a deployment', () => {
    const problems = problemsAfter((runbook) => runbook.services[1].actions.push({ type: 'kubernetes.rollback' }));
    assert.deepEqual(problems, ["services[1].actions[2].type: kubernetes.rollback needs the row's deployment"]);
  });

  it('rejects a trigger that does not fit the indicator', () => {
    const problems = problemsAfter(
      (runbook) => (runbook.services[2].trigger = { source: 'prometheus-alert', for: '5m' }),
    );
    assert.deepEqual(problems, [
      'services[2].trigger.source: an airflow-dag-run indicator needs source: airflow-watchdog',
    ]);
  });

  it('rejects a cache pattern that matches every key', () => {
    const problems = problemsAfter((runbook) => (runbook.services[1].actions[1].pattern = '**'));
    assert.match(problems[0]!, /^services\[1\]\.actions\[1\]\.pattern: must not match every key/);
  });

  it('names the path of an invalid duration', () => {
    const problems = problemsAfter((runbook) => (runbook.services[0].trigger.for = '5 minutes'));
    assert.equal(problems.length, 1);
    assert.match(problems[0]!, /^services\[0\]\.trigger\.for: invalid duration "5 minutes"/);
  });

  it('reports every problem, not only the first', () => {
    const problems = problemsAfter((runbook) => {
      runbook.services[0].slo.indicator.threshold = -1;
      runbook.services[0].escalation.levels[0].page[0].routingKeyEnv = 'lower-case';
      runbook.services[0].alertLabels = {};
    });
    assert.equal(problems.length, 3, problems.join('\n'));
    assert.ok(problems.some((problem) => problem.startsWith('services[0].slo.indicator.threshold:')));
    assert.ok(
      problems.some((problem) => problem.startsWith('services[0].escalation.levels[0].page[0].routingKeyEnv:')),
    );
    assert.ok(problems.some((problem) => problem.startsWith('services[0].alertLabels:')));
  });

  it('rejects a query without $window', () => {
    const problems = problemsAfter((runbook) => (runbook.services[0].slo.indicator.query = 'up'));
    assert.match(problems[0]!, /services\[0\]\.slo\.indicator\.query: must contain \$window/);
  });

  it('rejects a step above the maximum', () => {
    const problems = problemsAfter((runbook) => (runbook.services[0].actions[1].step = 20));
    assert.match(problems[0]!, /services\[0\]\.actions\[1\]\.step: step 20 is larger than maxReplicas 12/);
  });

  it('rejects an unknown action type', () => {
    const problems = problemsAfter((runbook) => (runbook.services[0].actions[0].type = 'kubernetes.delete'));
    assert.match(problems[0]!, /^services\[0\]\.actions\[0\]\.type:/);
  });

  it('rejects an unknown field', () => {
    const problems = problemsAfter((runbook) => (runbook.services[0].trigger.window = '5m'));
    assert.match(problems[0]!, /^services\[0\]\.trigger: .*window/);
  });

  it('rejects duplicate service ids', () => {
    const problems = problemsAfter((runbook) => runbook.services.push(structuredClone(runbook.services[0])));
    assert.ok(
      problems.includes('services[4].id: duplicate service id "genai-api", already used by services[0]'),
      problems.join('\n'),
    );
    assert.ok(
      problems.includes(
        'services[4].alertLabels: the same labels as services[0], so no alert could ever reach this row',
      ),
    );
  });

  it('reports YAML syntax errors with the file', () => {
    assert.throws(
      () => parseRunbook('version: 1\nservices: [\n', 'broken.yaml'),
      (error: Error) => {
        assert.ok(error instanceof RunbookError);
        assert.match(error.message, /^invalid runbook broken\.yaml:/);
        assert.match(error.problems[0]!, /^YAML syntax:/);
        return true;
      },
    );
  });

  it('rejects a duration too long for Prometheus', () => {
    const problems = problemsAfter((runbook) => (runbook.services[0].trigger.for = `${'9'.repeat(400)}h`));
    assert.match(problems[0]!, /^services\[0\]\.trigger\.for: invalid duration/);
  });

  it('rejects an alert label that is no Prometheus label name', () => {
    const problems = problemsAfter((runbook) => (runbook.services[0].alertLabels = { 'bad-label name': 'x' }));
    assert.match(problems[0]!, /^services\[0\]\.alertLabels\.bad-label name: must be a Prometheus label name/);
  });

  it('reports an alias bomb as a runbook error', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x]'];
    for (let level = 1; level < 9; level++)
      bomb.push(
        `${'b'.repeat(level)}: &${'b'.repeat(level)} [${Array(9)
          .fill(level === 1 ? '*a' : `*${'b'.repeat(level - 1)}`)
          .join(', ')}]`,
      );
    assert.throws(
      () => parseRunbook(bomb.join('\n'), 'bomb.yaml'),
      (error: Error) => {
        assert.ok(error instanceof RunbookError);
        assert.match(error.problems[0]!, /^YAML content: .*alias/i);
        return true;
      },
    );
  });

  it('reports a missing file', () => {
    const folder = mkdtempSync(join(tmpdir(), 'runbook-'));
    assert.throws(() => loadRunbook(join(folder, 'absent.yaml')), /cannot read the file/);
    writeFileSync(join(folder, 'empty.yaml'), '');
    assert.throws(() => loadRunbook(join(folder, 'empty.yaml')), RunbookError);
  });

  it('lists the secrets that are missing', () => {
    const runbook = loadRunbook(shippedFile);
    const missing = findMissingSecrets(runbook, { PAGERDUTY_ROUTING_KEY_SRE: 'abc', GITHUB_TOKEN_INCIDENTS: '' });
    assert.deepEqual(
      missing.map((line) => line.split(' ')[0]),
      [
        'PAGERDUTY_ROUTING_KEY_ML_OPS',
        'PAGERDUTY_ROUTING_KEY_SRE_MANAGERS',
        'SLACK_WEBHOOK_URL_STAKEHOLDERS',
        'PAGERDUTY_ROUTING_KEY_XR_ENG',
        'AR_RENDER_CACHE_REDIS_URL',
        'PAGERDUTY_ROUTING_KEY_DATA_ENG',
        'GITHUB_TOKEN_INCIDENTS',
        'SLACK_WEBHOOK_URL_DATA_TEAM',
        'PAGERDUTY_ROUTING_KEY_BI_LEAD',
        'SLACK_WEBHOOK_URL_ANALYTICS',
      ],
    );
    assert.match(missing[0]!, /level 1 ML Ops/);
  });
});
