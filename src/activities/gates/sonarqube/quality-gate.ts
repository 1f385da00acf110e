import { getSonarQubeJson, type SonarQubeConnection } from './client';
import { projectStatusResponseSchema } from './schemas';
import type { QualityGateResult } from './types';

/** Reads the quality gate status of one analysis with `GET /api/qualitygates/project_status?analysisId=`. */
export async function readQualityGate(connection: SonarQubeConnection, analysisId: string): Promise<QualityGateResult> {
  const response = await getSonarQubeJson(
    connection,
    'api/qualitygates/project_status',
    { analysisId },
    projectStatusResponseSchema,
    `read the quality gate of analysis ${analysisId}`,
  );
  const { status, conditions } = response.projectStatus;
  return {
    status,
    failedConditions: conditions
      .filter((condition) => condition.status === 'ERROR')
      .map(({ metricKey, comparator, errorThreshold, actualValue }) => ({
        metricKey,
        comparator,
        errorThreshold,
        actualValue,
      })),
  };
}
