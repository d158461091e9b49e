/**
 * Signed-in calls to a Mastodon server go through masto.js; this file turns its errors into
 * BraidErrors (a 401 means the token was revoked: the account needs signing in again).
 */
import { createRestAPIClient, MastoDeserializeError, MastoHttpError, MastoTimeoutError, MastoUnexpectedError, type mastodon } from 'masto';
import { BraidError } from '@shared/errors';
import { DEFAULT_TIMEOUT_MS, transportError } from '../../net/http';

export type MastodonClient = mastodon.rest.Client;

export function mastodonClient(origin: string, accessToken: string): MastodonClient {
  return createRestAPIClient({ url: origin, accessToken, timeout: DEFAULT_TIMEOUT_MS, log: 'error' });
}

/** Runs one masto.js call and explains its failure in Braid's words. */
export async function mastodonCall<T>(origin: string, step: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw explainMastodonError(origin, step, error);
  }
}

export function explainMastodonError(origin: string, step: string, error: unknown): BraidError {
  if (error instanceof BraidError) return error;
  const host = new URL(origin).host;
  if (error instanceof MastoHttpError) {
    if (error.statusCode === 401) {
      return new BraidError('account.needs-sign-in', `${host} no longer accepts Braid's sign-in (it was revoked or the app was removed). Sign in again.`, {
        cause: error,
      });
    }
    if (error.statusCode === 429) {
      return new BraidError('network.rate-limited', `${host} asked Braid to slow down. Braid will try again in a few minutes.`, { cause: error });
    }
    if (error.statusCode >= 500) {
      return new BraidError('network.server-error', `${host} is having trouble (HTTP ${error.statusCode}) while ${step}. Try again later.`, { cause: error });
    }
    return new BraidError('network.server-error', `${host} refused ${step} (HTTP ${error.statusCode}: ${error.message.slice(0, 160)}).`, {
      cause: error,
    });
  }
  if (error instanceof MastoTimeoutError) {
    return transportError(new URL(origin), error, DEFAULT_TIMEOUT_MS);
  }
  if (error instanceof MastoUnexpectedError || error instanceof MastoDeserializeError || error instanceof SyntaxError) {
    return new BraidError('network.bad-response', `${host} sent an answer Braid could not read while ${step}.`, { cause: error });
  }
  return transportError(new URL(origin), error, null);
}

export interface MastodonProfile {
  remoteId: string;
  handle: string;
  displayName: string;
  avatarUrl: string | null;
}

/** Who the token belongs to; `acct` is local, so the handle adds the instance's host. */
export async function verifyMastodonToken(origin: string, accessToken: string): Promise<MastodonProfile> {
  const me = await mastodonCall(origin, 'checking your account', () => mastodonClient(origin, accessToken).v1.accounts.verifyCredentials());
  // Servers differ from the docs; check what Braid relies on rather than trusting the types.
  // masto.js hands back whatever a non-JSON body decoded to (even undefined), so check the shape first.
  const raw = (typeof me === 'object' && (me as unknown) !== null ? me : {}) as Partial<Record<'id' | 'acct' | 'displayName' | 'avatar', unknown>>;
  const host = new URL(origin).host;
  if (typeof raw.id !== 'string' || raw.id === '' || typeof raw.acct !== 'string' || raw.acct === '') {
    throw new BraidError('network.bad-response', `${host} described your account in a way Braid could not read.`);
  }
  return {
    remoteId: raw.id,
    handle: raw.acct.includes('@') ? raw.acct : `${raw.acct}@${host}`,
    displayName: typeof raw.displayName === 'string' && raw.displayName !== '' ? raw.displayName : raw.acct,
    avatarUrl: typeof raw.avatar === 'string' && /^https?:\/\//.test(raw.avatar) ? raw.avatar : null,
  };
}
