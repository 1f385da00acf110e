import { ApplicationFailure } from '@temporalio/common';
import { existsSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { z } from 'zod';
import { ToolFailureType } from '../tool-failure-types';

/** Hits per coverable line of each file, keyed by the file's path relative to the repository with `/`. */
export type LineCoverage = Map<string, Map<number, number>>;

const lineSchema = z.object({ number: z.string().regex(/^\d+$/), hits: z.string().regex(/^\d+$/) });
const classSchema = z.object({
  filename: z.string(),
  lines: z.union([z.object({ line: z.array(lineSchema).default([]) }), z.literal('')]).optional(),
});
const documentSchema = z.object({
  coverage: z.object({
    sources: z.union([z.object({ source: z.array(z.string()).default([]) }), z.literal('')]).optional(),
    packages: z
      .union([
        z.object({
          package: z
            .array(
              z.object({ classes: z.union([z.object({ class: z.array(classSchema).default([]) }), z.literal('')]) }),
            )
            .default([]),
        }),
        z.literal(''),
      ])
      .optional(),
  }),
});

const ARRAY_ELEMENTS = new Set(['source', 'package', 'class', 'line']);

/**
 * Resolves a Cobertura file name against the report's `<source>` folders to a path relative to `repositoryRoot`,
 * or undefined for files outside the repository. Coverage.py and Jest write paths relative to a source folder.
 */
function repositoryPath(filename: string, sources: string[], repositoryRoot: string): string | undefined {
  const candidates = isAbsolute(filename) ? [filename] : sources.map((source) => resolve(source, filename));
  if (candidates.length === 0) candidates.push(resolve(repositoryRoot, filename));
  const found = candidates.find((candidate) => existsSync(candidate)) ?? candidates[0]!;
  const path = relative(repositoryRoot, found);
  if (path === '' || path.startsWith('..') || isAbsolute(path)) return undefined;
  return path.split(sep).join('/');
}

/**
 * Parses a Cobertura XML report, as written by coverage.py (pytest-cov) and Jest's `cobertura` reporter, into
 * hits per line. `repositoryRoot` must be a real path (no symbolic links), like the paths the tools write.
 */
export function parseCobertura(xml: string, repositoryRoot: string, toolName: string): LineCoverage {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    throw ApplicationFailure.nonRetryable(
      `${toolName} wrote an invalid Cobertura XML report: ${valid.err.msg} at line ${valid.err.line}`,
      ToolFailureType.InvalidToolOutput,
    );
  }
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    parseAttributeValue: false,
    parseTagValue: false,
    // Decodes numeric references such as &#10;, which PyTest writes into message attributes.
    htmlEntities: true,
    isArray: (name) => ARRAY_ELEMENTS.has(name),
  });
  const parsed = documentSchema.safeParse(parser.parse(xml));
  if (!parsed.success) {
    throw ApplicationFailure.nonRetryable(
      `${toolName} wrote a Cobertura XML report of an unexpected shape: ${parsed.error.message.slice(0, 500)}`,
      ToolFailureType.InvalidToolOutput,
    );
  }
  const { sources, packages } = parsed.data.coverage;
  const sourceDirs = sources ? sources.source.map((source) => source.trim()) : [];
  const coverage: LineCoverage = new Map();
  for (const pkg of packages ? packages.package : []) {
    for (const cls of pkg.classes ? pkg.classes.class : []) {
      const path = repositoryPath(cls.filename, sourceDirs, repositoryRoot);
      if (path === undefined) continue;
      const lines = coverage.get(path) ?? new Map<number, number>();
      for (const line of cls.lines ? cls.lines.line : []) {
        const number = Number(line.number);
        lines.set(number, Math.max(lines.get(number) ?? 0, Number(line.hits)));
      }
      coverage.set(path, lines);
    }
  }
  return coverage;
}

/** Merges coverage of several reports; a line is covered when any report covers it. */
export function mergeCoverage(reports: LineCoverage[]): LineCoverage {
  const merged: LineCoverage = new Map();
  for (const report of reports) {
    for (const [path, lines] of report) {
      const target = merged.get(path) ?? new Map<number, number>();
      for (const [line, hits] of lines) target.set(line, Math.max(target.get(line) ?? 0, hits));
      merged.set(path, target);
    }
  }
  return merged;
}
