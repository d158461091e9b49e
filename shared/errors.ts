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
