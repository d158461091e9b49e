/** PKCE (RFC 7636, S256) and unguessable values for OAuth `state`: node:crypto is enough. */
import { createHash, randomBytes } from 'node:crypto';

/** 32 random bytes as base64url: 256 bits, safe in URLs. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

export interface Pkce {
  verifier: string;
  /** base64url(sha256(verifier)), sent with code_challenge_method=S256. */
  challenge: string;
}

export function createPkce(): Pkce {
  // 43 characters from the unreserved set, as RFC 7636 §4.1 asks.
  const verifier = randomToken(32);
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}
