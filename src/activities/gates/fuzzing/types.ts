import type { Finding, GateTarget, Severity } from '../../../gates/contracts';

/**
 * Input of the `fuzzingGate` workflow. The target serves, under `target.baseUrl`:
 * - a GenAI endpoint: POST `{"prompt": string}` as application/json, responding with 2xx and `{"answer": string}`;
 * - a CV endpoint: POST the image bytes as image/png or image/jpeg, responding with 2xx and
 *   `{"labels": [{"label": string, "score": number from 0 to 1}]}`.
 * Both may respond with 4xx to input they reject. Responses may have further fields.
 */
export interface FuzzingGateInput {
  target: GateTarget;
  /** Path of the GenAI endpoint; null skips the GenAI cases. Defaults to `/v1/generate`. */
  genaiPath?: string | null;
  /** Path of the CV endpoint; null skips the CV cases. Defaults to `/v1/classify`. */
  cvPath?: string | null;
  /** Seed of the cases; defaults to a number taken from `target.headSha`. */
  seed?: number;
  /** Cases per run. Defaults to 200. */
  maxCases?: number;
  /** Wall time per run in milliseconds, across retries; cases not started by then are skipped. Defaults to 600000. */
  maxDurationMs?: number;
  /** Latency objective of one request in milliseconds. Defaults to 2000. */
  latencySloMs?: number;
  /** Wait for a response in milliseconds, at most 20000; a request still waiting then fails. Defaults to 10000. */
  requestTimeoutMs?: number;
  /**
   * Environment variable of the worker holding the canary: a random string the target's operators planted in its
   * system prompt or context. Any response containing it is a critical leak. Without it the leak check is skipped.
   */
  canaryEnv?: string;
  /** Body size of the oversized GenAI cases in bytes. Defaults to 2 MiB. */
  oversizedBodyBytes?: number;
}

/** Request of the fuzzing activity: the gate input plus a deadline the workflow fixes once, so retries keep it. */
export interface FuzzingRunRequest extends FuzzingGateInput {
  /** Epoch milliseconds after which no new case starts. */
  deadline: number;
}

export type FuzzSuite = 'genai' | 'cv';

/** One request of the harness. */
export interface FuzzCase {
  index: number;
  /** Sent as `x-fuzz-case-id` and used as finding location, such as `0007-genai-unicode`. */
  id: string;
  suite: FuzzSuite;
  /** Short description of the input, such as `prompt injection ignore-previous` or `PNG truncated to 40 bytes`. */
  description: string;
  path: string;
  contentType?: string;
  body: Buffer;
}

/** The target's response to a case, or why there was none. */
export interface FuzzObservation {
  status?: number;
  latencyMs: number;
  /** Response body, cut at 1 MiB. */
  body: string;
  /** Response headers as `name: value` lines. */
  headers: string;
  failure?: { kind: 'timeout' | 'connection'; message: string };
}

/** Progress carried in heartbeat details, so a retried activity continues at `nextCaseIndex`. */
export interface FuzzProgress {
  nextCaseIndex: number;
  casesRun: number;
  counts: Record<Severity, number>;
  /** Findings kept for the verdict, at most MAX_KEPT_FINDINGS; `counts` counts all of them. */
  findings: Finding[];
}
