export { createGitHubStatusActivities, MAX_DESCRIPTION_LENGTH, type GitHubStatusOptions } from './commit-status';
export type * from './types';
