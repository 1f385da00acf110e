import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { z } from 'zod';
import { acknowledgeUpdate } from '../workflows/remediation/messages';
import type { AcknowledgeResult } from '../workflows/remediation/types';
import { RequestRejection } from './http-errors';

/** Path of the acknowledge endpoint; the last-but-one segment is the remediation's workflow id. */
export const ACKNOWLEDGE_PATH = /^\/v1\/remediations\/(slo-remediation-[A-Za-z0-9._-]+)\/acknowledge$/;

const acknowledgeBodySchema = z.strictObject({
  by: z.string().trim().min(1, 'by must name who takes the page').max(200),
  note: z.string().max(2000).optional(),
});

/** Acknowledges the page of an open remediation run through its `acknowledgeUpdate` update. */
export async function acknowledgeRemediation(
  client: Client,
  workflowId: string,
  body: unknown,
): Promise<AcknowledgeResult> {
  const parsed = acknowledgeBodySchema.safeParse(body);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`);
    throw new RequestRejection(422, 'invalid_payload', `invalid acknowledgement: ${problems.join('; ')}`);
  }
  try {
    return await client.workflow.getHandle(workflowId).executeUpdate(acknowledgeUpdate, { args: [parsed.data] });
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) {
      throw new RequestRejection(
        404,
        'no_open_run',
        `no open remediation run ${workflowId}; check the id in the Web UI`,
      );
    }
    if (error instanceof WorkflowUpdateFailedError) {
      throw new RequestRejection(
        422,
        'rejected_update',
        `the run rejected the acknowledgement: ${error.cause?.message ?? error.message}`,
      );
    }
    throw error;
  }
}
