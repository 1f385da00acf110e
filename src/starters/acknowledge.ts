// Acknowledges the page of an open remediation run, so the saga stops paging further levels.
// Usage: npx tsx src/starters/acknowledge.ts --service genai-api --by alice@example.com [--note "on it"]
//        npx tsx src/starters/acknowledge.ts --workflow-id slo-remediation-etl-pipeline-<run> --by alice
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { parseEnv, webhookEnvSchema } from '../config/env';
import { remediationWorkflowId } from '../workflows/remediation/ids';
import { acknowledgeUpdate } from '../workflows/remediation/messages';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      service: { type: 'string' },
      'workflow-id': { type: 'string' },
      by: { type: 'string' },
      note: { type: 'string' },
    },
  });
  const workflowId = values['workflow-id'] ?? (values.service ? remediationWorkflowId(values.service) : undefined);
  if (!workflowId || !values.by) {
    process.stderr.write('usage: acknowledge --service ID | --workflow-id ID, --by WHO [--note TEXT]\n');
    return 2;
  }
  const env = parseEnv(webhookEnvSchema, process.env);
  const connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS });
  try {
    const client = new Client({ connection, namespace: env.TEMPORAL_NAMESPACE });
    const result = await client.workflow
      .getHandle(workflowId)
      .executeUpdate(acknowledgeUpdate, { args: [{ by: values.by, note: values.note }] });
    process.stdout.write(`${workflowId}: ${result.message}\n`);
    return result.accepted ? 0 : 1;
  } finally {
    await connection.close();
  }
}

main().then(
  (code) => (process.exitCode = code),
  (error) => {
    process.stderr.write(`acknowledge failed: ${(error as Error).message}\n`);
    process.exitCode = 1;
  },
);
