/**
 * OAuth endpoints (https://docs.joinmastodon.org/methods/apps/, .../methods/oauth/):
 * POST /api/v1/apps, GET /api/v1/apps/verify_credentials, POST /oauth/token, POST /oauth/revoke,
 * GET /.well-known/oauth-authorization-server. Errors are RFC 6749 `{error, error_description}`.
 */
import { secretToken } from '../core/random.ts';
import { ApiError, type Ctx } from './context.ts';
import type { AppRecord } from './model.ts';
import { bearer, params, requireToken, str, type App, type C, type Params } from './api-support.ts';
import { appJson, findApp, issueToken, parseScopes, revokeToken, s256, SCOPES_SUPPORTED, scopesWithin, tokenJson, validRedirectUri, type OAuthState } from './oauth-core.ts';

const INVALID_CLIENT = 'Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.';
const INVALID_GRANT = 'The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.';

const oauthError = (c: C, status: 400 | 401 | 403, error: string, description: string): Response => c.json({ error, error_description: description }, status);

/** client_id/client_secret from the body or HTTP Basic (RFC 6749 §2.3.1). */
function clientCredentials(c: C, p: Params): { id: string | undefined; secret: string | undefined } {
  const basic = /^Basic\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1];
  if (basic) {
    const [id, secret] = Buffer.from(basic, 'base64').toString('utf8').split(':');
    return { id: id && decodeURIComponent(id), secret: secret && decodeURIComponent(secret) };
  }
  return { id: str(p, 'client_id'), secret: str(p, 'client_secret') };
}

export function oauthRoutes(app: App, ctx: Ctx, oauth: OAuthState): void {
  const { store } = ctx;

  app.post('/api/v1/apps', async (c) => {
    const p = await params(c);
    const name = str(p, 'client_name')?.trim() ?? '';
    if (name === '') throw new ApiError(422, "Validation failed: Application name can't be blank");
    const rawUris = Array.isArray(p.redirect_uris) ? p.redirect_uris.filter((u): u is string => typeof u === 'string') : (str(p, 'redirect_uris') ?? '').split('\n');
    const uris = rawUris.map((u) => u.trim()).filter(Boolean);
    if (uris.length === 0) throw new ApiError(422, "Validation failed: Redirect URI can't be blank");
    if (!uris.every(validRedirectUri)) throw new ApiError(422, 'Validation failed: Redirect URI must be an absolute URI.');
    const scopes = parseScopes(str(p, 'scopes'), ['read']);
    if (!scopes) throw new ApiError(422, 'Validation failed: Scopes must be a subset of the allowed scopes');
    const record: AppRecord = {
      id: store.ids.next(store.clock.now()),
      name,
      website: str(p, 'website') || null,
      redirectUris: uris,
      scopes,
      clientId: secretToken(32),
      clientSecret: secretToken(32),
      createdAt: store.clock.now(),
    };
    store.apps.set(record.id, record);
    store.appsByClientId.set(record.clientId, record.id);
    return c.json(appJson(record, true));
  });

  app.get('/api/v1/apps/verify_credentials', (c) => {
    const token = requireToken(c, 'read');
    const record = token.appId === null ? undefined : store.apps.get(token.appId);
    if (!record) throw new ApiError(401, 'The access token is invalid');
    return c.json(appJson(record, false));
  });

  app.post('/oauth/token', async (c) => {
    const p = await params(c);
    const grant = str(p, 'grant_type');
    const client = clientCredentials(c, p);
    const record = findApp(store, client.id);
    if (grant === undefined) return oauthError(c, 400, 'invalid_request', 'Missing required parameter: grant_type.');
    if (grant !== 'authorization_code' && grant !== 'client_credentials')
      return oauthError(c, 400, 'unsupported_grant_type', 'The authorization grant type is not supported by the authorization server.');
    // Mastodon's apps are confidential clients: the secret is required, with or without PKCE.
    if (!record || client.secret !== record.clientSecret) return oauthError(c, 401, 'invalid_client', INVALID_CLIENT);
    if (grant === 'client_credentials') {
      const scopes = parseScopes(str(p, 'scope'), ['read']);
      if (!scopes || !scopesWithin(scopes, record.scopes)) return oauthError(c, 400, 'invalid_scope', 'The requested scope is invalid, unknown, or malformed.');
      return c.json(tokenJson(issueToken(store, record.id, null, scopes)));
    }
    const codeValue = str(p, 'code');
    const verifier = str(p, 'code_verifier');
    const code = codeValue === undefined ? undefined : oauth.codes.get(codeValue);
    const missing = codeValue === undefined ? 'code' : code !== undefined && code.challenge !== null && verifier === undefined ? 'code_verifier' : str(p, 'redirect_uri') === undefined ? 'redirect_uri' : undefined;
    if (missing !== undefined) return oauthError(c, 400, 'invalid_request', `Missing required parameter: ${missing}.`);
    if (!code || code.used || code.appId !== record.id || code.expiresAt <= store.clock.now() || str(p, 'redirect_uri') !== code.redirectUri)
      return oauthError(c, 400, 'invalid_grant', INVALID_GRANT);
    if (code.challenge !== null && s256(verifier ?? '') !== code.challenge) return oauthError(c, 400, 'invalid_grant', INVALID_GRANT);
    code.used = true;
    return c.json(tokenJson(issueToken(store, record.id, code.accountId, code.scopes)));
  });

  app.post('/oauth/revoke', async (c) => {
    const p = await params(c);
    const client = clientCredentials(c, p);
    const record = findApp(store, client.id);
    if (!record || client.secret !== record.clientSecret) return oauthError(c, 401, 'invalid_client', INVALID_CLIENT);
    const token = store.tokens.get(str(p, 'token') ?? '');
    if (token && token.appId !== record.id) return oauthError(c, 403, 'unauthorized_client', 'You are not authorized to revoke this token');
    if (token) revokeToken(ctx, token);
    return c.json({});
  });

  // Oauth::UserinfoController: the OpenID-style profile for a token with the `profile` scope.
  const userinfo = (c: C): Response => {
    const token = store.tokens.get(bearer(c) ?? '');
    if (!token || token.revoked) return c.json({ error: 'The access token is invalid' }, 401);
    if (!token.scopes.includes('profile')) return c.json({ error: 'This action is outside the authorized scopes' }, 403);
    const account = token.accountId === null ? undefined : store.accounts.get(token.accountId);
    if (!account) return c.json({ error: 'This method requires an authenticated user' }, 422);
    return c.json({ iss: `${store.origin}/`, sub: account.url, name: account.displayName, preferred_username: account.username, profile: account.url, picture: account.avatar });
  };
  app.get('/oauth/userinfo', userinfo);
  app.post('/oauth/userinfo', userinfo);

  app.get('/.well-known/oauth-authorization-server', (c) =>
    c.json({
      issuer: `${store.origin}/`,
      service_documentation: 'https://docs.joinmastodon.org/',
      authorization_endpoint: `${store.origin}/oauth/authorize`,
      token_endpoint: `${store.origin}/oauth/token`,
      app_registration_endpoint: `${store.origin}/api/v1/apps`,
      revocation_endpoint: `${store.origin}/oauth/revoke`,
      userinfo_endpoint: `${store.origin}/oauth/userinfo`,
      scopes_supported: SCOPES_SUPPORTED,
      response_types_supported: ['code'],
      response_modes_supported: ['query', 'fragment', 'form_post'],
      code_challenge_methods_supported: ['S256'],
      grant_types_supported: ['authorization_code', 'client_credentials'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    }),
  );
}
