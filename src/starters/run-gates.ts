import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { parseEnv } from '../config/env';
import type { PipelineVerdict } from '../gates/contracts';
import { triggerEnvSchema, type TriggerEnv } from '../triggers/env';
import { findRepository, loadGateConfig, type RepositoryConfig } from '../triggers/gate-config';
import { pipelineInputFor } from '../triggers/pipeline-input';
import { rerunPipeline, RerunError } from '../triggers/rerun-pipeline';
import {
  parseRunGatesArgs,
  RUN_GATES_USAGE,
  UsageError,
  type RerunArgs,
  type StartArgs,
} from '../triggers/run-gates-args';
import { startPipeline } from '../triggers/start-pipeline';
import { exitCodeFor, formatPipelineVerdict } from '../triggers/verdict-text';
import type { gatePipeline } from '../workflows/gates/pipeline';
import type { GatePipelineInput } from '../workflows/gates/pipeline-types';

// Runs the gates of a trigger through Temporal from a shell or a CI job, and exits non-zero when they block:
//   npx tsx src/starters/run-gates.ts --trigger pull_request --repo . --base SHA --head SHA --wait
// A worker must serve the gates task queue (GATES_TASK_QUEUE, default ci-gates).

/** Finds the configured repository of `--repository`; undefined without the flag or the configuration file. */
function configuredRepository(args: StartArgs, env: TriggerEnv): RepositoryConfig | undefined {
  if (!args.repository) return undefined;
  const file = args.config ?? env.GATES_CONFIG_FILE;
  if (!existsSync(file)) {
    if (args.config) throw new UsageError(`--config ${file} does not exist`);
    return undefined;
  }
  return findRepository(loadGateConfig(file), args.repository);
}

function inputFor(args: StartArgs, env: TriggerEnv): GatePipelineInput {
  const repositoryPath = resolve(args.repo);
  if (!existsSync(repositoryPath)) throw new UsageError(`--repo ${args.repo} does not exist`);
  const configured = configuredRepository(args, env);
  const repository: RepositoryConfig = {
    repository: args.repository ?? configured?.repository ?? 'local/repository',
    checkoutPath: repositoryPath,
    stagingUrl: args['base-url'] ?? configured?.stagingUrl,
    defaultBranch: configured?.defaultBranch ?? 'main',
    gates: configured?.gates ?? {},
  };
  const input = pipelineInputFor(repository, {
    trigger: args.trigger,
    headSha: args.head.toLowerCase(),
    baseSha: args.base?.toLowerCase(),
    gates: args.gate,
  });
  // Without --repository the run is local: ids name the checkout folder, and no GitHub repository is named.
  input.target.repository = args.repository;
  return input;
}

async function waitAndPrint(client: Client, workflowId: string, runId: string): Promise<number> {
  const verdict: PipelineVerdict = await client.workflow.getHandle<typeof gatePipeline>(workflowId, runId).result();
  for (const line of formatPipelineVerdict(workflowId, verdict)) console.log(line);
  return exitCodeFor(verdict);
}

async function start(client: Client, env: TriggerEnv, input: GatePipelineInput) {
  const started = await startPipeline({ client, taskQueue: env.GATES_TASK_QUEUE }, input, { startedBy: 'run-gates' });
  const verb = started.started ? 'Started' : 'Found the existing';
  console.log(`${verb} pipeline ${started.workflowId} (run ${started.runId})`);
  return started;
}

async function rerun(client: Client, args: RerunArgs) {
  const result = await rerunPipeline(client, args.rerun, { gates: args.gate });
  const reused = result.reused.join(', ') || 'nothing';
  console.log(`Re-running ${result.rerun.join(', ')} of ${result.workflowId} (run ${result.runId}); reusing ${reused}`);
  return result;
}

async function run(argv: string[]): Promise<number> {
  const args = parseRunGatesArgs(argv);
  if (args.mode === 'help') {
    console.log(RUN_GATES_USAGE);
    return 0;
  }
  const env = parseEnv(triggerEnvSchema, process.env);
  // Invalid arguments fail before any connection is made.
  const input = args.mode === 'start' ? inputFor(args, env) : undefined;
  const connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS });
  try {
    const client = new Client({ connection, namespace: env.TEMPORAL_NAMESPACE });
    const { workflowId, runId } = args.mode === 'rerun' ? await rerun(client, args) : await start(client, env, input!);
    return args.wait ? await waitAndPrint(client, workflowId, runId) : 0;
  } finally {
    await connection.close();
  }
}

if (require.main === module) {
  run(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error) => {
      if (error instanceof UsageError) console.error(`${error.message}\n\n${RUN_GATES_USAGE}`);
      else if (error instanceof RerunError) console.error(error.message);
      else console.error(`run-gates failed: ${(error as Error).message}`);
      process.exit(2);
    },
  );
}
