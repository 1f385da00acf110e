import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { gatePipeline } from '../../src/workflows/gates/pipeline';
import { createSchedules } from '../../src/starters/create-schedules';
import { parseGateConfig, type GateConfig } from '../../src/triggers/gate-config';
import { sharedTemporal } from '../support/temporal';
import { PipelineHarness } from './pipeline-harness';

describe('gate schedules', function () {
  this.timeout(60_000);
  let harness: PipelineHarness;

  before(async () => {
    harness = await PipelineHarness.start();
  });

  after(async () => {
    await harness?.stop();
  });

  /** Builds a configuration with one repository of its own, so each test owns its schedule ids. */
  function configFor(name: string, nightlyHour = 2): GateConfig {
    return parseGateConfig(
      [
        'version: 1',
        'repositories:',
        `  - repository: acme/${name}`,
        `    checkoutPath: /srv/checkouts/acme/${name}`,
        '    stagingUrl: http://127.0.0.1:18091',
        'schedules:',
        '  timezone: Europe/Berlin',
        `  nightly: { hour: ${nightlyHour}, minute: 30 }`,
        '  weekly: { dayOfWeek: SUNDAY, hour: 3 }',
        '  catchupWindowMs: 3600000',
      ].join('\n'),
      'test config',
    );
  }

  function uniqueName(): string {
    return `shop-${randomBytes(4).toString('hex')}`;
  }

  it('creates and lists the schedules', async () => {
    const { client } = await sharedTemporal();
    const name = uniqueName();

    const lines = await createSchedules(client, configFor(name), harness.taskQueue);

    assert.deepEqual(lines.slice(0, 2), [`created gates-nightly-acme-${name}`, `created gates-weekly-acme-${name}`]);
    const listed = lines.filter((line) => line.includes(name));
    assert.equal(listed.length, 4, lines.join('\n'));
    assert.ok(
      listed.some((line) =>
        line.includes(`gates-nightly-acme-${name}: daily 02:30 Europe/Berlin, overlap SKIP, next run 2`),
      ),
      lines.join('\n'),
    );
    assert.ok(
      listed.some((line) => line.includes(`gates-weekly-acme-${name}: SUNDAY 03:00 Europe/Berlin, overlap SKIP`)),
    );
  });

  it('stores the spec and policies', async () => {
    const { client } = await sharedTemporal();
    const name = uniqueName();
    await createSchedules(client, configFor(name), harness.taskQueue);

    const nightly = await client.schedule.getHandle(`gates-nightly-acme-${name}`).describe();
    const weekly = await client.schedule.getHandle(`gates-weekly-acme-${name}`).describe();

    assert.equal(nightly.policies.overlap, 'SKIP');
    assert.equal(nightly.policies.catchupWindow, 3_600_000);
    assert.equal(nightly.spec.timezone, 'Europe/Berlin');
    const calendar = nightly.spec.calendars![0]!;
    assert.deepEqual([calendar.hour[0]?.start, calendar.minute[0]?.start], [2, 30]);
    assert.deepEqual(weekly.spec.calendars![0]!.dayOfWeek, [{ start: 'SUNDAY', end: 'SUNDAY', step: 1 }]);
    assert.equal(weekly.policies.overlap, 'SKIP');
    assert.equal(nightly.action.type, 'startWorkflow');
    if (nightly.action.type !== 'startWorkflow') return;
    assert.equal(nightly.action.workflowType, 'gatePipeline');
    assert.equal(nightly.action.taskQueue, harness.taskQueue);
    assert.equal(nightly.action.staticSummary, `nightly adversarial fuzzing of acme/${name}`);
    const input = nightly.action.args?.[0] as Parameters<typeof gatePipeline>[0];
    assert.equal(input.trigger, 'nightly');
    assert.equal(input.target.headSha, 'main');
    assert.equal(input.target.baseUrl, 'http://127.0.0.1:18091');
    assert.deepEqual(nightly.memo, { repository: `acme/${name}`, trigger: 'nightly' });
  });

  it('leaves unchanged schedules alone', async () => {
    const { client } = await sharedTemporal();
    const name = uniqueName();
    await createSchedules(client, configFor(name), harness.taskQueue);
    const before = await client.schedule.getHandle(`gates-nightly-acme-${name}`).describe();

    const lines = await createSchedules(client, configFor(name), harness.taskQueue);

    assert.deepEqual(lines.slice(0, 2), [
      `unchanged gates-nightly-acme-${name}`,
      `unchanged gates-weekly-acme-${name}`,
    ]);
    const after = await client.schedule.getHandle(`gates-nightly-acme-${name}`).describe();
    assert.equal(after.info.lastUpdatedAt?.getTime(), before.info.lastUpdatedAt?.getTime());
    assert.equal(lines.filter((line) => line.includes(`gates-nightly-acme-${name}:`)).length, 1);
  });

  it('updates a changed spec', async () => {
    const { client } = await sharedTemporal();
    const name = uniqueName();
    await createSchedules(client, configFor(name), harness.taskQueue);

    const lines = await createSchedules(client, configFor(name, 4), harness.taskQueue);

    assert.deepEqual(lines.slice(0, 2), [`updated gates-nightly-acme-${name}`, `unchanged gates-weekly-acme-${name}`]);
    const nightly = await client.schedule.getHandle(`gates-nightly-acme-${name}`).describe();
    assert.equal(nightly.spec.calendars![0]!.hour[0]?.start, 4);
    assert.equal(nightly.policies.overlap, 'SKIP');
  });

  it('starts the weekly DAST pipeline', async () => {
    const { client } = await sharedTemporal();
    const name = uniqueName();
    await createSchedules(client, configFor(name), harness.taskQueue);
    const handle = client.schedule.getHandle(`gates-weekly-acme-${name}`);

    await handle.trigger();

    let runs = (await handle.describe()).info.recentActions;
    const deadline = Date.now() + 10_000;
    while (runs.length === 0 && Date.now() < deadline) {
      await delay(100);
      runs = (await handle.describe()).info.recentActions;
    }
    const action = runs[0]!.action;
    assert.match(action.workflow.workflowId, new RegExp(`^pipeline-weekly-acme-${name}-`));
    const verdict = await client.workflow
      .getHandle<typeof gatePipeline>(action.workflow.workflowId, action.workflow.firstExecutionRunId)
      .result();
    assert.deepEqual(
      verdict.verdicts.map((gate) => [gate.gate, gate.status]),
      [['dast', 'pass']],
    );
  });
});
