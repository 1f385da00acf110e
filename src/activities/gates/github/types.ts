// Request and result of the commit status activity. Types only, so the pipeline workflow can import them.

/** States GitHub accepts for a commit status. */
export type CommitState = 'success' | 'failure' | 'error' | 'pending';

export interface CommitStatusRequest {
  /** `owner/name` of the repository. */
  repository: string;
  /** Full 40-character commit SHA. */
  sha: string;
  state: CommitState;
  /** Label that distinguishes this status from the others on the commit, such as `slo-autopilot/sast`. */
  context: string;
  /** Shortened to GitHub's maximum of 140 characters. */
  description: string;
  /** Link shown next to the status, such as the gate's run in the Temporal Web UI. */
  targetUrl?: string;
}

export interface CommitStatusResult {
  /** Id GitHub gave the status. */
  id: number;
  state: CommitState;
  context: string;
}

export interface GitHubStatusActivities {
  reportCommitStatus(request: CommitStatusRequest): Promise<CommitStatusResult>;
}
