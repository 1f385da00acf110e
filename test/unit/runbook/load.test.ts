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
  it('loads the shipped GenAI API row', () => {
    const runbook = loadRunbook(shippedFile);
    const row = runbook.services[0]!;
    assert.equal(row.id, 'genai-api');
    assert.equal(row.slo.indicator.threshold, 0.1);
    assert.equal(row.trigger.for, 300_000);
    assert.equal(row.trigger.ruleWindow, 60_000);
    assert.deepEqual(row.actions, [
      { type: 'kubernetes.rollback' },
      { type: 'kubernetes.scale-up', step: 2, maxReplicas: 12 },
    ]);
    assert.deepEqual(
      row.escalation.page.map((page) => page.team),
      ['SRE', 'ML Ops'],
    );
    assert.equal(row.escalation.notify[0]!.audience, 'stakeholders');
  });

  it('names the path of an invalid duration', () => {
    const problems = problemsAfter((runbook) => (runbook.services[0].trigger.for = '5 minutes'));
    assert.equal(problems.length, 1);
    assert.match(problems[0]!, /^services\[0\]\.trigger\.for: invalid duration "5 minutes"/);
  });

  it('reports every problem, not only the first', () => {
    const problems = problemsAfter((runbook) => {
      runbook.services[0].slo.indicator.threshold = -1;
      runbook.services[0].escalation.page[0].routingKeyEnv = 'lower-case';
      delete runbook.services[0].verify;
    });
    assert.equal(problems.length, 3, problems.join('\n'));
    assert.ok(problems.some((problem) => problem.startsWith('services[0].slo.indicator.threshold:')));
    assert.ok(problems.some((problem) => problem.startsWith('services[0].escalation.page[0].routingKeyEnv:')));
    assert.ok(problems.some((problem) => problem.startsWith('services[0].verify:')));
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
    assert.match(problems[0]!, /^services\[1\]\.id: duplicate service id "genai-api"/);
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

  it('reports a missing file', () => {
    const folder = mkdtempSync(join(tmpdir(), 'runbook-'));
    assert.throws(() => loadRunbook(join(folder, 'absent.yaml')), /cannot read the file/);
    writeFileSync(join(folder, 'empty.yaml'), '');
    assert.throws(() => loadRunbook(join(folder, 'empty.yaml')), RunbookError);
  });

  it('lists the secrets that are missing', () => {
    const runbook = loadRunbook(shippedFile);
    const missing = findMissingSecrets(runbook, { PAGERDUTY_ROUTING_KEY_SRE: 'abc' });
    assert.deepEqual(
      missing.map((line) => line.split(' ')[0]),
      ['PAGERDUTY_ROUTING_KEY_ML_OPS', 'SLACK_WEBHOOK_URL_STAKEHOLDERS'],
    );
  });
});
