// Shapes shared by every gate workflow of the testing matrix, the pipeline workflow and the triggers. Types only,
// so workflow code can import this file.

/** Gates of the testing matrix, one workflow each. */
export type GateName = 'unit-tests' | 'adversarial-fuzzing' | 'api-contract' | 'sast' | 'dast';

/** What starts a pipeline: a pull request, a push (commit), or a schedule. */
export type GateTrigger = 'pull_request' | 'push' | 'nightly' | 'weekly' | 'manual';

export type Severity = 'info' | 'low' | 'medium' | 'high' | 'critical';

/** One problem a gate found, such as an uncovered new line, a schema violation or a ZAP alert. */
export interface Finding {
  gate: GateName;
  severity: Severity;
  /** Short title, such as `New line not covered` or `Response violates schema`. */
  title: string;
  /** File and line, endpoint, URL or case id the finding is about. */
  location?: string;
  /** Details a reviewer needs, such as the tool's message; never secrets. */
  detail?: string;
  /** Tool-specific id, such as a SonarQube issue key or a ZAP plugin id. */
  ruleId?: string;
}

/**
 * `pass`: the gate condition holds. `block`: it does not, and the change must not merge. `error`: the tool could
 * not give an answer (crash, timeout, missing tool), which also blocks.
 */
export type GateStatus = 'pass' | 'block' | 'error';

export interface GateVerdict {
  gate: GateName;
  status: GateStatus;
  /** One sentence, such as `2 new lines not covered (98.5% of new lines covered)`. */
  summary: string;
  findings: Finding[];
  /** Wall time of the gate in milliseconds. */
  durationMs: number;
}

/** The repository state a gate checks. */
export interface GateTarget {
  /** Local path of the checked-out repository. */
  repositoryPath: string;
  /** `owner/name` on GitHub, for commit statuses; absent for local runs. */
  repository?: string;
  /** Commit under test. */
  headSha: string;
  /** Base commit of a pull request, for new-code coverage; absent for pushes and schedules. */
  baseSha?: string;
  /** Base URL of the deployed target for fuzzing, contract tests and DAST, such as http://127.0.0.1:8080. */
  baseUrl?: string;
}

export interface PipelineInput {
  trigger: GateTrigger;
  target: GateTarget;
  /** Gates to run; defaults to the gates of the trigger. */
  gates?: GateName[];
}

export interface PipelineVerdict {
  status: GateStatus;
  verdicts: GateVerdict[];
}
