import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Reads a file as UTF-8, or returns undefined when it does not exist. */
async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Writes `content` to a temporary file in the same folder and renames it over `path`, so a reader sees the old
 * or the new file and never a partly written one. Skips the write when the file already has this content.
 * Returns true when it wrote.
 */
export async function writeFileAtomic(path: string, content: string): Promise<boolean> {
  if ((await readIfExists(path)) === content) return false;
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeFile(temporary, content, { encoding: 'utf8', flush: true });
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  return true;
}
