/**
 * OAuth as Threads does it (https://developers.facebook.com/docs/threads/get-started/get-access-tokens-and-permissions,
 * …/long-lived-tokens): the authorize dialog (a login form, then a consent page), the code
 * exchange for a short-lived token (1 h), the exchange for a long-lived one (60 days) and its
 * refresh. Sandbox leniencies: http loopback redirect URIs, and PKCE (S256) for public clients.
 */
import { createHash } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { secretToken } from '../core/random.ts';
import { checkToken, readParams } from './auth.ts';
import type { ThreadsContext } from './context.ts';
import { GraphError, invalidParameter } from './errors.ts';
import { consentPage, errorPage, loginPage } from './oauth-pages.ts';
import { ALL_SCOPES, dropStale, type Token } from './store.ts';

const HOUR = 3600_000;
/** What Meta answers in expires_in for a long-lived token; the token lives exactly that long here. */
export const LONG_LIVED_SECONDS = 5183944;
const APP_NAME = 'Braid';

export function issueToken(ctx: ThreadsContext, userId: string, scopes: Iterable<string>, longLived: boolean): Token {
  const issuedAt = ctx.store.clock.now();
  const token: Token = {
    // Threads tokens start with TH; the rest is opaque.
    token: `TH${secretToken(48)}`,
    userId,
    scopes: new Set(scopes),
    longLived,
    issuedAt,
    expiresAt: issuedAt + (longLived ? LONG_LIVED_SECONDS * 1000 : HOUR),
    revoked: false,
  };
  ctx.store.tokens.set(token.token, token);
  return token;
}

/** https redirect URIs, plus http on a loopback address (sandbox leniency). */
export function isAcceptableRedirect(uri: string): boolean {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return false;
  }
  if (url.hash !== '') return false;
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
}

const oauthError = (message: string, code = 100, subcode?: number): GraphError =>
  new GraphError(400, { message, type: 'OAuthException', code, ...(subcode === undefined ? {} : { error_subcode: subcode }) });

interface Session {
  userId: string;
  redirectUri: string;
  state?: string;
  scopes: string[];
  codeChallenge?: string;
  createdAt: number;
}

const AUTHORIZE_KEYS = ['client_id', 'redirect_uri', 'scope', 'response_type', 'state', 'code_challenge', 'code_challenge_method'] as const;

