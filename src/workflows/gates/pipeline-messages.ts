import { defineQuery } from '@temporalio/workflow';
import type { PipelineStatus } from './pipeline-types';

/** Returns the pipeline's input and the state of each gate; works on closed runs too, for re-runs. */
export const pipelineStatusQuery = defineQuery<PipelineStatus>('pipelineStatus');
