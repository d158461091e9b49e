/**
 * OAuth 2 state and rules shared by the API and the authorize pages: apps, scopes, redirect
 * URI matching (exact, except RFC 8252 §7.3 loopback ports), authorization codes with PKCE
 * S256, tokens. Follows https://docs.joinmastodon.org/spec/oauth/ and Doorkeeper's messages.
 */
import { createHash } from 'node:crypto';
import { secretToken } from '../core/random.ts';
import type { Ctx } from './context.ts';
import type { AppRecord, Store, TokenRecord } from './model.ts';

export const OOB = 'urn:ietf:wg:oauth:2.0:oob';
export const CODE_TTL_MS = 10 * 60 * 1000;

const GRANULAR = [
  'read:accounts', 'read:blocks', 'read:bookmarks', 'read:favourites', 'read:filters', 'read:follows', 'read:lists', 'read:mutes', 'read:notifications', 'read:search', 'read:statuses',
  'write:accounts', 'write:blocks', 'write:bookmarks', 'write:conversations', 'write:favourites', 'write:filters', 'write:follows', 'write:lists', 'write:media', 'write:mutes', 'write:notifications', 'write:reports', 'write:statuses',
];
export const SCOPES_SUPPORTED = ['read', 'write', 'follow', 'push', 'profile', ...GRANULAR];

export function parseScopes(value: string | undefined, fallback: string[]): string[] | undefined {
  if (value === undefined || value.trim() === '') return fallback;
  // Doorkeeper splits on spaces only ("read,write" is one unknown scope); `+` is a space once URL-decoded.
  const scopes = [...new Set(value.split(/\s+/).filter(Boolean))];
  return scopes.every((s) => SCOPES_SUPPORTED.includes(s)) ? scopes : undefined;
}

/**
 * Is every requested scope one the app registered? Doorkeeper compares the names literally, so
 * an app registered for `read` cannot ask for `read:statuses`.
 */
export function scopesWithin(requested: string[], registered: string[]): boolean {
  return requested.every((s) => registered.includes(s));
}

export function validRedirectUri(uri: string): boolean {
  if (uri === OOB) return true;
  try {
    const url = new URL(uri);
    return url.hash === '' && url.protocol !== 'javascript:' && url.protocol !== 'data:';
  } catch {
    return false;
  }
}

/** Doorkeeper's loopback test is IPAddr#loopback?: literal 127.0.0.0/8 or ::1, never the name localhost. */
const isLoopback = (hostname: string): boolean => hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);

export function redirectAllowed(registered: string[], given: string): boolean {
  if (registered.includes(given)) return true;
  let url: URL;
  try {
    url = new URL(given);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' || !isLoopback(url.hostname)) return false;
  return registered.some((r) => {
    try {
      const reg = new URL(r);
      return reg.protocol === 'http:' && reg.hostname === url.hostname && reg.pathname === url.pathname && reg.search === url.search;
    } catch {
      return false;
    }
  });
}

export interface CodeRecord {
  appId: string;
  accountId: string;
  redirectUri: string;
  scopes: string[];
  challenge: string | null;
  expiresAt: number;
  used: boolean;
}

export interface OAuthState {
  codes: Map<string, CodeRecord>;
  /** session id → signed-in account and its CSRF token. */
  sessions: Map<string, { accountId: string; csrf: string }>;
}

/** Sign-ins kept at once; the oldest session is forgotten first, like an expired cookie. */
const MAX_SESSIONS = 1000;

export function addSession(oauth: OAuthState, id: string, session: { accountId: string; csrf: string }): void {
  oauth.sessions.set(id, session);
  for (const old of oauth.sessions.keys()) {
    if (oauth.sessions.size <= MAX_SESSIONS) break;
    oauth.sessions.delete(old);
  }
}

/** Keep a new authorization code, dropping the ones that have expired (codes are issued in time order). */
export function addCode(oauth: OAuthState, code: string, record: CodeRecord, now: number): void {
  for (const [old, entry] of oauth.codes) {
    if (entry.expiresAt > now) break;
    oauth.codes.delete(old);
  }
  oauth.codes.set(code, record);
}

/** Doorkeeper's matching_token?: a live token of this app and user with exactly these scopes. */
export function hasMatchingToken(store: Store, appId: string, accountId: string, scopes: string[]): boolean {
  for (const token of store.tokens.values())
    if (!token.revoked && token.appId === appId && token.accountId === accountId && token.scopes.length === scopes.length && scopes.every((s) => token.scopes.includes(s))) return true;
  return false;
}

export function createOAuthState(): OAuthState {
  return { codes: new Map(), sessions: new Map() };
}

export function s256(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

export function issueToken(store: Store, appId: string | null, accountId: string | null, scopes: string[]): TokenRecord {
  const record: TokenRecord = { token: secretToken(32), appId, accountId, scopes, createdAt: store.clock.now(), revoked: false };
  store.tokens.set(record.token, record);
  return record;
}

/** Revoke a token (POST /oauth/revoke, the admin): the API refuses it and its streams close. */
export function revokeToken(ctx: Ctx, record: TokenRecord): void {
  record.revoked = true;
  ctx.streams.revoked(record.token);
}

export function tokenJson(record: TokenRecord): Record<string, unknown> {
  return { access_token: record.token, token_type: 'Bearer', scope: record.scopes.join(' '), created_at: Math.floor(record.createdAt / 1000) };
}

export function appJson(app: AppRecord, withSecret: boolean): Record<string, unknown> {
  return {
    id: app.id,
    name: app.name,
    website: app.website,
    scopes: app.scopes,
    redirect_uri: app.redirectUris.join('\n'),
    redirect_uris: app.redirectUris,
    vapid_key: 'BCkMmVlS_sandbox_no_push',
    ...(withSecret ? { client_id: app.clientId, client_secret: app.clientSecret, client_secret_expires_at: 0 } : {}),
  };
}

export function findApp(store: Store, clientId: string | undefined): AppRecord | undefined {
  const id = clientId === undefined ? undefined : store.appsByClientId.get(clientId);
  return id === undefined ? undefined : store.apps.get(id);
}
