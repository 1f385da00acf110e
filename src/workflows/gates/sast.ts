import { isCancellation } from '@temporalio/workflow';
import type { GateVerdict } from '../../gates/contracts';
import { sonarQubeAnalysis, sonarQubeResults } from './scanner-activities';
import { describeGateFailure } from './failure-summary';
import { sastVerdict } from './sast-verdict';
import type { SastGateInput } from './gate-inputs';
import { errorVerdict } from './verdict-helpers';

const DEFAULT_ANALYSIS_TIMEOUT_MS = 30 * 60_000;
const DEFAULT_MAX_ATTEMPTS = 5;

/**
 * SAST gate of the testing matrix: waits for SonarQube to process the analysis the scanner uploaded for the
 * commit, then reads its quality gate and the new critical issues. Blocks on any new critical issue and, by
 * default, on a failed quality gate. A SonarQube fault or timeout gives an `error` verdict instead of failing
 * the workflow, so the pipeline can report it like any other verdict.
 */
export async function sastGate(input: SastGateInput): Promise<GateVerdict> {
  const startedAt = Date.now();
  if (!input.projectKey) return errorVerdict('sast', 'no SonarQube projectKey given for the SAST gate', startedAt);
  const maxAttempts = input.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  let step = 'waiting for the SonarQube analysis';
  try {
    const analysis = await sonarQubeAnalysis(
      input.analysisTimeoutMs ?? DEFAULT_ANALYSIS_TIMEOUT_MS,
      maxAttempts,
    ).waitForSonarQubeAnalysis({
      repositoryPath: input.target.repositoryPath,
      projectKey: input.projectKey,
      ceTaskId: input.ceTaskId,
      reportTaskFile: input.reportTaskFile,
    });

    step = 'reading the SonarQube results';
    const results = sonarQubeResults(maxAttempts);
    const [qualityGate, issues] = await Promise.all([
      results.readSonarQubeQualityGate({ analysisId: analysis.analysisId }),
      results.findNewCriticalSonarQubeIssues({
        projectKey: input.projectKey,
        branch: input.branch ?? analysis.branch,
        pullRequest: input.pullRequest ?? analysis.pullRequest,
      }),
    ]);
    return sastVerdict({
      projectKey: input.projectKey,
      qualityGate,
      issues,
      blockOnQualityGate: input.blockOnQualityGate ?? true,
      durationMs: Date.now() - startedAt,
    });
  } catch (error) {
    if (isCancellation(error)) throw error;
    return errorVerdict('sast', `${step} failed: ${describeGateFailure(error)}`, startedAt);
  }
}
