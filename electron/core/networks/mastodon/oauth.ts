/**
 * Signing in to a Mastodon server: check it speaks the Mastodon API, register Braid once per
 * instance, and run authorization code + PKCE (docs.joinmastodon.org/methods/oauth,
 * docs.joinmastodon.org/methods/apps, RFC 8252 for the loopback redirect).
 */
import { BraidError } from '@shared/errors';
import type { LinkTarget } from '../../auth/target';
import type { MastodonAppsRepo } from '../../db/mastodon-apps-repo';
import type { Logger } from '../../log';
import { asRecord, form, readJson, request, type Fetch } from '../../net/http';
import type { SecretStore } from '../../secrets/secret-store';
import { secretKey } from '../../secrets/secret-store';
import { verifyMastodonToken } from './client';
import type { InstanceAddress } from './instance';

export const MASTODON_SCOPES = 'read write';
/** Registered without a port: RFC 8252 §7.3 lets a loopback redirect use any port. */
export const LOOPBACK_REDIRECT = 'http://127.0.0.1/callback';
export const OOB_REDIRECT = 'urn:ietf:wg:oauth:2.0:oob';

export interface MastodonDeps {
  fetch: Fetch;
  apps: MastodonAppsRepo;
  secrets: SecretStore;
  now: () => number;
  log: Logger;
}

export interface MastodonServer {
  origin: string;
  host: string;
  title: string;
  authorizeEndpoint: string;
  tokenEndpoint: string;
  revokeEndpoint: string;
  pkce: boolean;
}

export const appSecretKey = (origin: string): string => secretKey('mastodon-app', origin, 'client-secret');

/** Checks the address is a Mastodon-API server (/api/v2/instance, then v1) and reads its OAuth metadata. */
export async function discoverMastodon(deps: MastodonDeps, address: InstanceAddress): Promise<MastodonServer> {
  const { origin, host } = address;
  const notMastodon = (detail: string) =>
    new BraidError(
      'link.not-mastodon',
      `${host} answered, but it is not a Mastodon server (${detail}). Check the address: it is the part after the second @ in your handle.`,
    );
  let title: string | null = null;
  for (const path of ['/api/v2/instance', '/api/v1/instance']) {
    const response = await request(deps.fetch, `${origin}${path}`, { headers: { accept: 'application/json' } });
    if (response.status >= 500) {
      throw new BraidError('network.server-error', `${host} is having trouble right now (HTTP ${response.status}). Try again later.`);
    }
    if (!response.ok) {
      await response.body?.cancel();
      continue;
    }
    const body = asRecord(await readJson(response, host).catch(() => undefined));
    const named = path.includes('v2') ? body?.domain : body?.uri;
    if (body && typeof body.version === 'string' && typeof named === 'string') {
      title = typeof body.title === 'string' && body.title !== '' ? body.title : host;
      break;
    }
  }
  if (title === null) throw notMastodon('no Mastodon API at /api/v2/instance or /api/v1/instance');

  // Mastodon 4.3+ describes its OAuth server (RFC 8414); older ones use the fixed paths.
  const server: MastodonServer = {
    origin,
    host,
    title,
    authorizeEndpoint: `${origin}/oauth/authorize`,
    tokenEndpoint: `${origin}/oauth/token`,
    revokeEndpoint: `${origin}/oauth/revoke`,
    pkce: false,
  };
  const meta = await request(deps.fetch, `${origin}/.well-known/oauth-authorization-server`, { headers: { accept: 'application/json' } });
  if (meta.ok) {
    const body = asRecord(await readJson(meta, host).catch(() => undefined));
    server.authorizeEndpoint = httpUrl(body?.authorization_endpoint) ?? server.authorizeEndpoint;
    server.tokenEndpoint = httpUrl(body?.token_endpoint) ?? server.tokenEndpoint;
    server.revokeEndpoint = httpUrl(body?.revocation_endpoint) ?? server.revokeEndpoint;
    const methods = body?.code_challenge_methods_supported;
    server.pkce = Array.isArray(methods) && methods.includes('S256');
  } else {
    await meta.body?.cancel();
  }
  return server;
}

