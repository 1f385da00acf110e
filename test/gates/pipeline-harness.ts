import { randomBytes, randomUUID } from 'node:crypto';
import { createGitHubStatusActivities } from '../../src/activities/gates/github';
import { createSonarQubeGateActivities, type SonarQubeGateActivities } from '../../src/activities/gates/sonarqube';
import { createZapGateActivities, type ZapGateActivities } from '../../src/activities/gates/zap';
import type { GateName, GateTarget } from '../../src/gates/contracts';
import type { GatePipelineInput } from '../../src/workflows/gates/pipeline-types';
import { forwardingActivities, startScannerWorker, type ScannerWorker } from './scanner-worker';
import { GitHubStandIn } from './stand-ins/github';
import { SonarQubeStandIn, type SonarQubeStandInOptions } from './stand-ins/sonarqube';
import { ZapStandIn, type ZapStandInOptions } from './stand-ins/zap';
import type { StubOutcome } from './stub-gates';

export const GITHUB_TOKEN = 'ghp_pipelinetest0123456789abcdefghijklmn';
const SONAR_TOKEN = 'squ_pipelinetest0123456789abcdef01234567';
const ZAP_API_KEY = 'zap-pipeline-test-0123456789';

/** Returns a random 40-character commit SHA, so each test owns its pipeline and gate workflow ids. */
export function randomSha(): string {
  return randomBytes(20).toString('hex');
}

/**
 * A worker of the pipeline tests on its own task queue: the real pipeline, SAST and DAST gates against
 * loopback stand-ins of SonarQube, ZAP and GitHub, and stub tool gates whose outcome each test scripts.
 */
export class PipelineHarness {
  private readonly outcomes = new Map<string, StubOutcome>();
  private readonly extraStandIns: { close(): Promise<void> }[] = [];
  private sonarQubeActivities!: SonarQubeGateActivities;
  private zapActivities!: ZapGateActivities;
  sonarQube!: SonarQubeStandIn;
  zap!: ZapStandIn;

  private constructor(
    readonly github: GitHubStandIn,
    private worker?: ScannerWorker,
  ) {}

  static async start(gitHubFailure?: 'http500'): Promise<PipelineHarness> {
    const github = await GitHubStandIn.start({ token: GITHUB_TOKEN, failure: gitHubFailure });
    const harness = new PipelineHarness(github);
    await harness.reset();
    const gitHubActivities = createGitHubStatusActivities({
      apiUrl: github.baseUrl,
      tokenEnv: 'GITHUB_TOKEN',
      env: { GITHUB_TOKEN },
    });
    const sampleSonarQube = createSonarQubeGateActivities({ baseUrl: 'http://127.0.0.1:9', tokenEnv: 'X', env: {} });
    const sampleZap = createZapGateActivities({ baseUrl: 'http://127.0.0.1:9', apiKeyEnv: 'X', env: {} });
    harness.worker = await startScannerWorker(
      `pipeline-${randomUUID()}`,
      require.resolve('./pipeline-test-workflows'),
      {
        ...gitHubActivities,
        ...forwardingActivities(sampleSonarQube, () => harness.sonarQubeActivities),
        ...forwardingActivities(sampleZap, () => harness.zapActivities),
        scriptedGateOutcome: async (gate: GateName, headSha: string) =>
          harness.outcomes.get(`${gate}@${headSha}`) ?? 'pass',
      },
    );
    return harness;
  }

  get taskQueue(): string {
    return this.worker!.taskQueue;
  }

  /** Scripts what the stub of `gate` does for commit `headSha`; unscripted stubs pass. */
  script(gate: GateName, headSha: string, outcome: StubOutcome): void {
    this.outcomes.set(`${gate}@${headSha}`, outcome);
  }

  /** Points the gates at clean stand-ins again: no critical issues, no Medium or High alerts. */
  async reset(): Promise<void> {
    await this.useSonarQube({ issues: 'issues-clean.json' });
    await this.useZap({ alerts: 'alerts-clean.json' });
  }

  /** Points the SAST gate at a new SonarQube stand-in with these options. */
  async useSonarQube(options: Partial<SonarQubeStandInOptions>): Promise<SonarQubeStandIn> {
    this.sonarQube = await SonarQubeStandIn.start({
      release: '10.8',
      token: SONAR_TOKEN,
      authScheme: 'bearer',
      ...options,
    });
    this.extraStandIns.push(this.sonarQube);
    this.sonarQubeActivities = createSonarQubeGateActivities({
      baseUrl: this.sonarQube.baseUrl,
      tokenEnv: 'SONAR_TOKEN',
      env: { SONAR_TOKEN },
      pollIntervalMs: 50,
    });
    return this.sonarQube;
  }

  /** Points the DAST gate at a new ZAP stand-in with these options. */
  async useZap(options: Partial<ZapStandInOptions>): Promise<ZapStandIn> {
    this.zap = await ZapStandIn.start({ apiKey: ZAP_API_KEY, ...options });
    this.extraStandIns.push(this.zap);
    this.zapActivities = createZapGateActivities({
      baseUrl: this.zap.baseUrl,
      apiKeyEnv: 'ZAP_API_KEY',
      env: { ZAP_API_KEY },
      pollIntervalMs: 50,
    });
    return this.zap;
  }

  /** A pipeline input for the stand-ins: repository octocat/Hello-World, commit statuses on. */
  input(
    trigger: GatePipelineInput['trigger'],
    headSha: string,
    extra: Partial<GatePipelineInput> = {},
  ): GatePipelineInput {
    const target: GateTarget = {
      repositoryPath: '/srv/checkouts/octocat/Hello-World',
      repository: 'octocat/Hello-World',
      headSha,
      baseUrl: 'http://127.0.0.1:18090',
    };
    return {
      trigger,
      target,
      gateOptions: {
        sast: { projectKey: 'acme_shop', ceTaskId: this.sonarQube.task.id, maxAttempts: 2 },
        dast: { maxAttempts: 2 },
      },
      commitStatus: { webUiBaseUrl: 'http://127.0.0.1:8233' },
      ...extra,
    };
  }

  async stop(): Promise<void> {
    await this.worker?.stop();
    await Promise.all([this.github.close(), ...this.extraStandIns.map((standIn) => standIn.close())]);
  }
}
