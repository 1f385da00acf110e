// Workflow definitions the worker registers. Only workflow code belongs here: the bundle runs in a sandbox.
export { remediationSaga } from './remediation/saga';
export { etlWatchdog } from './watchdog/etl-watchdog';
