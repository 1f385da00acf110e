// Workflows the SAST and DAST gate tests register on their own workers.
export { dastGate } from '../../src/workflows/gates/dast';
export { sastGate } from '../../src/workflows/gates/sast';
