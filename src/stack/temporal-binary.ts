import { accessSync, constants } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

/** Temporal CLI release the install script builds; its go.mod has no replace line, so `go install` works. */
export const TEMPORAL_CLI_VERSION = '1.5.1';

/** Folder outside the clone where built tools are cached and reused across clones and CI runs. */
export function toolsCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.SRE_TOOLS_CACHE || join(homedir(), '.cache', 'sre-tools');
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Finds the Temporal CLI: `TEMPORAL_CLI_PATH` first, then `temporal` on PATH, then the build cached by
 * scripts/install-temporal.sh. Returns undefined when none exists.
 */
export function findTemporalCli(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.TEMPORAL_CLI_PATH) {
    if (!isExecutable(env.TEMPORAL_CLI_PATH)) {
      throw new Error(
        `TEMPORAL_CLI_PATH=${env.TEMPORAL_CLI_PATH} is not an executable file; unset it or point it at a temporal binary`,
      );
    }
    return env.TEMPORAL_CLI_PATH;
  }
  for (const folder of (env.PATH ?? '').split(delimiter)) {
    if (folder && isExecutable(join(folder, 'temporal'))) return join(folder, 'temporal');
  }
  const cached = join(toolsCacheDir(env), `temporal-${TEMPORAL_CLI_VERSION}`, 'temporal');
  return isExecutable(cached) ? cached : undefined;
}
