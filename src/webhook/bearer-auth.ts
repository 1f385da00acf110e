import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isIPv4 } from 'node:net';

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

/** Returns true for addresses that only this machine can reach: localhost, ::1 and IPv4 127.0.0.0/8. */
export function isLoopbackHost(host: string): boolean {
  if (host === 'localhost' || host === '::1') return true;
  return isIPv4(host) && host.startsWith('127.');
}
