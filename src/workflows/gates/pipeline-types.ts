import type { GateName, GateStatus, GateVerdict, PipelineInput } from '../../gates/contracts';

/** Task queue of the CI gate workers: the gate workflows, the pipeline and their activities. */
export const GATE_TASK_QUEUE = 'ci-gates';

/** Options of the commit statuses the pipeline sets on GitHub for each gate. */
export interface CommitStatusOptions {
  /** Base URL of the Temporal Web UI, for the status links, such as http://127.0.0.1:8233. */
  webUiBaseUrl: string;
}

export interface GatePipelineInput extends PipelineInput {
  /** Input per gate besides the target, such as `{ sast: { projectKey: 'acme_shop' } }`. */
  gateOptions?: Partial<Record<GateName, Record<string, unknown>>>;
  /**
   * Verdicts of an earlier run of the same pipeline. Passing verdicts of gates in `gates` are kept as they are
   * and those gates do not run again; every other gate runs.
   */
  reuse?: GateVerdict[];
  /** Set a GitHub commit status per gate; needs `target.repository` and a full commit SHA. Off when absent. */
  commitStatus?: CommitStatusOptions;
  /** Maximum run time per gate in milliseconds, overriding the defaults of GATE_TIMEOUTS_MS. */
  gateTimeoutsMs?: Partial<Record<GateName, number>>;
}

/** State of one gate of a pipeline run. */
export interface GateRunStatus {
  gate: GateName;
  state: 'waiting' | 'running' | 'done' | 'reused';
  workflowId?: string;
  runId?: string;
  verdict?: GateVerdict;
}

/** Result of the pipeline's status query: its input, so that a re-run can repeat it, and each gate's state. */
export interface PipelineStatus {
  input: GatePipelineInput;
  gates: GateRunStatus[];
  /** Overall status once every gate has a verdict. */
  status?: GateStatus;
}
