/**
 * The browser half of OAuth (https://docs.joinmastodon.org/methods/oauth/#authorize): a sign-in
 * form, then a consent page naming the app and scopes with Authorize / Deny. The signed-in user
 * lives in a server-side session (cookie); the authorize request travels in hidden fields and is
 * validated again on every step; forms carry the session's CSRF token.
 */
import { getCookie, setCookie } from 'hono/cookie';
import { html, page } from '../core/html.ts';
import { secretToken } from '../core/random.ts';
import type { Ctx } from './context.ts';
import type { AppRecord } from './model.ts';
import { params, str, truthy, type App, type C, type Params } from './api-support.ts';
import { addCode, addSession, CODE_TTL_MS, findApp, hasMatchingToken, OOB, parseScopes, redirectAllowed, scopesWithin, type OAuthState } from './oauth-core.ts';

const COOKIE = '_mastodon_session';
const FIELDS = ['response_type', 'client_id', 'redirect_uri', 'scope', 'state', 'code_challenge', 'code_challenge_method'] as const;

interface Checked {
  app: AppRecord;
  redirectUri: string;
  scopes: string[];
  state: string | undefined;
  challenge: string | null;
  fields: Record<string, string>;
}

type Outcome = { ok: Checked } | { page: string } | { redirect: string };

function withQuery(uri: string, values: Record<string, string | undefined>): string {
  const url = new URL(uri);
  for (const [k, v] of Object.entries(values)) if (v !== undefined) url.searchParams.set(k, v);
  return url.toString();
}

