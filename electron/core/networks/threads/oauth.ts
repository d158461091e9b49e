/**
 * Signing in to a Threads-style server (developers.facebook.com/docs/threads/get-started):
 * authorization code (with `state`, and PKCE where the server takes it) → short-lived token →
 * long-lived token (th_exchange_token, 60 days) → refreshed with th_refresh_token once a day.
 */
import { BraidError } from '@shared/errors';
import type { LinkMethod } from '@shared/linking';
import type { LinkedIdentity, LinkTarget } from '../../auth/target';
import type { ThreadsServerRecord } from '../../db/threads-servers-repo';
import type { Logger } from '../../log';
import type { Fetch } from '../../net/http';
import { graphRequest, type GraphError } from './graph';

export const THREADS_SCOPES = [
  'threads_basic',
  'threads_content_publish',
  'threads_read_replies',
  'threads_manage_replies',
  'threads_manage_insights',
  'threads_manage_mentions',
  'threads_profile_discovery',
  'threads_delete',
];

const PROFILE_FIELDS = 'id,username,name,threads_profile_picture_url';

export interface ThreadsDeps {
  fetch: Fetch;
  now: () => number;
  log: Logger;
}

/** A server's settings with its secret, ready to sign in with. */
export interface ReadyThreadsServer {
  record: ThreadsServerRecord;
  appSecret: string;
}

export function hostOf(server: ThreadsServerRecord): string {
  return new URL(server.apiBase).host;
}

/** Methods this server supports, best first: loopback where allowed, else the auth window, else paste. */
export function threadsMethods(server: ThreadsServerRecord): LinkMethod[] {
  const methods: LinkMethod[] = [];
  if (server.allowsLoopback) methods.push('loopback');
  if (server.redirectUri) methods.push('window', 'paste');
  return methods;
}

export function threadsTarget(deps: ThreadsDeps, ready: ReadyThreadsServer): LinkTarget {
  const { record: server, appSecret } = ready;
  const host = hostOf(server);
  return {
    network: 'threads',
    server: server.apiBase,
    serverName: server.name,
    threadsServerId: server.id,
    methods: threadsMethods(server),
    redirectUriFor() {
      if (!server.redirectUri) throw new BraidError('link.server-not-ready', `${server.name} has no redirect URI set. Add the https redirect URI registered for your app in Settings → Threads servers.`);
      return server.redirectUri;
    },
    authorizeUrl({ redirectUri, state, codeChallenge }) {
      const url = new URL(server.authorizeUrl);
      url.search = new URLSearchParams({
        client_id: server.appId,
        redirect_uri: redirectUri,
        scope: THREADS_SCOPES.join(','),
        response_type: 'code',
        state,
        ...(server.usesPkce ? { code_challenge: codeChallenge, code_challenge_method: 'S256' } : {}),
      }).toString();
      return url.href;
    },
    async exchange({ code, redirectUri, codeVerifier, signal }) {
      const codeRejected = (_status: number, error: GraphError | undefined): BraidError | undefined => {
        if (error?.code === 100 && (error.subcode === 36007 || error.subcode === 36008 || error.subcode === 36009)) {
          return new BraidError('link.code-rejected', `${server.name} refused the sign-in code: it was already used, has expired, or belongs to another sign-in. Start linking again.`);
        }
        if (error?.code === 1 || error?.code === 101) {
          return new BraidError('link.server-not-ready', `${server.name} refused the app id or app secret in Braid's settings. Check them in Settings → Threads servers.`);
        }
        return undefined;
      };
      const short = await graphRequest({
        fetch: deps.fetch,
        apiBase: server.apiBase,
        path: '/oauth/access_token',
        method: 'POST',
        step: 'finishing the sign-in',
        signal,
        explain: codeRejected,
        params: {
          client_id: server.appId,
          client_secret: appSecret,
          code,
          grant_type: 'authorization_code',
          redirect_uri: redirectUri,
          ...(server.usesPkce ? { code_verifier: codeVerifier } : {}),
        },
      });
      const shortToken = tokenOf(short, host);
      deps.log.redact(shortToken);
      const long = await graphRequest({
        fetch: deps.fetch,
        apiBase: server.apiBase,
        path: '/access_token',
        token: shortToken,
        tokenIn: 'query',
        step: 'getting a long-lived token',
        signal,
        explain: codeRejected,
        params: { grant_type: 'th_exchange_token', client_secret: appSecret },
      });
      return identityFrom(deps, server, long, signal);
    },
  };
}

