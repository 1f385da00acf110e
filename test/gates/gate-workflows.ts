// Workflows the gate tests' workers register: the gates of the testing matrix that run tools.
export { apiContractGate } from '../../src/workflows/gates/api-contract';
export { fuzzingGate } from '../../src/workflows/gates/fuzzing';
export { unitTestGate } from '../../src/workflows/gates/unit-tests';
