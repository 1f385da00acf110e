import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { DefaultLogger, Worker, bundleWorkflowCode, type WorkflowBundle, type WorkerOptions } from '@temporalio/worker';
import type { GateVerdict } from '../../src/gates/contracts';
import { sharedTemporal } from '../support/temporal';

let bundle: Promise<WorkflowBundle> | undefined;

/** Bundles gate-workflows.ts once per test process; bundling takes seconds and every gate test worker needs it. */
function gateWorkflowBundle(): Promise<WorkflowBundle> {
  bundle ??= bundleWorkflowCode({ workflowsPath: require.resolve('./gate-workflows'), logger: quietLogger });
  return bundle;
}

const quietLogger = new DefaultLogger('WARN');

/** A worker of the gate tests on a task queue of its own, running until `stop`. */
export class GateTestWorker {
  private constructor(
    readonly worker: Worker,
    readonly taskQueue: string,
    private readonly running: Promise<void>,
  ) {}

  static async start(activities: object, options: Partial<WorkerOptions> = {}, taskQueue?: string) {
    const { nativeConnection } = await sharedTemporal();
    const queue = taskQueue ?? `gate-tests-${randomUUID()}`;
    const worker = await Worker.create({
      connection: nativeConnection,
      taskQueue: queue,
      workflowBundle: await gateWorkflowBundle(),
      activities,
      ...options,
    });
    return new GateTestWorker(worker, queue, worker.run());
  }

  async stop(): Promise<void> {
    if (this.worker.getState() === 'RUNNING') this.worker.shutdown();
    await this.running;
  }

  /** Runs a gate workflow to completion on this worker's task queue. */
  async execute(workflowType: string, input: unknown): Promise<GateVerdict> {
    const { client } = await sharedTemporal();
    return client.workflow.execute(workflowType, {
      taskQueue: this.taskQueue,
      workflowId: `${workflowType}-${randomUUID()}`,
      args: [input],
    });
  }
}

/** Installs the Python tools into the tools cache when missing; prints nothing when they are there. */
export function installPythonTools(): void {
  execFileSync('bash', [join(__dirname, '../../scripts/install-python-tools.sh')], { stdio: 'inherit' });
}
