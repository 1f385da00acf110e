import { bundleWorkflowCode, Worker, type WorkflowBundle } from '@temporalio/worker';
import { sharedTemporal } from '../support/temporal';

export interface ScannerWorker {
  taskQueue: string;
  stop(): Promise<void>;
}

const bundles = new Map<string, Promise<WorkflowBundle>>();

/** Bundles a workflows file once per test process, because each bundle took about two seconds on a 2-core machine. */
function bundleFor(workflowsPath: string): Promise<WorkflowBundle> {
  let bundle = bundles.get(workflowsPath);
  if (!bundle) {
    bundle = bundleWorkflowCode({
      workflowsPath,
      logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} },
    });
    bundles.set(workflowsPath, bundle);
  }
  return bundle;
}

/**
 * Starts a worker on the shared Temporal server for one test file: its own task queue, the given workflows
 * file and activities. Heartbeats go out at most every 200 ms, so that a cancelled or timed-out activity
 * learns of it within a test's patience instead of after the default 30 seconds.
 */
export async function startScannerWorker(
  taskQueue: string,
  workflowsPath: string,
  activities: object,
): Promise<ScannerWorker> {
  const { nativeConnection } = await sharedTemporal();
  const worker = await Worker.create({
    connection: nativeConnection,
    taskQueue,
    workflowBundle: await bundleFor(workflowsPath),
    activities,
    maxHeartbeatThrottleInterval: '200ms',
    defaultHeartbeatThrottleInterval: '200ms',
  });
  const running = worker.run();
  return {
    taskQueue,
    async stop() {
      worker.shutdown();
      await running;
    },
  };
}

/**
 * Returns an object with the methods of `sample` that forward each call to `current()`, so one worker can
 * serve tests that each point the activities at a stand-in of their own.
 */
export function forwardingActivities<T extends object>(sample: T, current: () => T): T {
  const forwarding: Record<string, unknown> = {};
  for (const name of Object.keys(sample)) {
    forwarding[name] = (...args: unknown[]) =>
      (current() as Record<string, (...args: unknown[]) => unknown>)[name]!(...args);
  }
  return forwarding as T;
}