function tokenOf(body: Record<string, unknown>, host: string): string {
  if (typeof body.access_token !== 'string' || body.access_token === '') {
    throw new BraidError('network.bad-response', `${host} answered the sign-in without a token.`);
  }
  return body.access_token;
}

/** A long-lived token answer → the token, its expiry, and who it belongs to. */
async function identityFrom(deps: ThreadsDeps, server: ThreadsServerRecord, answer: Record<string, unknown>, signal?: AbortSignal): Promise<LinkedIdentity> {
  const token = tokenOf(answer, hostOf(server));
  deps.log.redact(token);
  const now = deps.now();
  const expiresIn = typeof answer.expires_in === 'number' && answer.expires_in > 0 ? answer.expires_in : null;
  const profile = await fetchThreadsProfile(deps, server, token, signal);
  return {
    ...profile,
    token,
    tokenIssuedAt: new Date(now).toISOString(),
    tokenExpiresAt: expiresIn === null ? null : new Date(now + expiresIn * 1000).toISOString(),
  };
}

export async function fetchThreadsProfile(
  deps: ThreadsDeps,
  server: ThreadsServerRecord,
  token: string,
  signal?: AbortSignal,
): Promise<Omit<LinkedIdentity, 'token' | 'tokenIssuedAt' | 'tokenExpiresAt'>> {
  const me = await graphRequest({
    fetch: deps.fetch,
    apiBase: server.apiBase,
    path: 'me',
    token,
    step: 'reading your profile',
    params: { fields: PROFILE_FIELDS },
    ...(signal ? { signal } : {}),
  });
  if (typeof me.id !== 'string' || me.id === '' || typeof me.username !== 'string' || me.username === '') {
    throw new BraidError('network.bad-response', `${hostOf(server)} described your profile in a way Braid could not read.`);
  }
  const picture = me.threads_profile_picture_url;
  return {
    remoteId: me.id,
    handle: me.username,
    displayName: typeof me.name === 'string' && me.name !== '' ? me.name : me.username,
    avatarUrl: typeof picture === 'string' && /^https?:\/\//.test(picture) ? picture : null,
  };
}

/** A token the user pasted: checked with /me before Braid keeps it. Its age is unknown, so it counts from now. */
export async function identityFromPastedToken(deps: ThreadsDeps, server: ThreadsServerRecord, token: string): Promise<LinkedIdentity> {
  deps.log.redact(token);
  try {
    const profile = await fetchThreadsProfile(deps, server, token);
    return { ...profile, token, tokenIssuedAt: new Date(deps.now()).toISOString(), tokenExpiresAt: null };
  } catch (error) {
    if (error instanceof BraidError && error.code === 'account.needs-sign-in') {
      throw new BraidError('link.token-invalid', `${server.name} did not accept that access token (it is invalid, expired or revoked). Copy a fresh long-lived token and try again.`);
    }
    throw error;
  }
}

/** th_refresh_token: a new 60-day token for one at least 24 hours old. */
export async function refreshThreadsToken(deps: ThreadsDeps, server: ThreadsServerRecord, token: string): Promise<{ token: string; issuedAt: string; expiresAt: string | null }> {
  const answer = await graphRequest({
    fetch: deps.fetch,
    apiBase: server.apiBase,
    path: '/refresh_access_token',
    token,
    tokenIn: 'query',
    step: 'refreshing the sign-in',
    params: { grant_type: 'th_refresh_token' },
  });
  const fresh = tokenOf(answer, hostOf(server));
  deps.log.redact(fresh);
  const now = deps.now();
  const expiresIn = typeof answer.expires_in === 'number' && answer.expires_in > 0 ? answer.expires_in : null;
  return {
    token: fresh,
    issuedAt: new Date(now).toISOString(),
    expiresAt: expiresIn === null ? null : new Date(now + expiresIn * 1000).toISOString(),
  };
}
