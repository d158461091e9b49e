/**
 * Error codes that may cross the boundary between backend and renderer.
 * Every error a user can see carries one of these codes and a message a person can act on.
 */
export const ERROR_CODES = [
  /** The caller asked for a method the contract does not define. */
  'method.unknown',
  /** The arguments did not match the method's schema. */
  'input.invalid',
  /** The call came from a frame or origin that may not use the contract. */
  'caller.forbidden',
  /** The backend produced a value that does not match the contract (a bug in Braid). */
  'output.invalid',
  /** The local database could not be opened or used. */
  'storage.failed',
  /** The database was written by a newer Braid. */
  'storage.newer-schema',
  /** The OS keychain is locked, missing or refused the request. */
  'secrets.unavailable',
  /** The browser host lost its connection to the backend. */
  'host.unreachable',
  /** A server did not answer: DNS, refused connection, timeout, offline. */
  'network.unreachable',
  /** The server's TLS certificate could not be verified. */
  'network.tls',
  /** The server answered with something that is not what its API promises. */
  'network.bad-response',
  /** The server says Braid is making too many requests. */
  'network.rate-limited',
  /** The server failed (5xx) or refused the request for a reason Braid cannot fix. */
  'network.server-error',
  /** What the user typed is not a server address or handle Braid can use. */
  'link.invalid-address',
  /** The address answers, but not with the Mastodon API. */
  'link.not-mastodon',
  /** The Threads server's settings are incomplete (app id, app secret, redirect URI). */
  'link.server-not-ready',
  /** The user pressed Deny (or Cancel) on the server's consent page. */
  'link.denied',
  /** A sign-in callback carried a state Braid did not issue: possible CSRF, rejected. */
  'link.state-mismatch',
  /** The server refused the authorization code: already used, expired, or for another app. */
  'link.code-rejected',
  /** Braid could not open its one-time loopback listener on 127.0.0.1. */
  'link.loopback-failed',
  /** Nobody finished signing in before the link expired. */
  'link.timed-out',
  /** The user cancelled linking. */
  'link.cancelled',
  /** The link flow is unknown: finished, cancelled or expired. */
  'link.unknown-flow',
  /** Signing in again for an account ended signed in as someone else. */
  'link.wrong-account',
  /** A pasted access token was refused by the server. */
  'link.token-invalid',
  /** No linked account has that id. */
  'account.unknown',
  /** The account's token was revoked or expired; the user must sign in again. */
  'account.needs-sign-in',
  /** The account is not a Threads account, so Fediverse sharing does not apply to it. */
  'sharing.not-threads',
  /** Threads will not let this profile share (private profile, under 18). */
  'sharing.ineligible',
  /** The server has no API for changing sharing: use Threads' own settings page (guided mode). */
  'sharing.guided-only',
  /** Turning sharing on needs the user to accept Threads' warnings first. */
  'sharing.needs-acknowledgement',
  /** The card is no longer in the cache (deleted, or its account unlinked). */
  'post.unknown',
  /** The chosen account cannot do this to this post (e.g. a Threads account and a Mastodon-only post). */
  'action.unavailable',
  /** No draft has that id. */
  'draft.unknown',
  /** The draft breaks a network's rules (too long, empty, no account chosen). */
  'draft.invalid',
  /** A Threads server configuration cannot be saved or used as given. */
  'servers.invalid',
  /** Anything unexpected; the details are in the log, never in the message. */
  'internal',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** The only shape of error that crosses IPC or HTTP. */
export interface WireError {
  code: ErrorCode;
  message: string;
}

/** What every contract call returns on the wire. */
export type WireResult<T> = { ok: true; value: T } | { ok: false; error: WireError };

/** An error thrown inside the backend that is meant to reach the user as it is. */
export class BraidError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BraidError';
    this.code = code;
  }

  toWire(): WireError {
    return { code: this.code, message: this.message };
  }
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}

/** True for a `{ code, message }` value as it arrives from the bridge (a plain object, not a class). */
export function isWireError(value: unknown): value is WireError {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Record<string, unknown>;
  return isErrorCode(candidate.code) && typeof candidate.message === 'string';
}
