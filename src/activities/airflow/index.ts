export { createAirflowActivities, type AirflowActivities, type AirflowActivityOptions } from './activities';
export { AirflowClient, type AirflowClientOptions } from './client';
export { createWatchdogActivities, type WatchdogActivityOptions } from './start-remediation';
export type { AirflowApiVersion } from './auth';
