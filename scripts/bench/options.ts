import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

export interface BenchOptions {
  /** Alertmanager deliveries sent in the measured phase. */
  requests: number;
  /** Deliveries in flight at once. */
  concurrency: number;
  /** Runbook rows the deliveries are spread over. */
  services: number;
  /** Deliveries per incident: the first opens the incident, the others repeat it with the same startsAt. */
  perIncident: number;
  /** Runs whose histories are read for start and completion times. */
  sample: number;
  /** Hard limit on the whole benchmark, startup and shutdown included, in seconds. */
  timeLimitSeconds: number;
  /** File that receives the JSON report; undefined writes none. */
  out: string | undefined;
  /** Absolute path of the folder for generated files and process logs; emptied at start. */
  stateDir: string;
}

export const USAGE = `Usage: npx tsx scripts/bench-webhook.ts [options]

Measures the webhook-to-workflow path on 127.0.0.1: a Temporal dev server, an empty Prometheus, the worker and
the webhook server, all started and stopped by this script.

Options:
  --requests N       Alertmanager deliveries to send (default 500, at most 100000)
  --concurrency C    deliveries in flight at once (default 16, at most 256)
  --services S       runbook rows bench-0..bench-S-1 the deliveries are spread over (default 20, at most 500)
  --per-incident P   deliveries per incident, sent back to back with the same startsAt (default 5)
  --sample K         runs whose histories are read for start and completion times (default 100)
  --time-limit SEC   hard limit for the whole benchmark in seconds; it stops everything when reached (default 300)
  --out FILE         write the JSON report to FILE
  --state-dir DIR    folder for generated files and logs, emptied at start (default .state/bench in the repository)
  --help             print this text
`;

function parseCount(name: string, text: string | undefined, fallback: number, max: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new Error(`invalid --${name} ${JSON.stringify(text)}: expected a whole number from 1 to ${max}`);
  }
  return value;
}

/**
 * Parses the command line; throws an error naming the invalid option, and returns undefined for --help.
 * A relative --state-dir resolves against the current directory, and the default against `repoRoot`.
 */
export function parseBenchOptions(argv: string[], repoRoot: string): BenchOptions | undefined {
  const { values } = parseArgs({
    args: argv,
    options: {
      requests: { type: 'string' },
      concurrency: { type: 'string' },
      services: { type: 'string' },
      'per-incident': { type: 'string' },
      sample: { type: 'string' },
      'time-limit': { type: 'string' },
      out: { type: 'string' },
      'state-dir': { type: 'string' },
      help: { type: 'boolean' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) return undefined;
  return {
    requests: parseCount('requests', values.requests, 500, 100_000),
    concurrency: parseCount('concurrency', values.concurrency, 16, 256),
    services: parseCount('services', values.services, 20, 500),
    perIncident: parseCount('per-incident', values['per-incident'], 5, 1000),
    sample: parseCount('sample', values.sample, 100, 100_000),
    timeLimitSeconds: parseCount('time-limit', values['time-limit'], 300, 3600),
    out: values.out,
    stateDir: values['state-dir'] ? resolve(values['state-dir']) : resolve(repoRoot, '.state/bench'),
  };
}