export function oauthRoutes(ctx: ThreadsContext): Hono {
  const app = new Hono();
  const sessions = new Map<string, Session>();
  const { store } = ctx;

  /** Checks the authorize parameters; a string is the error to show (never redirect to an unchecked URI). */
  const checkAuthorize = (p: Record<string, string>): { scopes: string[] } | string => {
    if (p.client_id !== ctx.appId) return 'Invalid app ID: the client_id does not match any app.';
    if (!p.redirect_uri || !isAcceptableRedirect(p.redirect_uri)) return 'Invalid redirect_uri: it must be https (or http on a loopback address in the sandbox).';
    if (p.response_type !== 'code') return 'Invalid response_type: only "code" is supported.';
    const scopes = (p.scope ?? '').split(/[\s,]+/).filter(Boolean);
    const unknown = scopes.filter((s) => !(ALL_SCOPES as readonly string[]).includes(s));
    if (unknown.length > 0) return `Invalid scope: ${unknown.join(', ')}`;
    if (!scopes.includes('threads_basic')) return 'Invalid scope: threads_basic is required.';
    if (p.code_challenge !== undefined && p.code_challenge_method !== 'S256') return 'Invalid code_challenge_method: only S256 is supported.';
    return { scopes: [...new Set(scopes)] };
  };

  const pick = (p: Record<string, string>): Record<string, string> =>
    Object.fromEntries(AUTHORIZE_KEYS.filter((k) => p[k] !== undefined).map((k) => [k, p[k] as string]));

  app.get('/oauth/authorize', (c) => {
    const params = pick(c.req.query());
    const checked = checkAuthorize(params);
    if (typeof checked === 'string') return c.html(errorPage(checked), 400);
    return c.html(loginPage(params, APP_NAME, undefined, ctx.options.demoSignIn));
  });

  app.post('/oauth/authorize/login', async (c) => {
    const form = await readParams(c);
    const params = pick(form);
    const checked = checkAuthorize(params);
    if (typeof checked === 'string') return c.html(errorPage(checked), 400);
    const user = store.usersByName.get((form.username ?? '').replace(/^@/, '').toLowerCase());
    if (!user || user.password !== form.password) return c.html(loginPage(params, APP_NAME, 'The username or password is incorrect.', ctx.options.demoSignIn), 401);
    const session = secretToken(24);
    dropStale(sessions, store.clock.now(), HOUR);
    const started: Session = {
      userId: user.id,
      redirectUri: params.redirect_uri as string,
      ...(params.state === undefined ? {} : { state: params.state }),
      scopes: checked.scopes,
      ...(params.code_challenge === undefined ? {} : { codeChallenge: params.code_challenge }),
      createdAt: store.clock.now(),
    };
    ctx.log(`threads: @${user.username} logged in for OAuth`);
    if (ctx.options.demoSignIn && form.demo_allow === '1') return c.redirect(answerConsent(started, true), 302);
    sessions.set(session, started);
    return c.html(consentPage(session, user.username, APP_NAME, checked.scopes));
  });

  app.post('/oauth/authorize/consent', async (c) => {
    const form = await readParams(c);
    const session = sessions.get(form.session ?? '');
    if (!session || store.clock.now() - session.createdAt > HOUR) return c.html(errorPage('This login has expired. Start again from the app.'), 400);
    sessions.delete(form.session as string);
    return c.redirect(answerConsent(session, form.decision === 'allow'), 302);
  });

  /** Where the browser goes after the consent page: the redirect URI with a code or Meta's denial. */
  const answerConsent = (session: Session, allow: boolean): string => {
    const target = new URL(session.redirectUri);
    if (allow) {
      const code = secretToken(32);
      // Codes live an hour; a used or expired one answers the same 36007 as an unknown one after that.
      dropStale(store.codes, store.clock.now(), HOUR);
      store.codes.set(code, {
        code,
        userId: session.userId,
        redirectUri: session.redirectUri,
        scopes: session.scopes,
        createdAt: store.clock.now(),
        used: false,
        ...(session.codeChallenge === undefined ? {} : { codeChallenge: session.codeChallenge }),
      });
      target.searchParams.set('code', code);
    } else {
      target.searchParams.set('error', 'access_denied');
      target.searchParams.set('error_reason', 'user_denied');
      target.searchParams.set('error_description', 'Permissions error');
    }
    if (session.state !== undefined) target.searchParams.set('state', session.state);
    // Meta appends #_ to the redirect; it is not part of the code.
    return `${target.toString()}#_`;
  };

  const exchangeCode = async (c: Context): Promise<Response> => {
    const p = await readParams(c);
    if (p.client_id !== ctx.appId) throw oauthError('Error validating application. Invalid application ID.', 101);
    if (p.grant_type !== 'authorization_code') throw invalidParameter('Unsupported grant_type: expected authorization_code');
    const code = store.codes.get(p.code ?? '');
    if (!code) throw oauthError('Invalid verification code format.', 100, 36007);
    if (code.used) throw oauthError('This authorization code has been used.', 100, 36009);
    if (store.clock.now() - code.createdAt > HOUR) throw oauthError('This authorization code has expired.', 100, 36007);
    if (p.redirect_uri !== code.redirectUri)
      throw oauthError('Error validating verification code. Please make sure your redirect_uri is identical to the one you used in the OAuth dialog request', 100, 36008);
    if (p.client_secret !== undefined) {
      if (p.client_secret !== ctx.appSecret) throw oauthError('Error validating client secret.', 1);
    } else if (p.code_verifier !== undefined && code.codeChallenge !== undefined) {
      const digest = createHash('sha256').update(p.code_verifier).digest('base64url');
      if (digest !== code.codeChallenge) throw oauthError('Invalid code_verifier: it does not match the code_challenge.', 100);
    } else {
      throw oauthError('Missing client_secret parameter.', 101);
    }
    code.used = true;
    const token = issueToken(ctx, code.userId, code.scopes, false);
    // Meta sends user_id as a JSON number even though it exceeds 2^53: kept as is on purpose.
    return c.body(`{"access_token":${JSON.stringify(token.token)},"user_id":${code.userId}}`, 200, { 'content-type': 'application/json; charset=UTF-8' });
  };
  app.post('/oauth/access_token', exchangeCode);
  app.post('/v1.0/oauth/access_token', exchangeCode);

  const longLived = async (c: Context): Promise<Response> => {
    const p = await readParams(c);
    if (p.grant_type !== 'th_exchange_token') throw invalidParameter('Unsupported grant_type: expected th_exchange_token');
    if (p.client_secret !== ctx.appSecret) throw oauthError('Error validating client secret.', 1);
    const short = checkToken(ctx, p.access_token);
    if (short.longLived) throw invalidParameter('Only a short-lived access token can be exchanged for a long-lived one');
    const token = issueToken(ctx, short.userId, short.scopes, true);
    return c.json({ access_token: token.token, token_type: 'bearer', expires_in: LONG_LIVED_SECONDS });
  };
  app.get('/access_token', longLived);
  app.get('/v1.0/access_token', longLived);

  const refresh = async (c: Context): Promise<Response> => {
    const p = await readParams(c);
    if (p.grant_type !== 'th_refresh_token') throw invalidParameter('Unsupported grant_type: expected th_refresh_token');
    const old = checkToken(ctx, p.access_token);
    if (!old.longLived) throw invalidParameter('Only a long-lived access token can be refreshed');
    if (store.clock.now() - old.issuedAt < 24 * HOUR)
      throw invalidParameter('The access token can be refreshed only once it is at least 24 hours old', 'Try again later: a long-lived token can be refreshed 24 hours after it was issued.');
    const token = issueToken(ctx, old.userId, old.scopes, true);
    return c.json({ access_token: token.token, token_type: 'bearer', expires_in: LONG_LIVED_SECONDS });
  };
  app.get('/refresh_access_token', refresh);
  app.get('/v1.0/refresh_access_token', refresh);

  return app;
}
