import { ApplicationFailure } from '@temporalio/common';
import { ToolFailureType } from '../tool-failure-types';
import { describeToolExit, runTool } from '../run-tool';

/** Line numbers (in the head version) that a change adds, keyed by the file's path relative to the repository. */
export type AddedLines = Map<string, number[]>;

const GIT_TIMEOUT_MS = 60_000;
/** Larger diffs fail the gate instead of being measured from a cut-off text. */
const MAX_DIFF_BYTES = 64 * 1024 * 1024;

async function git(repositoryPath: string, args: string[], maxOutputBytes = 1024 * 1024) {
  return runTool({
    toolName: 'git',
    command: 'git',
    // core.quotePath=false keeps non-ASCII file names readable; names with tabs or quotes are still quoted.
    args: ['-c', 'core.quotePath=false', ...args],
    cwd: repositoryPath,
    timeoutMs: GIT_TIMEOUT_MS,
    maxOutputBytes,
    installHint: 'install git (apt-get install git)',
  });
}

/** Resolves a revision to a full commit id; a revision missing from the clone is a non-retryable failure. */
export async function resolveCommit(repositoryPath: string, revision: string): Promise<string> {
  const result = await git(repositoryPath, ['rev-parse', '--verify', '--quiet', `${revision}^{commit}`]);
  const sha = result.stdout.trim();
  if (result.exitCode !== 0 || !/^[0-9a-f]{40,64}$/.test(sha)) {
    throw ApplicationFailure.nonRetryable(
      `commit ${revision} is not in the repository at ${repositoryPath}; fetch it first ` +
        `(git fetch origin ${revision}), as shallow clones lack the base commit of a pull request`,
      ToolFailureType.InvalidGateInput,
    );
  }
  return sha;
}

/** Undoes git's C-style quoting of a path such as `"b/caf\303\251.js"`. */
function unquotePath(path: string): string {
  if (!path.startsWith('"')) return path;
  const bytes: number[] = [];
  const escapes: Record<string, number> = { n: 10, t: 9, r: 13, '"': 34, '\\': 92, a: 7, b: 8, f: 12, v: 11 };
  const body = path.slice(1, -1);
  for (let i = 0; i < body.length; i++) {
    const char = body[i]!;
    if (char !== '\\') {
      bytes.push(...Buffer.from(char, 'utf8'));
      continue;
    }
    const next = body[i + 1] ?? '';
    if (/[0-7]/.test(next)) {
      bytes.push(parseInt(body.slice(i + 1, i + 4), 8));
      i += 3;
    } else {
      bytes.push(escapes[next] ?? next.charCodeAt(0));
      i += 1;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** Reads the added line numbers from `git diff --unified=0` output with `b/` as destination prefix. */
export function parseAddedLines(diff: string): AddedLines {
  const added: AddedLines = new Map();
  let current: number[] | undefined;
  for (const line of diff.split('\n')) {
    if (line.startsWith('+++ ')) {
      const target = unquotePath(line.slice(4).trimEnd());
      current = undefined;
      if (target === '/dev/null' || !target.startsWith('b/')) continue;
      current = [];
      added.set(target.slice(2), current);
      continue;
    }
    const hunk = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/.exec(line);
    if (hunk && current) {
      const start = Number(hunk[1]);
      const count = hunk[2] === undefined ? 1 : Number(hunk[2]);
      for (let offset = 0; offset < count; offset++) current.push(start + offset);
    }
  }
  for (const [path, lines] of added) if (lines.length === 0) added.delete(path);
  return added;
}

/**
 * Returns the lines that `head` adds relative to the merge base of `base` and `head` (`git diff base...head`),
 * the lines a pull request adds. Renames count only their changed lines; deleted files add none.
 */
export async function addedLinesBetween(repositoryPath: string, base: string, head: string): Promise<AddedLines> {
  const result = await git(
    repositoryPath,
    [
      'diff',
      '--unified=0',
      '--no-color',
      '--no-ext-diff',
      '--find-renames',
      '--diff-filter=AMR',
      '--src-prefix=a/',
      '--dst-prefix=b/',
      `${base}...${head}`,
    ],
    MAX_DIFF_BYTES,
  );
  if (result.exitCode !== 0) {
    throw ApplicationFailure.nonRetryable(describeToolExit('git diff', result), ToolFailureType.ToolFailed);
  }
  if (result.outputTruncated) {
    throw ApplicationFailure.nonRetryable(
      `git diff ${base}...${head} is larger than ${MAX_DIFF_BYTES} bytes; the gate does not measure diffs that large`,
      ToolFailureType.InvalidGateInput,
    );
  }
  return parseAddedLines(result.stdout);
}
