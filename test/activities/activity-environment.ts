import type { Info } from '@temporalio/activity';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';

/**
 * Creates an activity context for calling activities directly, with the given info (such as heartbeatDetails
 * from an earlier attempt) and a logger that prints errors only, unless TEST_LOG_LEVEL=INFO.
 */
export function activityEnvironment(info: Partial<Info> = {}): MockActivityEnvironment {
  const level = (process.env.TEST_LOG_LEVEL as 'INFO' | undefined) ?? 'ERROR';
  return new MockActivityEnvironment(info, { logger: new DefaultLogger(level) });
}

/** Runs `body` in a fresh activity context and returns its result. */
export function runActivity<R>(body: () => Promise<R>, info: Partial<Info> = {}): Promise<R> {
  return activityEnvironment(info).run(body) as Promise<R>;
}