function httpUrl(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

export interface RegisteredApp {
  clientId: string;
  clientSecret: string;
}

/** Braid's registration on this instance: reused when it exists, made once when it does not. */
export async function ensureApp(deps: MastodonDeps, server: MastodonServer): Promise<RegisteredApp> {
  const stored = deps.apps.get(server.origin);
  if (stored && stored.scopes === MASTODON_SCOPES) {
    const clientSecret = await deps.secrets.get(appSecretKey(server.origin));
    if (clientSecret) return { clientId: stored.clientId, clientSecret };
  }
  const redirectUris = [LOOPBACK_REDIRECT, OOB_REDIRECT];
  const response = await request(deps.fetch, `${server.origin}/api/v1/apps`, {
    method: 'POST',
    // Newline-separated redirect URIs work on every Mastodon version (an array only on 4.3+).
    body: form({ client_name: 'Braid', redirect_uris: redirectUris.join('\n'), scopes: MASTODON_SCOPES }),
  });
  const body = asRecord(await readJson(response, server.host));
  if (!response.ok || typeof body?.client_id !== 'string' || typeof body.client_secret !== 'string') {
    const detail = typeof body?.error === 'string' ? `: ${body.error.slice(0, 160)}` : '';
    throw new BraidError('network.server-error', `${server.host} would not register Braid as an app (HTTP ${response.status}${detail}).`);
  }
  await deps.secrets.set(appSecretKey(server.origin), body.client_secret);
  deps.apps.save({
    origin: server.origin,
    clientId: body.client_id,
    redirectUris,
    scopes: MASTODON_SCOPES,
    registeredAt: new Date(deps.now()).toISOString(),
  });
  deps.log.info('mastodon', `registered Braid on ${server.host}`);
  return { clientId: body.client_id, clientSecret: body.client_secret };
}

/** The sign-in for one instance, for LinkFlows. */
export function mastodonTarget(deps: MastodonDeps, server: MastodonServer, app: RegisteredApp): LinkTarget {
  return {
    network: 'mastodon',
    server: server.origin,
    serverName: server.host,
    threadsServerId: null,
    methods: ['loopback', 'paste'],
    redirectUriFor: () => OOB_REDIRECT,
    authorizeUrl({ redirectUri, state, codeChallenge }) {
      const url = new URL(server.authorizeEndpoint);
      url.search = new URLSearchParams({
        response_type: 'code',
        client_id: app.clientId,
        redirect_uri: redirectUri,
        scope: MASTODON_SCOPES,
        state,
        ...(server.pkce ? { code_challenge: codeChallenge, code_challenge_method: 'S256' } : {}),
      }).toString();
      return url.href;
    },
    async exchange({ code, redirectUri, codeVerifier, signal }) {
      const response = await request(deps.fetch, server.tokenEndpoint, {
        method: 'POST',
        signal,
        body: form({
          grant_type: 'authorization_code',
          code,
          client_id: app.clientId,
          client_secret: app.clientSecret,
          redirect_uri: redirectUri,
          scope: MASTODON_SCOPES,
          code_verifier: server.pkce ? codeVerifier : undefined,
        }),
      });
      const body = asRecord(await readJson(response, server.host));
      if (response.status === 401 || body?.error === 'invalid_client') {
        // The instance forgot Braid's registration: drop ours so the next attempt registers again.
        deps.apps.remove(server.origin);
        await deps.secrets.delete(appSecretKey(server.origin));
        throw new BraidError('link.code-rejected', `${server.host} no longer recognises Braid's app registration. Start linking again and Braid will register afresh.`);
      }
      if (!response.ok || typeof body?.access_token !== 'string') {
        if (body?.error === 'invalid_grant') {
          throw new BraidError('link.code-rejected', `${server.host} refused the sign-in code: it was already used, has expired, or belongs to another sign-in. Start linking again.`);
        }
        throw new BraidError('network.server-error', `${server.host} could not finish the sign-in (HTTP ${response.status}). Try again.`);
      }
      const token = body.access_token;
      deps.log.redact(token);
      const profile = await verifyMastodonToken(server.origin, token);
      return { ...profile, token, tokenIssuedAt: new Date(deps.now()).toISOString(), tokenExpiresAt: null };
    },
  };
}

/** Asks the server to revoke a token (RFC 7009). Resolves false when it could not be told. */
export async function revokeMastodonToken(deps: MastodonDeps, origin: string, token: string): Promise<boolean> {
  const stored = deps.apps.get(origin);
  const clientSecret = stored ? await deps.secrets.get(appSecretKey(origin)) : null;
  if (!stored || !clientSecret) return false;
  const response = await request(deps.fetch, `${origin}/oauth/revoke`, {
    method: 'POST',
    body: form({ client_id: stored.clientId, client_secret: clientSecret, token }),
  });
  await response.body?.cancel();
  return response.ok;
}
