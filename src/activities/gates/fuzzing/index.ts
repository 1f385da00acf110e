import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { connect } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import type { GateOutcome } from '../gate-outcome';
import { ToolFailureType } from '../tool-failure-types';
import { buildCase } from './case-catalogue';
import { fuzzingOutcome } from './fuzzing-outcome';
import { emptyProgress, progressFromHeartbeat, recordCase } from './progress';
import { checkProperties } from './property-checks';
import { sendCase } from './send-case';
import { parseFuzzingSettings, type FuzzingSettings } from './settings';
import type { FuzzingRunRequest, FuzzProgress } from './types';

export type { FuzzingGateInput, FuzzingRunRequest } from './types';

export interface FuzzingGateActivityOptions {
  /** Environment holding the canary that `canaryEnv` names. */
  env?: NodeJS.ProcessEnv;
  /** Time a run waits for the target to accept connections before it fails. Defaults to 10000 ms. */
  connectWaitMs?: number;
}

export interface FuzzingGateActivities {
  runFuzzingCases(request: FuzzingRunRequest): Promise<GateOutcome>;
}

const CONNECT_TIMEOUT_MS = 2000;
const CONNECT_RETRY_PAUSE_MS = 500;

function tryConnect(host: string, port: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const socket = connect({ host, port, timeout: CONNECT_TIMEOUT_MS });
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
    socket.once('timeout', () => {
      socket.destroy();
      reject(new Error(`no TCP connection within ${CONNECT_TIMEOUT_MS} ms`));
    });
    socket.once('error', reject);
  });
}

/**
 * Waits up to `waitMs` for the target to accept a TCP connection. A target still down after that fails the gate
 * with a non-retryable TargetUnreachable: every case would fail the same way, and the findings would blame the
 * target's robustness for what is a deployment problem.
 */
async function waitForTarget(baseUrl: string, waitMs: number, signal: AbortSignal): Promise<void> {
  const url = new URL(baseUrl);
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      return await tryConnect(url.hostname, port);
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      if (Date.now() + CONNECT_RETRY_PAUSE_MS > deadline) {
        const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
        throw ApplicationFailure.nonRetryable(
          `fuzzing target ${url.origin} did not accept connections within ${waitMs} ms: ${reason}`,
          ToolFailureType.TargetUnreachable,
        );
      }
      await delay(CONNECT_RETRY_PAUSE_MS);
    }
  }
}

async function runCases(settings: FuzzingSettings, start: FuzzProgress) {
  const context = Context.current();
  let progress = start;
  let stoppedAtDeadline = false;
  for (let index = progress.nextCaseIndex; index < settings.maxCases; index++) {
    if (Date.now() >= settings.deadline) {
      stoppedAtDeadline = true;
      break;
    }
    const fuzzCase = buildCase(settings, index);
    const observation = await sendCase(
      settings.baseUrl,
      fuzzCase,
      settings.requestTimeoutMs,
      context.cancellationSignal,
    );
    const findings = checkProperties(fuzzCase, observation, settings);
    progress = recordCase(progress, index, findings);
    context.heartbeat(progress);
  }
  return { progress, stoppedAtDeadline };
}

/**
 * Creates the adversarial fuzzing gate's activity. It sends up to `maxCases` seeded cases to the target's GenAI
 * and CV endpoints, one at a time, and heartbeats its progress after every case. A retry, such as after a
 * worker restart, reads the last heartbeat and continues with the next case, keeping the findings so far.
 */
export function createFuzzingGateActivities(options: FuzzingGateActivityOptions = {}): FuzzingGateActivities {
  const env = options.env ?? process.env;
  return {
    async runFuzzingCases(request: FuzzingRunRequest): Promise<GateOutcome> {
      const context = Context.current();
      const settings = parseFuzzingSettings(request, env);
      const resumed = progressFromHeartbeat(context.info.heartbeatDetails);
      const start = resumed ?? emptyProgress();
      context.log.info('Fuzzing target', {
        baseUrl: settings.baseUrl,
        seed: settings.seed,
        maxCases: settings.maxCases,
        firstCase: start.nextCaseIndex,
      });
      await waitForTarget(settings.baseUrl, options.connectWaitMs ?? 10_000, context.cancellationSignal);
      const { progress, stoppedAtDeadline } = await runCases(settings, start);
      return fuzzingOutcome({
        progress,
        maxCases: settings.maxCases,
        seed: settings.seed,
        stoppedAtDeadline,
        canaryChecked: settings.canary !== undefined,
      });
    },
  };
}
