import { homedir } from 'node:os';
import { join } from 'node:path';

// Pinned versions of the Python tools; scripts/install-python-tools.sh installs the same pins, and a test checks
// that both files agree.
export const SCHEMATHESIS_VERSION = '4.32.5';
export const PYTEST_VERSION = '9.2.0';
export const PYTEST_COV_VERSION = '7.1.0';
export const DIFF_COVER_VERSION = '11.0.1';

export const PYTHON_TOOLS_INSTALL_HINT = 'run scripts/install-python-tools.sh';

/** Folder of cached tools, `$SRE_TOOLS_CACHE` or `~/.cache/sre-tools`. */
export function toolsCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.SRE_TOOLS_CACHE || join(homedir(), '.cache', 'sre-tools');
}

/** Path of the Schemathesis CLI (`st`) in its virtual environment. */
export function schemathesisCommand(env: NodeJS.ProcessEnv = process.env): string {
  return join(toolsCacheDir(env), `schemathesis-${SCHEMATHESIS_VERSION}`, 'bin', 'st');
}

/** Python interpreter of the virtual environment that has PyTest and pytest-cov. */
export function pytestPython(env: NodeJS.ProcessEnv = process.env): string {
  return join(toolsCacheDir(env), `pytest-${PYTEST_VERSION}`, 'bin', 'python');
}

/** Path of the diff-cover CLI in its virtual environment. */
export function diffCoverCommand(env: NodeJS.ProcessEnv = process.env): string {
  return join(toolsCacheDir(env), `diff-cover-${DIFF_COVER_VERSION}`, 'bin', 'diff-cover');
}
