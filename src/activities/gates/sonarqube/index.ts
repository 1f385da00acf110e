import { getSonarQubeText } from './client';
import { waitForAnalysis } from './analysis-task';
import { findNewCriticalIssues } from './new-issues';
import { readQualityGate } from './quality-gate';
import { connectionFor, type SonarQubeGateOptions } from './settings';
import { severityModelForVersion } from './severity-model';
import type { SonarQubeGateActivities, SonarQubeSeverityModel } from './types';

export type { SonarQubeGateOptions } from './settings';
export type * from './types';

/**
 * Creates the activities of the SAST gate, bound to one SonarQube server: wait for an analysis, read its
 * quality gate and find the new critical issues.
 */
export function createSonarQubeGateActivities(options: SonarQubeGateOptions): SonarQubeGateActivities {
  // The server version is read once per worker. A failed read is not kept, so the next call reads it again.
  let detectedModel: SonarQubeSeverityModel | undefined;

  async function severityModel(): Promise<SonarQubeSeverityModel> {
    if (options.severityModel && options.severityModel !== 'auto') return options.severityModel;
    if (detectedModel) return detectedModel;
    const version = await getSonarQubeText(connectionFor(options), 'api/server/version', {}, 'read the server version');
    detectedModel = severityModelForVersion(version);
    return detectedModel;
  }

  return {
    async waitForSonarQubeAnalysis(request) {
      return waitForAnalysis(connectionFor(options), request, options.pollIntervalMs ?? 5_000);
    },
    async readSonarQubeQualityGate({ analysisId }) {
      return readQualityGate(connectionFor(options), analysisId);
    },
    async findNewCriticalSonarQubeIssues(request) {
      return findNewCriticalIssues(connectionFor(options), await severityModel(), request);
    },
  };
}
