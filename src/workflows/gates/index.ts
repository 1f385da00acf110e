// Workflow definitions of the CI gates and their pipeline, for the worker of the ci-gates task queue. Only
// workflow code belongs here: the bundle runs in a sandbox.
export { apiContractGate } from './api-contract';
export { dastGate } from './dast';
export { fuzzingGate } from './fuzzing';
export { gatePipeline } from './pipeline';
export { sastGate } from './sast';
export { unitTestGate } from './unit-tests';
