import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const TARGETS = join(__dirname, '../fixtures/targets');

export interface TargetRepo {
  path: string;
  baseSha: string;
  headSha: string;
}

function git(cwd: string, args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'Gate Test',
      GIT_AUTHOR_EMAIL: 'gate-test@example.invalid',
      GIT_COMMITTER_NAME: 'Gate Test',
      GIT_COMMITTER_EMAIL: 'gate-test@example.invalid',
    },
  }).trim();
}

/**
 * Creates a git repository in a temporary folder from `test/fixtures/targets/<target>`: the `base` files in a
 * first commit, then the files of `heads/<head>` copied over them in a second commit, which stays checked out.
 */
export function createTargetRepo(target: 'js-lib' | 'py-pkg', head: string): TargetRepo {
  const path = realpathSync(mkdtempSync(join(tmpdir(), `gate-${target}-${head}-`)));
  git(path, ['init', '--quiet', '--initial-branch=main']);
  cpSync(join(TARGETS, target, 'base'), path, { recursive: true });
  git(path, ['add', '--all']);
  git(path, ['commit', '--quiet', '-m', 'Base']);
  const baseSha = git(path, ['rev-parse', 'HEAD']);
  cpSync(join(TARGETS, target, 'heads', head), path, { recursive: true });
  git(path, ['add', '--all']);
  git(path, ['commit', '--quiet', '--allow-empty', '-m', `Head ${head}`]);
  return { path, baseSha, headSha: git(path, ['rev-parse', 'HEAD']) };
}
