import { readFileSync, writeFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';
import { loadRunbook } from '../../src/runbook/load';
import type { Runbook } from '../../src/runbook/schema';

/** Service id of the benchmark's row `index`. */
export function benchServiceId(index: number): string {
  return `bench-${index}`;
}

type RawRow = Record<string, unknown> & { id: string; slo?: { indicator?: { type?: string; query?: string } } };

/** The generated runbook and the environment variables its rows read secrets from. */
export interface BenchRunbook {
  runbook: Runbook;
  /** Secret variable names by the runbook field that names them, such as routingKeyEnv. */
  secretEnv: { field: string; name: string }[];
}

/** Collects every `*Env` field of a row, which by the runbook's convention names a secret's variable. */
function collectSecretEnv(value: unknown, found: Map<string, string>): void {
  if (Array.isArray(value)) {
    for (const item of value) collectSecretEnv(item, found);
  } else if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      if (key.endsWith('Env') && typeof child === 'string') found.set(child, key);
      else collectSecretEnv(child, found);
    }
  }
}

/**
 * Writes a runbook with `count` rows copied from the Prometheus-measured rows of `sourceFile`, taken in turn,
 * under the ids bench-0..bench-N-1. Each copy gets its own alert label and query selector, so every row routes
 * and measures separately. The raw YAML is copied, not the parsed runbook, so that fields keep their text form
 * (such as 5m) and the copy passes whatever schema the worker validates with.
 */
export function writeBenchRunbook(sourceFile: string, targetFile: string, count: number): BenchRunbook {
  const source = parse(readFileSync(sourceFile, 'utf8')) as { version: number; services: RawRow[] };
  // Other indicator types query systems the benchmark does not start, such as Airflow.
  const templates = source.services.filter((row) => row.slo?.indicator?.type === 'prometheus');
  if (templates.length === 0) throw new Error(`${sourceFile} has no row with a prometheus indicator to copy`);
  const services = Array.from({ length: count }, (_, index) => {
    const template = templates[index % templates.length]!;
    const row = structuredClone(template);
    const id = benchServiceId(index);
    row.id = id;
    row.name = `Bench service ${index}`;
    row.alertLabels = { service: id };
    const indicator = row.slo!.indicator!;
    indicator.query = indicator.query?.replaceAll(`"${template.id}"`, `"${id}"`);
    return row;
  });
  writeFileSync(targetFile, stringify({ version: source.version, services }, { lineWidth: 0 }));
  const found = new Map<string, string>();
  collectSecretEnv(services, found);
  return {
    runbook: loadRunbook(targetFile),
    secretEnv: [...found].map(([name, field]) => ({ field, name })),
  };
}

/**
 * Returns placeholder values for the runbook's secrets: URLs point at the loopback sink, so an unexpected call
 * is counted there and reaches nothing else, and other secrets get a fixed text.
 */
export function placeholderSecrets(secretEnv: BenchRunbook['secretEnv'], sinkUrl: string): Record<string, string> {
  const env: Record<string, string> = {};
  const sink = new URL(sinkUrl);
  for (const { field, name } of secretEnv) {
    if (/redis/i.test(field)) env[name] = `redis://127.0.0.1:${sink.port}/0`;
    else if (/url/i.test(field)) env[name] = `${sinkUrl}/hooks/${name.toLowerCase()}`;
    else env[name] = `bench-placeholder-${name.toLowerCase()}`;
  }
  return env;
}
