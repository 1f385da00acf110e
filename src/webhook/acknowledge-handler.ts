import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { z } from 'zod';
import { acknowledgeSignal } from '../workflows/remediation/messages';
import { RequestRejection } from './http-errors';

/** Path of the acknowledge endpoint; the last-but-one segment is the remediation's workflow id. */
export const ACKNOWLEDGE_PATH = /^\/v1\/remediations\/(slo-remediation-[A-Za-z0-9._-]+)\/acknowledge$/;

const acknowledgeBodySchema = z.strictObject({
  by: z
    .string()
    .trim()
    .min(1, 'by must name who takes the page')
    .max(200)
    .regex(/^[^\p{Cc}\p{Cf}]+$/u, 'by must not contain control or formatting characters'),
  note: z
    .string()
    .max(2000)
    .regex(/^[^\p{Cc}\p{Cf}]*$/u, 'note must not contain control or formatting characters')
    .optional(),
});

/**
 * Acknowledges the page of an open remediation run with the `acknowledge` signal. A signal is recorded in the
 * run's history at once, so the response does not wait for a worker. The run acts on it when its worker next runs.
 * The `acknowledgeUpdate` update (src/starters/acknowledge.ts) answers whether the page was still open.
 */
export async function acknowledgeRemediation(
  client: Client,
  workflowId: string,
  body: unknown,
): Promise<{ workflowId: string; signaled: true }> {
  const parsed = acknowledgeBodySchema.safeParse(body);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`);
    throw new RequestRejection(422, 'invalid_payload', `invalid acknowledgement: ${problems.join('; ')}`);
  }
  try {
    await client.workflow.getHandle(workflowId).signal(acknowledgeSignal, parsed.data);
    return { workflowId, signaled: true };
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) {
      throw new RequestRejection(
        404,
        'no_open_run',
        `no open remediation run ${workflowId}; check the id in the Web UI`,
      );
    }
    throw error;
  }
}
