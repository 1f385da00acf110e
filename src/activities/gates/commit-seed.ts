/** Takes the first 8 hex digits of a commit id as a seed, so every run on one commit repeats the same cases. */
export function seedFromCommit(sha: string): number {
  const hex = /^[0-9a-f]{8}/i.exec(sha)?.[0];
  return hex ? parseInt(hex, 16) : 0;
}
