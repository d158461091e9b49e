/**
 * Every request Braid makes to a server goes through here, so that every way a request can fail
 * becomes one BraidError a person can act on: unreachable, TLS, timeout, not the expected API.
 * Messages name the host, never a token (URLs here never carry one: tokens go in headers or
 * bodies, and only the host is quoted).
 */
import { BraidError } from '@shared/errors';

export type Fetch = typeof globalThis.fetch;

export const DEFAULT_TIMEOUT_MS = 10_000;

export interface RequestOptions extends Omit<RequestInit, 'signal'> {
  timeoutMs?: number;
  /** Aborts with the caller (a cancelled sign-in). */
  signal?: AbortSignal;
}

/** Node's codes for certificate problems (undici passes them up as the cause of "fetch failed"). */
const TLS_CODES = new Set([
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'HOSTNAME_MISMATCH',
]);

/** Sends a request and turns transport failures into BraidErrors; HTTP statuses are the caller's to judge. */
export async function request(fetch: Fetch, url: string | URL, options: RequestOptions = {}): Promise<Response> {
  const target = new URL(url);
  const { timeoutMs = DEFAULT_TIMEOUT_MS, signal, ...init } = options;
  const timeout = AbortSignal.timeout(timeoutMs);
  const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
  try {
    return await fetch(target, { ...init, signal: combined, redirect: init.redirect ?? 'follow' });
  } catch (error) {
    if (signal?.aborted) throw abortReason(signal);
    throw transportError(target, error, timeout.aborted ? timeoutMs : null);
  }
}

function abortReason(signal: AbortSignal): unknown {
  const reason: unknown = signal.reason;
  return reason instanceof BraidError ? reason : new BraidError('link.cancelled', 'Cancelled.', { cause: reason });
}

export function transportError(url: URL, error: unknown, timedOutAfterMs: number | null): BraidError {
  const host = url.host;
  if (timedOutAfterMs !== null) {
    return new BraidError(
      'network.unreachable',
      `${host} did not answer within ${Math.round(timedOutAfterMs / 1000)} s. Check your connection and try again.`,
      { cause: error },
    );
  }
  const code = causeCode(error);
  if (code && (TLS_CODES.has(code) || code.startsWith('ERR_TLS_') || code.startsWith('ERR_SSL_'))) {
    return new BraidError(
      'network.tls',
      `Braid could not verify ${host}'s security certificate (${code}). The server may be misconfigured, or something on your network is intercepting the connection. Braid will not send your sign-in over it.`,
      { cause: error },
    );
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new BraidError('network.unreachable', `No server called ${url.hostname} could be found. Check the spelling and your connection.`, {
      cause: error,
    });
  }
  if (code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'ETIMEDOUT') {
    return new BraidError('network.unreachable', `${host} did not answer. Check your connection and try again.`, { cause: error });
  }
  if (code === 'ECONNREFUSED') {
    return new BraidError('network.unreachable', `${host} refused the connection. Is the address right, and is the server up?`, {
      cause: error,
    });
  }
  return new BraidError('network.unreachable', `Braid could not reach ${host}${code ? ` (${code})` : ''}. Check your connection and try again.`, {
    cause: error,
  });
}

/** The first `code` along an error's cause chain: undici wraps the socket error once or twice. */
function causeCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    const code = (current as Error & { code?: unknown }).code;
    if (typeof code === 'string') return code;
    if (current instanceof AggregateError && current.errors[0] instanceof Error) current = current.errors[0];
    else current = current.cause;
  }
  return undefined;
}

/** Reads a JSON body; anything else (an HTML error page, a cut-off body) is a bad response. */
export async function readJson(response: Response, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    throw new BraidError('network.bad-response', `${what} stopped answering halfway. Try again.`, { cause: error });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new BraidError('network.bad-response', `${what} sent an answer Braid could not read (not JSON, HTTP ${response.status}).`, {
      cause: error,
    });
  }
}

/** Host names that mean this computer: servers here (the sandbox) may speak plain http. */
export function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '127.0.0.1' || hostname === '[::1]';
}

/** A plain object with string keys, or undefined: for checking servers' answers without trusting them. */
export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

export function form(values: Record<string, string | undefined>): URLSearchParams {
  const body = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) if (value !== undefined) body.set(key, value);
  return body;
}
