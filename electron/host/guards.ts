import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const LOOPBACK_HOSTNAMES = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * DNS-rebinding defence: a page on evil.example that resolves to 127.0.0.1 still sends
 * `Host: evil.example`, so only loopback names on our own port are served.
 */
export function isLoopbackHost(hostHeader: string | undefined, port: number): boolean {
  if (!hostHeader) return false;
  const match = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(hostHeader.trim().toLowerCase());
  if (!match) return false;
  const [, hostname, portText] = match;
  return LOOPBACK_HOSTNAMES.has(hostname ?? '') && Number(portText) === port;
}

/** The origins our own page can have: the loopback names on our port. */
export function ownOrigins(port: number): Set<string> {
  return new Set([...LOOPBACK_HOSTNAMES].map((host) => `http://${host}:${port}`));
}

/** Constant-time comparison, so the token cannot be guessed byte by byte from timings. */
export function tokenMatches(candidate: string | null | undefined, token: string): boolean {
  if (typeof candidate !== 'string') return false;
  const a = Buffer.from(candidate);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

export type GuardFailure = { status: number; message: string };

/**
 * Checks shared by HTTP calls and the WebSocket upgrade: loopback Host, and an Origin that is
 * ours. `requireOrigin` is set for WebSockets, which browsers let any page open.
 */
export function checkRequest(request: IncomingMessage, port: number, requireOrigin: boolean): GuardFailure | null {
  if (!isLoopbackHost(request.headers.host, port)) {
    return { status: 421, message: 'This Braid host only answers on 127.0.0.1 or localhost.' };
  }
  const origin = request.headers.origin;
  if (origin === undefined ? requireOrigin : !ownOrigins(port).has(origin)) {
    return { status: 403, message: 'Requests from other sites are refused.' };
  }
  return null;
}