export function oauthPages(app: App, ctx: Ctx, oauth: OAuthState, demo?: { username: string; password: string }): void {
  const { store } = ctx;
  const brand = store.title;

  const errorPage = (c: C, message: string): Response =>
    c.html(page(brand, 'Authorization error', html`<h1>An error has occurred</h1><p class="error">${message}</p>`), 400);

  /** Validate an authorize request the way Doorkeeper does: client and redirect first (error page), the rest by redirect. */
  const check = (p: Params): Outcome => {
    const fields: Record<string, string> = {};
    for (const f of FIELDS) {
      const v = str(p, f);
      if (v !== undefined) fields[f] = v;
    }
    const record = findApp(store, fields.client_id);
    if (!record) return { page: 'Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.' };
    const redirectUri = fields.redirect_uri ?? (record.redirectUris.length === 1 ? record.redirectUris[0] : undefined);
    if (redirectUri === undefined || !redirectAllowed(record.redirectUris, redirectUri)) return { page: 'The redirect uri included is not valid.' };
    const state = fields.state;
    const fail = (error: string, description: string): Outcome =>
      redirectUri === OOB ? { page: description } : { redirect: withQuery(redirectUri, { error, error_description: description, state }) };
    if (fields.response_type !== 'code') return fail('unsupported_response_type', 'The authorization server does not support this response type.');
    const scopes = parseScopes(fields.scope, ['read']);
    if (!scopes || !scopesWithin(scopes, record.scopes)) return fail('invalid_scope', 'The requested scope is invalid, unknown, or malformed.');
    const challenge = fields.code_challenge ?? null;
    if (challenge !== null && (fields.code_challenge_method ?? 'plain') !== 'S256')
      return fail('invalid_request', 'The code challenge method must be S256.');
    return { ok: { app: record, redirectUri, scopes, state, challenge, fields } };
  };

  const session = (c: C): { id: string; accountId: string; csrf: string } | undefined => {
    const id = getCookie(c, COOKIE);
    const s = id === undefined ? undefined : oauth.sessions.get(id);
    return s && id !== undefined && store.accounts.has(s.accountId) ? { id, ...s } : undefined;
  };

  const hidden = (fields: Record<string, string>) => Object.entries(fields).map(([k, v]) => html`<input type="hidden" name="${k}" value="${v}">`);

  const loginPage = (c: C, fields: Record<string, string>, error?: string): Response =>
    c.html(
      page(
        brand,
        'Log in',
        html`<h1>Log in to ${brand}</h1>
${error ? html`<p class="error">${error}</p>` : ''}
${demo ? html`<p class="demo">Sandbox demo: the demo account is filled in, and one click signs in and authorizes the app.</p>` : ''}
<form method="post" action="/auth/sign_in">
${hidden(fields)}
${demo ? html`<input type="hidden" name="demo_authorize" value="1">` : ''}
<label for="username">Username or e-mail</label><input type="text" id="username" name="username" autocomplete="username" value="${demo?.username ?? ''}" required>
<label for="password">Password</label><input type="password" id="password" name="password" autocomplete="current-password" value="${demo?.password ?? ''}" required>
<div class="actions"><button class="primary" type="submit">${demo ? 'Log in and authorize' : 'Log in'}</button></div>
</form>`,
      ),
      error ? 401 : 200,
    );

  const consentPage = (c: C, checked: Checked, csrf: string, username: string): Response =>
    c.html(
      page(
        brand,
        'Authorization required',
        html`<h1>Authorize ${checked.app.name}?</h1>
<p>Signed in as <strong>@${username}</strong>. <strong>${checked.app.name}</strong> would like permission to access your account. It is a third-party application. If you do not trust it, then you should not authorize it.</p>
<p>Review permissions:</p>
<ul class="scopes">${checked.scopes.map((s) => html`<li><code>${s}</code></li>`)}</ul>
<form method="post" action="/oauth/authorize">
${hidden(checked.fields)}
<input type="hidden" name="authenticity_token" value="${csrf}">
<div class="actions"><button class="primary" type="submit" name="decision" value="authorize">Authorize</button>
<button type="submit" name="decision" value="deny">Deny</button></div>
</form>`,
      ),
    );

  /** Issue a code and send the browser back to the app (or show the code, for oob). */
  const grant = (c: C, checked: Checked, accountId: string): Response => {
    const code = secretToken(32);
    const now = store.clock.now();
    addCode(oauth, code, { appId: checked.app.id, accountId, redirectUri: checked.redirectUri, scopes: checked.scopes, challenge: checked.challenge, expiresAt: now + CODE_TTL_MS, used: false }, now);
    if (checked.redirectUri === OOB)
      return c.html(page(brand, 'Authorization code', html`<h1>Authorization code</h1><p>Copy this code and paste it into the application.</p><code class="code">${code}</code>`));
    return c.redirect(withQuery(checked.redirectUri, { code, state: checked.state }), 302);
  };

  app.get('/oauth/authorize', async (c) => {
    const outcome = check(await params(c));
    if ('page' in outcome) return errorPage(c, outcome.page);
    if ('redirect' in outcome) return c.redirect(outcome.redirect, 302);
    const s = session(c);
    const forceLogin = truthy(c, 'force_login');
    if (!s || forceLogin) return loginPage(c, outcome.ok.fields);
    // Oauth::AuthorizationsController#render_success: a user who already holds a live token of
    // this app with these scopes is sent straight back, without the consent page.
    if (hasMatchingToken(store, outcome.ok.app.id, s.accountId, outcome.ok.scopes)) return grant(c, outcome.ok, s.accountId);
    return consentPage(c, outcome.ok, s.csrf, store.accounts.get(s.accountId)?.username ?? '');
  });

  app.post('/auth/sign_in', async (c) => {
    const p = await params(c);
    const outcome = check(p);
    if ('page' in outcome) return errorPage(c, outcome.page);
    if ('redirect' in outcome) return c.redirect(outcome.redirect, 302);
    const login = (str(p, 'username') ?? '').replace(/^@/, '').toLowerCase();
    const username = login.endsWith(`@${store.host}`) ? login.slice(0, -store.host.length - 1) : login;
    const id = store.accountsByAcct.get(username);
    const account = id === undefined ? undefined : store.accounts.get(id);
    if (!account || account.domain !== null || account.password === '' || account.password !== str(p, 'password'))
      return loginPage(c, outcome.ok.fields, 'Invalid username or password.');
    const sessionId = secretToken(24);
    addSession(oauth, sessionId, { accountId: account.id, csrf: secretToken(24) });
    setCookie(c, COOKIE, sessionId, { path: '/', httpOnly: true, sameSite: 'Lax' });
    ctx.log(`[mastodon] @${account.username} signed in`);
    if (demo && str(p, 'demo_authorize') === '1') return grant(c, outcome.ok, account.id);
    return c.redirect(`/oauth/authorize?${new URLSearchParams(outcome.ok.fields).toString()}`, 303);
  });

  app.post('/oauth/authorize', async (c) => {
    const p = await params(c);
    const outcome = check(p);
    if ('page' in outcome) return errorPage(c, outcome.page);
    if ('redirect' in outcome) return c.redirect(outcome.redirect, 302);
    const s = session(c);
    if (!s) return loginPage(c, outcome.ok.fields);
    if (str(p, 'authenticity_token') !== s.csrf) return errorPage(c, 'Invalid authenticity token.');
    const { redirectUri, state } = outcome.ok;
    if (str(p, 'decision') !== 'authorize') {
      const description = 'The resource owner or authorization server denied the request.';
      if (redirectUri === OOB) return c.html(page(brand, 'Denied', html`<h1>Authorization denied</h1><p>${description}</p>`));
      return c.redirect(withQuery(redirectUri, { error: 'access_denied', error_description: description, state }), 302);
    }
    return grant(c, outcome.ok, s.accountId);
  });
}
