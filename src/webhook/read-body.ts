import type { IncomingMessage } from 'node:http';
import { RequestRejection } from './http-errors';

/** Reads a JSON request body of at most `maxBytes`, rejecting other content types and larger bodies early. */
export async function readJsonBody(request: IncomingMessage, maxBytes: number): Promise<unknown> {
  const contentType = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (contentType !== 'application/json') {
    throw new RequestRejection(
      415,
      'content_type',
      `content type "${contentType || '(none)'}" is not supported; send application/json`,
    );
  }
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    throw new RequestRejection(
      413,
      'too_large',
      `body of ${declared} bytes is larger than the limit of ${maxBytes} bytes`,
    );
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) {
      throw new RequestRejection(413, 'too_large', `body is larger than the limit of ${maxBytes} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new RequestRejection(400, 'invalid_json', `body is not valid JSON: ${(error as Error).message}`);
  }
}
