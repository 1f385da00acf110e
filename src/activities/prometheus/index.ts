export { createPrometheusActivities, expandWindow, type PrometheusActivityOptions } from './activities';
export { queryInstant, type PrometheusClientOptions } from './client';
