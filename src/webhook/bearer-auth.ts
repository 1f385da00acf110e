import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** Returns true when the request carries `Authorization: Bearer <token>`, compared in constant time. */
export function hasBearerToken(request: IncomingMessage, token: string): boolean {
  const header = request.headers.authorization ?? '';
  const match = /^Bearer\s+(.+)$/i.exec(header);
  if (!match) return false;
  // Hashing both sides gives equal lengths, which timingSafeEqual requires, without leaking the token's length.
  const expected = createHash('sha256').update(token).digest();
  const received = createHash('sha256').update(match[1]!.trim()).digest();
  return timingSafeEqual(expected, received);
}

/** Returns true for addresses that only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}
