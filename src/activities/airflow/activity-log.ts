import { Context } from '@temporalio/activity';
import type { Logger } from '@temporalio/common';

/** Returns the current activity's logger, or undefined outside an activity, as when a test calls the code directly. */
export function activityLogger(): Logger | undefined {
  try {
    return Context.current().log;
  } catch {
    return undefined;
  }
}
