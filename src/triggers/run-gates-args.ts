import { parseArgs } from 'node:util';
import { z } from 'zod';
import type { GateName, GateTrigger } from '../gates/contracts';
import { GATE_NAMES, GATE_TRIGGERS } from '../workflows/gates/pipeline-ids';

export const RUN_GATES_USAGE = `Usage: npx tsx src/starters/run-gates.ts --trigger TRIGGER --repo PATH --head SHA [options]
       npx tsx src/starters/run-gates.ts --rerun WORKFLOW_ID [--gate NAME ...] [--wait]

Runs the CI gates of a trigger through Temporal as one pipeline workflow.

  --trigger TRIGGER     ${GATE_TRIGGERS.join(', ')}
  --repo PATH           local checkout of the repository the gates check
  --head SHA            commit under test, the full 40-character SHA (git rev-parse HEAD)
  --base SHA            base commit of a pull request; required with --trigger pull_request
  --gate NAME           gate to run, repeatable: ${GATE_NAMES.join(', ')}; default: the trigger's gates
  --repository OWNER/NAME
                        GitHub repository; its gate options come from the gates configuration
  --base-url URL        deployed service the contract, fuzzing and DAST gates call
  --config FILE         gates configuration; default GATES_CONFIG_FILE or config/gates.yaml
  --rerun WORKFLOW_ID   re-run the gates of a finished pipeline that did not pass, or those named by --gate
  --wait                wait for the verdict, print every finding, and exit 1 when a gate blocks
  -h, --help            print this help

Exit codes: 0 passed (or started, without --wait), 1 blocked, 2 error or invalid arguments.`;

/** Invalid command-line arguments; the message names them and the fix. */
export class UsageError extends Error {
  override name = 'UsageError';
}

const sha = z.string().regex(/^[0-9a-f]{40}$/i, 'must be a full 40-character commit SHA (git rev-parse HEAD)');

const startSchema = z
  .object({
    trigger: z.enum(GATE_TRIGGERS as [GateTrigger, ...GateTrigger[]]),
    repo: z.string().min(1),
    head: sha,
    base: sha.optional(),
    gate: z.array(z.enum(GATE_NAMES as [GateName, ...GateName[]])).optional(),
    repository: z
      .string()
      .regex(/^[\w.-]+\/[\w.-]+$/, 'must be owner/name')
      .optional(),
    'base-url': z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).optional(),
    config: z.string().optional(),
    wait: z.boolean().default(false),
  })
  .refine((args) => args.trigger !== 'pull_request' || args.base, {
    message: '--base is required with --trigger pull_request',
    path: ['base'],
  })
  .refine((args) => args.trigger !== 'manual' || (args.gate?.length ?? 0) > 0, {
    message: '--trigger manual needs at least one --gate',
    path: ['gate'],
  });

const rerunSchema = z.object({
  rerun: z.string().min(1),
  gate: z.array(z.enum(GATE_NAMES as [GateName, ...GateName[]])).optional(),
  wait: z.boolean().default(false),
});

export type StartArgs = z.output<typeof startSchema> & { mode: 'start' };
export type RerunArgs = z.output<typeof rerunSchema> & { mode: 'rerun' };
export type RunGatesArgs = StartArgs | RerunArgs | { mode: 'help' };

function describeIssues(issues: z.core.$ZodIssue[]): string {
  return issues.map((issue) => `--${issue.path.map(String).join('.') || 'arguments'}: ${issue.message}`).join('\n');
}

function readOptions(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        trigger: { type: 'string' },
        repo: { type: 'string' },
        head: { type: 'string' },
        base: { type: 'string' },
        gate: { type: 'string', multiple: true },
        repository: { type: 'string' },
        'base-url': { type: 'string' },
        config: { type: 'string' },
        rerun: { type: 'string' },
        wait: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** Parses and validates the command line of run-gates; throws a UsageError naming every invalid argument. */
export function parseRunGatesArgs(argv: string[]): RunGatesArgs {
  const values = readOptions(argv);
  if (values.help) return { mode: 'help' };
  if (values.rerun !== undefined) {
    const extra = ['trigger', 'repo', 'head', 'base', 'repository', 'base-url', 'config'].filter(
      (name) => values[name as keyof typeof values] !== undefined,
    );
    if (extra.length > 0) {
      throw new UsageError(
        `--rerun takes the input of the earlier run; drop ${extra.map((name) => `--${name}`).join(', ')}`,
      );
    }
    const parsed = rerunSchema.safeParse(values);
    if (!parsed.success) throw new UsageError(describeIssues(parsed.error.issues));
    return { mode: 'rerun', ...parsed.data };
  }
  const parsed = startSchema.safeParse(values);
  if (!parsed.success) throw new UsageError(describeIssues(parsed.error.issues));
  return { mode: 'start', ...parsed.data };
}
