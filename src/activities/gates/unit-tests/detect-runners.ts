import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { UnitTestRunner } from './types';

const JEST_CONFIG_FILES = [
  'jest.config.js',
  'jest.config.ts',
  'jest.config.mjs',
  'jest.config.cjs',
  'jest.config.json',
];
const SKIPPED_DIRECTORIES = new Set(['node_modules', '.git', '.venv', 'venv', '.tox', 'dist', 'build', '__pycache__']);

const packageJsonSchema = z.looseObject({
  jest: z.unknown().optional(),
  scripts: z.record(z.string(), z.string()).optional(),
  dependencies: z.record(z.string(), z.string()).optional(),
  devDependencies: z.record(z.string(), z.string()).optional(),
});

function readText(path: string): string | undefined {
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
}

function usesJest(repositoryPath: string): boolean {
  if (JEST_CONFIG_FILES.some((name) => existsSync(join(repositoryPath, name)))) return true;
  const text = readText(join(repositoryPath, 'package.json'));
  if (text === undefined) return false;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return false;
  }
  const parsed = packageJsonSchema.safeParse(json);
  if (!parsed.success) return false;
  const pkg = parsed.data;
  return (
    pkg.jest !== undefined ||
    pkg.devDependencies?.jest !== undefined ||
    pkg.dependencies?.jest !== undefined ||
    /\bjest\b/.test(pkg.scripts?.test ?? '')
  );
}

/** Looks for `test_*.py` or `*_test.py` files up to `depth` folders deep. */
function hasPythonTests(directory: string, depth: number): boolean {
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    if (entry.isFile() && /^(test_.*|.*_test)\.py$/.test(entry.name)) return true;
    if (entry.isDirectory() && depth > 0 && !SKIPPED_DIRECTORIES.has(entry.name)) {
      if (hasPythonTests(join(directory, entry.name), depth - 1)) return true;
    }
  }
  return false;
}

function usesPytest(repositoryPath: string): boolean {
  if (existsSync(join(repositoryPath, 'pytest.ini')) || existsSync(join(repositoryPath, 'conftest.py'))) return true;
  if (/^\[tool\.pytest/m.test(readText(join(repositoryPath, 'pyproject.toml')) ?? '')) return true;
  if (/^\[tool:pytest\]/m.test(readText(join(repositoryPath, 'setup.cfg')) ?? '')) return true;
  if (/^\[pytest\]/m.test(readText(join(repositoryPath, 'tox.ini')) ?? '')) return true;
  return hasPythonTests(repositoryPath, 3);
}

/**
 * Detects the test runners a repository uses: Jest from a Jest config file or a `jest` entry in package.json,
 * PyTest from its config sections, a root conftest.py or test files named `test_*.py` or `*_test.py`.
 */
export function detectRunners(repositoryPath: string): UnitTestRunner[] {
  const runners: UnitTestRunner[] = [];
  if (usesJest(repositoryPath)) runners.push('jest');
  if (usesPytest(repositoryPath)) runners.push('pytest');
  return runners;
}
