import { createHmac, timingSafeEqual } from 'node:crypto';

const SIGNATURE = /^sha256=([0-9a-f]{64})$/i;

/**
 * Checks GitHub's `X-Hub-Signature-256` header, `sha256=` and the hex HMAC-SHA256 of the raw body keyed with the
 * webhook secret, in constant time. Both digests are 32 bytes, so the comparison leaks nothing through length.
 */
export function hasValidSignature(secret: string, body: Buffer, header: string | undefined): boolean {
  const match = SIGNATURE.exec(header ?? '');
  if (!match) return false;
  const expected = createHmac('sha256', secret).update(body).digest();
  const received = Buffer.from(match[1]!, 'hex');
  return timingSafeEqual(expected, received);
}

/** Computes the header value GitHub would send for `body`; tests and local senders sign with it. */
export function signatureFor(secret: string, body: Buffer | string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}
