// Workflows of the pipeline tests: the real pipeline, SAST and DAST gates, and scripted stubs of the tool gates.
export { dastGate } from '../../src/workflows/gates/dast';
export { gatePipeline } from '../../src/workflows/gates/pipeline';
export { sastGate } from '../../src/workflows/gates/sast';
export { apiContractGate, fuzzingGate, unitTestGate } from './stub-gates';
