import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IncidentRecord } from '../../src/activities/contracts';
import { FailureType } from '../../src/activities/errors';
import { createIncidentLogActivities } from '../../src/activities/incident-log';
import { escapeCell, renderIncidentMarkdown } from '../../src/activities/incident-log/incident-markdown';
import { runActivity } from './activity-environment';
import { assertFailure } from './assert-failure';

function incidentRecord(overrides: Partial<IncidentRecord> = {}): IncidentRecord {
  return {
    incidentId: 'etl-pipeline-20260101T000000Z',
    serviceId: 'etl-pipeline',
    serviceName: 'ETL Pipeline',
    objective: 'end-to-end < 15 min',
    status: 'escalated',
    openedAt: '2026-01-01T00:00:00.000Z',
    runUrl: 'http://127.0.0.1:8233/namespaces/default/workflows/slo-remediation-etl-pipeline',
    timeline: [
      { at: '2026-01-01T00:00:00.000Z', phase: 'detect', event: 'DAG run etl_daily running for 16 min > 15 min' },
      { at: '2026-01-01T00:00:05.000Z', phase: 'mitigate', event: 'restarted the DAG run | new run <manual>' },
    ],
    ...overrides,
  };
}

describe('incident log writeIncidentRecord', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'slo-incident-log-'));
  });

  it('writes the JSON record and the Markdown', async () => {
    const record = incidentRecord();

    const result = await runActivity(() => createIncidentLogActivities({ dir }).writeIncidentRecord(record));

    assert.equal(result.location, join(dir, `${record.incidentId}.md`));
    assert.deepEqual(JSON.parse(readFileSync(join(dir, `${record.incidentId}.json`), 'utf8')), record);
    const markdown = readFileSync(join(dir, `${record.incidentId}.md`), 'utf8');
    assert.ok(markdown.startsWith('# Incident etl-pipeline-20260101T000000Z: ETL Pipeline\n'));
    assert.ok(markdown.includes('| Status | escalated |'));
    assert.ok(markdown.includes('| Time | Phase | Event |'));
    assert.ok(
      markdown.includes('| 2026-01-01T00:00:00.000Z | detect | DAG run etl_daily running for 16 min &gt; 15 min |'),
    );
    assert.ok(markdown.includes('restarted the DAG run \\| new run &lt;manual&gt;'));
  });

  it('returns a URL when baseUrl is set', async () => {
    const activities = createIncidentLogActivities({ dir, baseUrl: 'https://incidents.example.com/log/' });

    const result = await runActivity(() => activities.writeIncidentRecord(incidentRecord()));

    assert.equal(result.location, 'https://incidents.example.com/log/etl-pipeline-20260101T000000Z.md');
  });

  it('rejects a baseUrl that is not http', () => {
    assert.throws(() => createIncidentLogActivities({ dir, baseUrl: 'ftp://example.com' }), /not an http or https URL/);
  });

  it('leaves the files alone for the same record', async () => {
    const activities = createIncidentLogActivities({ dir });
    await runActivity(() => activities.writeIncidentRecord(incidentRecord()));
    const jsonPath = join(dir, 'etl-pipeline-20260101T000000Z.json');
    const firstWrite = statSync(jsonPath).mtimeMs;
    const firstContent = readFileSync(jsonPath, 'utf8');

    await new Promise((resolve) => setTimeout(resolve, 20));
    await runActivity(() => activities.writeIncidentRecord(incidentRecord()));

    assert.equal(statSync(jsonPath).mtimeMs, firstWrite);
    assert.equal(readFileSync(jsonPath, 'utf8'), firstContent);
    assert.deepEqual(readdirSync(dir).sort(), [
      'etl-pipeline-20260101T000000Z.json',
      'etl-pipeline-20260101T000000Z.md',
    ]);
  });

  it('replaces the record when it changes', async () => {
    const activities = createIncidentLogActivities({ dir });
    await runActivity(() => activities.writeIncidentRecord(incidentRecord()));

    const closed = incidentRecord({
      status: 'resolved',
      closedAt: '2026-01-01T00:20:00.000Z',
      ticketUrl: 'https://github.com/example-org/data-incidents/issues/7',
    });
    await runActivity(() => activities.writeIncidentRecord(closed));

    const stored = JSON.parse(readFileSync(join(dir, 'etl-pipeline-20260101T000000Z.json'), 'utf8'));
    assert.equal(stored.status, 'resolved');
    const markdown = readFileSync(join(dir, 'etl-pipeline-20260101T000000Z.md'), 'utf8');
    assert.ok(markdown.includes('| Closed | 2026-01-01T00:20:00.000Z |'));
    assert.ok(markdown.includes('[Ticket](https://github.com/example-org/data-incidents/issues/7)'));
    assert.equal(readdirSync(dir).filter((name) => name.endsWith('.tmp')).length, 0);
  });

  it('creates a missing folder', async () => {
    const nested = join(dir, 'a', 'b');

    await runActivity(() => createIncidentLogActivities({ dir: nested }).writeIncidentRecord(incidentRecord()));

    assert.ok(statSync(join(nested, 'etl-pipeline-20260101T000000Z.json')).isFile());
  });

  for (const incidentId of ['../escape', 'a/b', '.hidden', '', 'x'.repeat(201), 'with space', 'a\\b']) {
    it(`rejects incident id ${JSON.stringify(incidentId.slice(0, 20))}`, async () => {
      const activities = createIncidentLogActivities({ dir });

      await assertFailure(
        runActivity(() => activities.writeIncidentRecord(incidentRecord({ incidentId }))),
        {
          nonRetryable: true,
          type: FailureType.InvalidRequest,
          includes: ['not a safe file name'],
        },
      );
      assert.deepEqual(readdirSync(dir), []);
    });
  }

  it('fails as InvalidRequest when dir is a file', async () => {
    const file = join(dir, 'not-a-folder');
    writeFileSync(file, '');

    await assertFailure(
      runActivity(() => createIncidentLogActivities({ dir: file }).writeIncidentRecord(incidentRecord())),
      {
        nonRetryable: true,
        type: FailureType.InvalidRequest,
      },
    );
  });

  it('fails as Forbidden on a read-only folder', async function () {
    // File modes do not restrict root, so this case runs only as another user.
    if (process.getuid?.() === 0) this.skip();
    chmodSync(dir, 0o500);

    await assertFailure(
      runActivity(() => createIncidentLogActivities({ dir }).writeIncidentRecord(incidentRecord())),
      {
        nonRetryable: true,
        type: FailureType.Forbidden,
      },
    );
    chmodSync(dir, 0o700);
  });

  it('renders an empty timeline', () => {
    const markdown = renderIncidentMarkdown(incidentRecord({ timeline: [] }));

    assert.ok(markdown.includes('No events recorded.'));
  });

  it('escapes table cells', () => {
    assert.equal(escapeCell('a|b\nc <d> \\'), 'a\\|b<br>c &lt;d&gt; \\\\');
  });
});
