import { createApiContractGateActivities, type ApiContractGateActivityOptions } from './api-contract';
import { createFuzzingGateActivities, type FuzzingGateActivityOptions } from './fuzzing';
import type { ScannerActivityOptions } from './gate-settings';
import { createGitHubStatusActivities } from './github';
import { createSonarQubeGateActivities } from './sonarqube';
import { createUnitTestGateActivities, type UnitTestGateActivityOptions } from './unit-tests';
import { createZapGateActivities } from './zap';

export { scannerOptionsFromEnv, type ScannerActivityOptions } from './gate-settings';

export interface GateActivityOptions extends ScannerActivityOptions {
  /**
   * Environment of the worker. It contains the secrets that the `tokenEnv` and `apiKeyEnv` settings name, and
   * the tool gates pass parts of it to the tools they run.
   */
  env: NodeJS.ProcessEnv;
  unitTests?: Omit<UnitTestGateActivityOptions, 'env'>;
  apiContract?: Omit<ApiContractGateActivityOptions, 'env'>;
  fuzzing?: Omit<FuzzingGateActivityOptions, 'env'>;
}

/**
 * Creates every activity of the CI gates and the pipeline. The scanner and GitHub activities are left out
 * when their settings are absent, so a worker without SonarQube still runs the other gates. The SAST gate then
 * ends with an `error` verdict that names the missing activity.
 */
export function createGateActivities(options: GateActivityOptions) {
  const { env } = options;
  return {
    ...createUnitTestGateActivities({ ...options.unitTests, env }),
    ...createApiContractGateActivities({ ...options.apiContract, env }),
    ...createFuzzingGateActivities({ ...options.fuzzing, env }),
    ...(options.sonarQube ? createSonarQubeGateActivities({ ...options.sonarQube, env }) : {}),
    ...(options.zap ? createZapGateActivities({ ...options.zap, env }) : {}),
    ...(options.gitHub ? createGitHubStatusActivities({ ...options.gitHub, env }) : {}),
  };
}
