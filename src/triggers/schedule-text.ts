import type { CalendarSpecDescription, ScheduleDescription } from '@temporalio/client';

function two(value: number): string {
  return String(value).padStart(2, '0');
}

/** Describes a calendar as `daily 02:00` or `SUNDAY 03:00`; specs this module did not write print as JSON. */
function describeCalendar(calendar: CalendarSpecDescription): string {
  const hour = calendar.hour[0]?.start;
  const minute = calendar.minute[0]?.start;
  if (calendar.hour.length !== 1 || calendar.minute.length !== 1 || hour === undefined || minute === undefined) {
    return JSON.stringify(calendar);
  }
  const everyDay =
    calendar.dayOfWeek.length === 1 &&
    calendar.dayOfWeek[0]!.start === 'SUNDAY' &&
    calendar.dayOfWeek[0]!.end === 'SATURDAY';
  const days = calendar.dayOfWeek.map((range) =>
    range.start === range.end ? range.start : `${range.start}-${range.end}`,
  );
  return `${everyDay || days.length === 0 ? 'daily' : days.join(',')} ${two(hour)}:${two(minute)}`;
}

/** Describes a schedule in one line: id, times and time zone, overlap policy and next run. */
export function describeSchedule(schedule: ScheduleDescription): string {
  const times = (schedule.spec.calendars ?? []).map(describeCalendar).join('; ');
  const next = schedule.info.nextActionTimes[0]?.toISOString() ?? 'none';
  const paused = schedule.state.paused ? ' (paused)' : '';
  return (
    `${schedule.scheduleId}${paused}: ${times} ${schedule.spec.timezone ?? 'UTC'}, ` +
    `overlap ${schedule.policies.overlap}, next run ${next}`
  );
}
