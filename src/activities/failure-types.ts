/** Failure types the saga and operators see in the Web UI; the retry policies list the non-retryable ones. */
export const FailureType = {
  Forbidden: 'Forbidden',
  NotFound: 'NotFound',
  InvalidRequest: 'InvalidRequest',
  InvalidResponse: 'InvalidResponse',
  MissingSecret: 'MissingSecret',
  NoPreviousRevision: 'NoPreviousRevision',
  RolloutStuck: 'RolloutStuck',
  CompletionTimeout: 'CompletionTimeout',
  DagRunFailed: 'DagRunFailed',
  RefreshFailed: 'RefreshFailed',
  Transient: 'Transient',
} as const;
