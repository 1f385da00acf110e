/**
 * Failure types of the tool-running gate activities (unit tests, API contract, fuzzing). Their workflows list the
 * non-retryable ones in their retry policies and turn any of them into an `error` verdict.
 */
export const ToolFailureType = {
  /** The tool's executable is missing; the message names the install step. */
  ToolNotFound: 'ToolNotFound',
  /** The tool exited without a usable report, such as a config error or a crash. */
  ToolFailed: 'ToolFailed',
  /** The tool ran past its deadline and was killed. */
  ToolTimedOut: 'ToolTimedOut',
  /** The tool's report did not have the expected shape. */
  InvalidToolOutput: 'InvalidToolOutput',
  /** The gate input cannot work, such as a missing commit, a missing file or no test runner. */
  InvalidGateInput: 'InvalidGateInput',
  /** The deployed target did not accept connections. */
  TargetUnreachable: 'TargetUnreachable',
  /** An environment variable named in the gate input is not set. */
  MissingSecret: 'MissingSecret',
} as const;

export type ToolFailureTypeName = (typeof ToolFailureType)[keyof typeof ToolFailureType];
