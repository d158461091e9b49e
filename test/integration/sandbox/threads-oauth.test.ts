/**
 * The Threads-like server's OAuth, driven like a browser with fetch: login form, consent page,
 * redirect with code and state (and Meta's `#_`), code exchange, long-lived exchange, refresh
 * rules, expiry on the sandbox clock, and the PKCE extension.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestThreads, type TestThreads } from '../../sandbox/threads/test-support.ts';

const APP_ID = 'braid-sandbox-app';
const APP_SECRET = 'sandbox-app-secret';
const REDIRECT = 'http://127.0.0.1:53123/callback';

let t: TestThreads;
beforeAll(async () => {
  t = await startTestThreads();
  t.server.admin.createUser({ username: 'carol', password: 'secret-pw' });
});
afterAll(() => t.stop());

/** The value of a hidden input in an HTML page. */
function hidden(page: string, name: string): string {
  const match = new RegExp(`name="${name}" value="([^"]*)"`).exec(page);
  if (!match) throw new Error(`no ${name} in page`);
  return (match[1] as string).replace(/&amp;/g, '&');
}

async function authorize(extra: Record<string, string> = {}, decision: 'allow' | 'cancel' = 'allow'): Promise<URL> {
  const query = new URLSearchParams({ client_id: APP_ID, redirect_uri: REDIRECT, scope: 'threads_basic,threads_content_publish', response_type: 'code', state: 'xyz-123', ...extra });
  const loginPage = await fetch(`${t.server.origin}/oauth/authorize?${query.toString()}`);
  expect(loginPage.status).toBe(200);
  const loginHtml = await loginPage.text();
  expect(loginHtml).toContain('<form method="post" action="/oauth/authorize/login">');
  expect(loginHtml).toContain('type="password"');
  const loginForm = new URLSearchParams({ ...Object.fromEntries(query), username: 'carol', password: 'secret-pw' });
  const consent = await fetch(`${t.server.origin}/oauth/authorize/login`, { method: 'POST', body: loginForm });
  expect(consent.status).toBe(200);
  const consentHtml = await consent.text();
  expect(consentHtml).toContain('data-scope="threads_content_publish"');
  const done = await fetch(`${t.server.origin}/oauth/authorize/consent`, {
    method: 'POST',
    body: new URLSearchParams({ session: hidden(consentHtml, 'session'), decision }),
    redirect: 'manual',
  });
  expect(done.status).toBe(302);
  const location = done.headers.get('location') as string;
  expect(location.endsWith('#_')).toBe(true);
  return new URL(location);
}

async function exchange(values: Record<string, string>): Promise<{ status: number; body: Record<string, unknown>; raw: string }> {
  const response = await fetch(`${t.server.origin}/oauth/access_token`, { method: 'POST', body: new URLSearchParams(values) });
  const raw = await response.text();
  return { status: response.status, body: JSON.parse(raw) as Record<string, unknown>, raw };
}

describe('authorize dialog', () => {
  it('rejects a wrong password with the login form again', async () => {
    const query = { client_id: APP_ID, redirect_uri: REDIRECT, scope: 'threads_basic', response_type: 'code', username: 'carol', password: 'wrong' };
    const response = await fetch(`${t.server.origin}/oauth/authorize/login`, { method: 'POST', body: new URLSearchParams(query) });
    expect(response.status).toBe(401);
    expect(await response.text()).toContain('The username or password is incorrect.');
  });

  it('refuses a non-https, non-loopback redirect and an unknown client', async () => {
    const base = { client_id: APP_ID, scope: 'threads_basic', response_type: 'code' };
    const http = await fetch(`${t.server.origin}/oauth/authorize?${new URLSearchParams({ ...base, redirect_uri: 'http://example.com/cb' }).toString()}`);
    expect(http.status).toBe(400);
    const client = await fetch(`${t.server.origin}/oauth/authorize?${new URLSearchParams({ ...base, client_id: 'other', redirect_uri: REDIRECT }).toString()}`);
    expect(client.status).toBe(400);
  });

  it('redirects with error=access_denied and the state on Cancel', async () => {
    const url = await authorize({}, 'cancel');
    expect(url.searchParams.get('error')).toBe('access_denied');
    expect(url.searchParams.get('error_reason')).toBe('user_denied');
    expect(url.searchParams.get('state')).toBe('xyz-123');
    expect(url.searchParams.get('code')).toBeNull();
  });
});

