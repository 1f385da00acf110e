import type { IncomingMessage } from 'node:http';
import { RequestRejection } from '../webhook/http-errors';

/**
 * Reads a request body of at most `maxBytes` as bytes, unparsed, because a signature covers the exact bytes
 * sent. A declared or actual size above the limit is rejected with 413 before more is read.
 */
export async function readRawBody(request: IncomingMessage, maxBytes: number): Promise<Buffer> {
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
  return Buffer.concat(chunks);
}
