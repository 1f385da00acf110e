import type { GateTarget } from '../../../gates/contracts';

/** Input of the `apiContractGate` workflow. `target.baseUrl` is the deployed API that Schemathesis calls. */
export interface ApiContractGateInput {
  target: GateTarget;
  /** OpenAPI document, relative to the repository. Defaults to `openapi.yaml`. */
  openApiPath?: string;
  /** Schemathesis checks to run; defaults to DEFAULT_CONTRACT_CHECKS. Any failure of one of them blocks. */
  checks?: string[];
  /** Test cases per API operation and phase. Defaults to 50. */
  maxExamples?: number;
  /** Seed of the data generation; defaults to a number taken from `target.headSha`, so reruns repeat the cases. */
  seed?: number;
  /** Environment variable of the worker holding a token sent as `Authorization: Bearer <token>`. */
  bearerTokenEnv?: string;
  /** Deadline of the Schemathesis run in milliseconds. Defaults to 1200000 (20 minutes). */
  timeoutMs?: number;
  /** Deadline of each request in milliseconds. Defaults to 10000. */
  requestTimeoutMs?: number;
}

/**
 * Checks that show the API and its OpenAPI document disagree: server errors, and responses or request handling
 * that the document does not describe. Left out by default: `positive_data_acceptance`, because APIs reject
 * schema-valid requests for business rules (the webhook responds with 422 to an alert that no runbook row routes);
 * `unsupported_method` and `allow_header_conformance`, which test HTTP method semantics rather than the
 * document; and the stateful checks, which need the stateful phase and resource links.
 */
export const DEFAULT_CONTRACT_CHECKS = [
  'not_a_server_error',
  'status_code_conformance',
  'content_type_conformance',
  'response_headers_conformance',
  'response_schema_conformance',
  'negative_data_rejection',
  'missing_required_header',
  'ignored_auth',
] as const;