describe('tokens', () => {
  it('exchanges a code once for a short-lived token that expires after an hour', async () => {
    const url = await authorize();
    expect(url.origin + url.pathname).toBe(REDIRECT);
    expect(url.searchParams.get('state')).toBe('xyz-123');
    const code = url.searchParams.get('code') as string;
    const form = { client_id: APP_ID, client_secret: APP_SECRET, code, grant_type: 'authorization_code', redirect_uri: REDIRECT };
    const first = await exchange(form);
    expect(first.status).toBe(200);
    const carol = t.server.admin.findUser('carol');
    // user_id is a bare JSON number, as Meta sends it.
    expect(first.raw).toContain(`"user_id":${carol?.id}`);
    const again = await exchange(form);
    expect(again.status).toBe(400);
    expect(again.body).toMatchObject({ error: { type: 'OAuthException', code: 100 } });

    const token = first.body.access_token as string;
    expect((await t.graph('/v1.0/me', token)).status).toBe(200);
    t.clock.advance(3600_000);
    const expired = await t.graph('/v1.0/me', token);
    expect(expired.status).toBe(400);
    expect(await expired.json()).toMatchObject({ error: { code: 190, error_subcode: 463, message: expect.stringMatching(/^Error validating access token: Session has expired/) as unknown } });
  });

  it('refuses a wrong secret or a different redirect_uri', async () => {
    const code = (await authorize()).searchParams.get('code') as string;
    const form = { client_id: APP_ID, client_secret: 'nope', code, grant_type: 'authorization_code', redirect_uri: REDIRECT };
    expect((await exchange(form)).status).toBe(400);
    expect((await exchange({ ...form, client_secret: APP_SECRET, redirect_uri: 'https://other.test/cb' })).body).toMatchObject({ error: { code: 100 } });
  });

  it('exchanges short for long-lived and refreshes only after 24 hours', async () => {
    const code = (await authorize()).searchParams.get('code') as string;
    const short = (await exchange({ client_id: APP_ID, client_secret: APP_SECRET, code, grant_type: 'authorization_code', redirect_uri: REDIRECT })).body.access_token as string;
    const longResponse = await fetch(`${t.server.origin}/access_token?${new URLSearchParams({ grant_type: 'th_exchange_token', client_secret: APP_SECRET, access_token: short }).toString()}`);
    const long = (await longResponse.json()) as Record<string, unknown>;
    expect(long).toEqual({ access_token: expect.any(String) as unknown, token_type: 'bearer', expires_in: 5183944 });
    const refresh = (token: string): Promise<Response> =>
      fetch(`${t.server.origin}/refresh_access_token?${new URLSearchParams({ grant_type: 'th_refresh_token', access_token: token }).toString()}`);
    const early = await refresh(long.access_token as string);
    expect(early.status).toBe(400);
    expect(await early.json()).toMatchObject({ error: { type: 'OAuthException' } });
    // A short-lived token cannot be refreshed at all.
    expect((await refresh(short)).status).toBe(400);

    t.clock.advance(25 * 3600_000);
    const later = await refresh(long.access_token as string);
    expect(later.status).toBe(200);
    const refreshed = (await later.json()) as Record<string, unknown>;
    expect(refreshed).toMatchObject({ token_type: 'bearer', expires_in: 5183944 });
    expect((await t.graph('/v1.0/me', refreshed.access_token as string)).status).toBe(200);

    t.clock.advance(61 * 24 * 3600_000);
    const dead = await refresh(refreshed.access_token as string);
    expect(await dead.json()).toMatchObject({ error: { code: 190, error_subcode: 463 } });
  });

  it('lets a public client use PKCE instead of the secret (extension)', async () => {
    const verifier = 'a-long-random-verifier-string-for-pkce-0123456789';
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const code = (await authorize({ code_challenge: challenge, code_challenge_method: 'S256' })).searchParams.get('code') as string;
    const base = { client_id: APP_ID, code, grant_type: 'authorization_code', redirect_uri: REDIRECT };
    expect((await exchange({ ...base, code_verifier: 'wrong-verifier' })).status).toBe(400);
    const ok = await exchange({ ...base, code_verifier: verifier });
    expect(ok.status).toBe(200);
    expect(typeof ok.body.access_token).toBe('string');
    // Without a challenge at authorize time, a verifier alone is not enough.
    const plain = (await authorize()).searchParams.get('code') as string;
    expect((await exchange({ ...base, code: plain, code_verifier: verifier })).status).toBe(400);
  });
});
