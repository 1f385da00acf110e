import { Client, Connection } from '@temporalio/client';
import { parseEnv } from '../config/env';
import { triggerEnvSchema } from '../triggers/env';
import { loadGateConfig, type GateConfig } from '../triggers/gate-config';
import { ensureSchedule, gateSchedules, listGateSchedules } from '../triggers/gate-schedules';
import { describeSchedule } from '../triggers/schedule-text';

// Creates or updates the Temporal Schedules of the nightly fuzzing and weekly DAST pipelines of every repository in
// the gates configuration, then lists them. Safe to run again: unchanged schedules stay as they are.
//   npx tsx src/starters/create-schedules.ts

/** Brings every schedule of `config` up to date and returns the lines to print. */
export async function createSchedules(client: Client, config: GateConfig, taskQueue: string): Promise<string[]> {
  const lines: string[] = [];
  const schedules = gateSchedules(config, taskQueue);
  for (const schedule of schedules) {
    lines.push(`${await ensureSchedule(client, schedule)} ${schedule.scheduleId}`);
  }
  lines.push('', 'Gate schedules:');
  const known = schedules.map((schedule) => schedule.scheduleId);
  for (const schedule of await listGateSchedules(client, known)) lines.push(`  ${describeSchedule(schedule)}`);
  return lines;
}

async function main(): Promise<void> {
  const env = parseEnv(triggerEnvSchema, process.env);
  const config = loadGateConfig(env.GATES_CONFIG_FILE);
  const connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS });
  try {
    const client = new Client({ connection, namespace: env.TEMPORAL_NAMESPACE });
    for (const line of await createSchedules(client, config, env.GATES_TASK_QUEUE)) console.log(line);
  } finally {
    await connection.close();
  }
}

if (require.main === module) {
  main().catch((error) => {
    console.error(`create-schedules failed: ${(error as Error).message}`);
    process.exit(1);
  });
}
