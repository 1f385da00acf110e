// Workflows the Airflow integration test registers: the watchdog and the saga it starts.
export { etlWatchdog } from '../../src/workflows/watchdog/etl-watchdog';
export { remediationSaga } from '../../src/workflows/remediation/saga';
