import type { GateName, GateTrigger } from '../gates/contracts';
import type { CommitStatusOptions, GatePipelineInput } from '../workflows/gates/pipeline-types';
import type { RepositoryConfig } from './gate-config';

/** The commit a pipeline checks and where it came from. */
export interface PipelineEvent {
  trigger: GateTrigger;
  headSha: string;
  baseSha?: string;
  /** Pull request number, for the SAST gate's issue search. */
  pullRequest?: number;
  /** Branch of a push, for the SAST gate's issue search; absent for the default branch. */
  branch?: string;
  /** Gates to run; the trigger's gates when absent. */
  gates?: GateName[];
}

/** Builds a pipeline input from a configured repository and an event. */
export function pipelineInputFor(
  repository: RepositoryConfig,
  event: PipelineEvent,
  commitStatus?: CommitStatusOptions,
): GatePipelineInput {
  const sast = repository.gates.sast
    ? {
        ...repository.gates.sast,
        ...(event.pullRequest !== undefined ? { pullRequest: String(event.pullRequest) } : {}),
        ...(event.branch !== undefined ? { branch: event.branch } : {}),
      }
    : undefined;
  return {
    trigger: event.trigger,
    target: {
      repositoryPath: repository.checkoutPath,
      repository: repository.repository,
      headSha: event.headSha,
      baseSha: event.baseSha,
      baseUrl: repository.stagingUrl,
    },
    gates: event.gates,
    gateOptions: { ...repository.gates, sast },
    commitStatus,
  };
}
