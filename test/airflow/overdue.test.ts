import assert from 'node:assert/strict';
import type { AirflowDagRun } from '../../src/activities/airflow/dag-run';
import { judgeOverdue } from '../../src/activities/airflow/overdue';

const NOW = Date.parse('2026-12-04T10:30:00Z');

function run(fields: Partial<AirflowDagRun>): AirflowDagRun {
  return {
    dagId: 'etl_daily',
    dagRunId: 'run-1',
    state: 'running',
    runType: 'scheduled',
    queuedAt: '2026-12-04T10:20:00Z',
    startDate: '2026-12-04T10:20:05Z',
    endDate: null,
    conf: null,
    ...fields,
  };
}

describe('judgeOverdue', () => {
  const budget = 900;
  const cases: { name: string; run: AirflowDagRun; reason: string | undefined; elapsed?: number }[] = [
    { name: 'running within budget', run: run({}), reason: undefined },
    {
      name: 'running past budget',
      run: run({ queuedAt: '2026-12-04T10:10:00Z', startDate: '2026-12-04T10:10:10Z' }),
      reason: 'running-too-long',
      elapsed: 1190,
    },
    {
      name: 'started late',
      run: run({ queuedAt: '2026-12-04T10:10:00Z', startDate: '2026-12-04T10:25:00Z' }),
      reason: 'end-to-end-exceeded',
      elapsed: 1200,
    },
    {
      name: 'queued past budget',
      run: run({ state: 'queued', queuedAt: '2026-12-04T10:14:00Z', startDate: null }),
      reason: 'queued-too-long',
      elapsed: 960,
    },
    { name: 'queued within budget', run: run({ state: 'queued', startDate: null }), reason: undefined },
    {
      name: 'backfill past budget',
      run: run({ runType: 'backfill', queuedAt: '2026-12-04T09:00:00Z', startDate: '2026-12-04T09:00:00Z' }),
      reason: undefined,
    },
    {
      name: 'finished run',
      run: run({ state: 'failed', queuedAt: '2026-12-04T09:00:00Z', endDate: '2026-12-04T09:30:00Z' }),
      reason: undefined,
    },
    { name: 'no timestamps', run: run({ state: 'queued', queuedAt: null, startDate: null }), reason: undefined },
  ];

  for (const testCase of cases) {
    it(testCase.name, () => {
      const judged = judgeOverdue(testCase.run, budget, NOW);

      assert.equal(judged?.reason, testCase.reason);
      if (testCase.elapsed !== undefined) assert.equal(judged?.elapsedSeconds, testCase.elapsed);
      if (judged) assert.equal(judged.budgetSeconds, budget);
    });
  }
});
