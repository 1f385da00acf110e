import { isDeepStrictEqual } from 'node:util';
import {
  ScheduleAlreadyRunning,
  type Client,
  type ScheduleDescription,
  type ScheduleOptions,
} from '@temporalio/client';
// The SDK's own conversion between a ScheduleSpec and the form describe() returns (SDK 1.24.0). Comparing in
// that form distinguishes a changed spec from the defaults the server fills in, such as second 0.
import { decodeScheduleSpec, encodeScheduleSpec } from '@temporalio/client/lib/schedule-helpers';
import { repositorySlug } from '../workflows/gates/pipeline-ids';
import type { GateConfig, RepositoryConfig } from './gate-config';
import { pipelineInputFor } from './pipeline-input';

/** Prefix of the schedule ids this module manages; listing filters on it. */
export const SCHEDULE_ID_PREFIX = 'gates-';

const SCHEDULED_GATE_NAMES = { nightly: 'adversarial fuzzing', weekly: 'DAST' } as const;

function scheduleFor(
  config: GateConfig,
  repository: RepositoryConfig,
  trigger: 'nightly' | 'weekly',
  taskQueue: string,
): ScheduleOptions {
  const { schedules } = config;
  const slug = repositorySlug({
    repository: repository.repository,
    repositoryPath: repository.checkoutPath,
    headSha: '',
  });
  const calendar =
    trigger === 'nightly'
      ? { hour: schedules.nightly.hour, minute: schedules.nightly.minute }
      : { dayOfWeek: schedules.weekly.dayOfWeek, hour: schedules.weekly.hour, minute: schedules.weekly.minute };
  // Scheduled runs check the default branch as it is, so the head is a branch name rather than one commit.
  const input = pipelineInputFor(repository, { trigger, headSha: repository.defaultBranch });
  const summary = `${trigger} ${SCHEDULED_GATE_NAMES[trigger]} of ${repository.repository}`;
  return {
    scheduleId: `${SCHEDULE_ID_PREFIX}${trigger}-${slug}`,
    spec: { calendars: [{ ...calendar, comment: summary }], timezone: schedules.timezone },
    action: {
      type: 'startWorkflow',
      workflowType: 'gatePipeline',
      // The server appends the scheduled time to this id, so every run has its own.
      workflowId: `pipeline-${trigger}-${slug}`,
      taskQueue,
      args: [input],
      staticSummary: summary,
    },
    // SKIP drops a scheduled time while the previous run is still going, so two runs never overlap.
    policies: { overlap: 'SKIP', catchupWindow: schedules.catchupWindowMs, pauseOnFailure: false },
    memo: { repository: repository.repository, trigger },
    state: { note: `Created from the gates configuration; change ${trigger} times there, not here` },
  };
}

/** Lists the nightly fuzzing and weekly DAST schedules of every configured repository. */
export function gateSchedules(config: GateConfig, taskQueue: string): ScheduleOptions[] {
  return config.repositories.flatMap((repository) => [
    scheduleFor(config, repository, 'nightly', taskQueue),
    scheduleFor(config, repository, 'weekly', taskQueue),
  ]);
}

/** True when the described schedule has the spec, policies and action of `desired`. */
export function matchesSchedule(current: ScheduleDescription, desired: ScheduleOptions): boolean {
  const action = current.action;
  const desiredAction = desired.action;
  return (
    isDeepStrictEqual(current.spec, decodeScheduleSpec(encodeScheduleSpec(desired.spec))) &&
    current.policies.overlap === desired.policies?.overlap &&
    current.policies.catchupWindow === desired.policies?.catchupWindow &&
    action.type === 'startWorkflow' &&
    desiredAction.type === 'startWorkflow' &&
    action.workflowType === desiredAction.workflowType &&
    action.workflowId === desiredAction.workflowId &&
    action.taskQueue === desiredAction.taskQueue &&
    action.staticSummary === desiredAction.staticSummary &&
    // Arguments come back through JSON, which drops undefined fields.
    isDeepStrictEqual(action.args, JSON.parse(JSON.stringify(desiredAction.args ?? [])))
  );
}

export type ScheduleChange = 'created' | 'updated' | 'unchanged';

/**
 * Creates a schedule, or brings an existing one with the same id to the desired spec, policies and action.
 * Running it again with the same definition changes nothing.
 */
export async function ensureSchedule(client: Client, desired: ScheduleOptions): Promise<ScheduleChange> {
  try {
    await client.schedule.create(desired);
    return 'created';
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
  }
  const handle = client.schedule.getHandle(desired.scheduleId);
  if (matchesSchedule(await handle.describe(), desired)) return 'unchanged';
  await handle.update((current) => ({
    ...current,
    spec: desired.spec,
    action: desired.action,
    policies: desired.policies,
  }));
  return 'updated';
}

/**
 * Describes the schedules this module manages, in id order. The server lists schedules through its visibility
 * store, which can lag a create by a moment, so ids in `known`, such as those just created, are always included.
 */
export async function listGateSchedules(client: Client, known: string[] = []): Promise<ScheduleDescription[]> {
  const ids = new Set(known);
  for await (const summary of client.schedule.list()) {
    if (summary.scheduleId.startsWith(SCHEDULE_ID_PREFIX)) ids.add(summary.scheduleId);
  }
  return Promise.all([...ids].sort().map((scheduleId) => client.schedule.getHandle(scheduleId).describe()));
}
