/**
 * Failure paths of the Mastodon sandbox: OAuth errors (RFC 6749 shapes), scopes, revoked and
 * app-only tokens, rate limiting, fault injection seen through masto.js, streaming auth.
 */
import { createRestAPIClient, MastoDeserializeError, MastoHttpError } from 'masto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { authorizeInBrowser, hiddenFields, startTestMastodon, type TestMastodon } from '../../sandbox/mastodon/test-support.ts';
import { s256 } from '../../sandbox/mastodon/oauth-core.ts';

let sandbox: TestMastodon;
let origin: string;
let app: { client_id: string; client_secret: string };
const REDIRECT = 'https://braid.example/callback';

const form = (path: string, body: Record<string, string>): Promise<Response> => fetch(`${origin}${path}`, { method: 'POST', body: new URLSearchParams(body) });
const codeFor = async (verifier?: string, decision: 'authorize' | 'deny' = 'authorize'): Promise<URL> => {
  const { location } = await authorizeInBrowser({ origin, clientId: app.client_id, redirectUri: REDIRECT, scope: 'read write', state: 's1', username: 'eve', password: 'eve-pw', decision, ...(verifier ? { verifier } : {}) });
  return new URL(location!);
};
const exchange = (code: string, extra: Record<string, string> = {}): Promise<Response> =>
  form('/oauth/token', { grant_type: 'authorization_code', code, client_id: app.client_id, client_secret: app.client_secret, redirect_uri: REDIRECT, ...extra });

beforeAll(async () => {
  sandbox = await startTestMastodon({ max: 1000, windowMs: 300_000 });
  origin = sandbox.server.origin;
  sandbox.server.admin.createAccount({ username: 'eve', password: 'eve-pw' });
  app = (await (await fetch(`${origin}/api/v1/apps`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ client_name: 'Errs', redirect_uris: [REDIRECT], scopes: 'read write' }) })).json()) as typeof app;
});
afterAll(() => sandbox.stop());

describe('OAuth errors', () => {
  it('shows an error page for an unregistered redirect and refuses plain PKCE by redirect', async () => {
    const bad = await fetch(`${origin}/oauth/authorize?response_type=code&client_id=${app.client_id}&redirect_uri=${encodeURIComponent('https://evil.example/cb')}`);
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('The redirect uri included is not valid.');
    const plain = await fetch(`${origin}/oauth/authorize?response_type=code&client_id=${app.client_id}&redirect_uri=${encodeURIComponent(REDIRECT)}&state=p&code_challenge=abc&code_challenge_method=plain`, { redirect: 'manual' });
    const to = new URL(plain.headers.get('location')!);
    expect(to.searchParams.get('error')).toBe('invalid_request');
    expect(to.searchParams.get('state')).toBe('p');
    const wrongPassword = await fetch(`${origin}/oauth/authorize?response_type=code&client_id=${app.client_id}&redirect_uri=${encodeURIComponent(REDIRECT)}`);
    const login = await form('/auth/sign_in', { ...hiddenFields(await wrongPassword.text()), username: 'eve', password: 'nope' });
    expect(login.status).toBe(401);
    expect(await login.text()).toContain('Invalid username or password.');
  });

  it('redirects Deny with access_denied and the state', async () => {
    const url = await codeFor(undefined, 'deny');
    expect(url.searchParams.get('error')).toBe('access_denied');
    expect(url.searchParams.get('error_description')).toBeTruthy();
    expect(url.searchParams.get('state')).toBe('s1');
  });

  it('rejects a PKCE mismatch, a reused code and an expired code with invalid_grant', async () => {
    const verifier = 'correct-horse-battery-staple-0123456789-abcdef';
    const mismatched = (await codeFor(verifier)).searchParams.get('code')!;
    const wrong = await exchange(mismatched, { code_verifier: 'something-else-entirely-0123456789-abcdef' });
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toMatchObject({ error: 'invalid_grant', error_description: expect.any(String) as unknown });
    const code = (await codeFor(verifier)).searchParams.get('code')!;
    expect(s256(verifier)).not.toBe(verifier);
    const ok = await exchange(code, { code_verifier: verifier });
    expect(ok.status).toBe(200);
    const reused = await exchange(code, { code_verifier: verifier });
    expect(reused.status).toBe(400);
    expect(((await reused.json()) as { error: string }).error).toBe('invalid_grant');
    const late = (await codeFor()).searchParams.get('code')!;
    sandbox.clock.advance(11 * 60 * 1000);
    expect(((await (await exchange(late)).json()) as { error: string }).error).toBe('invalid_grant');
    const badClient = await exchange(code, { client_secret: 'wrong' });
    expect(badClient.status).toBe(401);
    expect(((await badClient.json()) as { error: string }).error).toBe('invalid_client');
  });

  it('revokes tokens and tells app tokens from user tokens', async () => {
    const code = (await codeFor()).searchParams.get('code')!;
    const { access_token } = (await (await exchange(code)).json()) as { access_token: string };
    const me = (token: string): Promise<Response> => fetch(`${origin}/api/v1/accounts/verify_credentials`, { headers: { authorization: `Bearer ${token}` } });
    expect((await me(access_token)).status).toBe(200);
    const revoke = await form('/oauth/revoke', { token: access_token, client_id: app.client_id, client_secret: app.client_secret });
    expect(revoke.status).toBe(200);
    expect(await revoke.json()).toEqual({});
    const after = await me(access_token);
    expect(after.status).toBe(401);
    expect(await me('not-a-token')).toMatchObject({ status: 401 });
    expect(await (await me('not-a-token')).json()).toEqual({ error: 'The access token is invalid' });
    const appToken = ((await (await form('/oauth/token', { grant_type: 'client_credentials', client_id: app.client_id, client_secret: app.client_secret, scope: 'read' })).json()) as { access_token: string }).access_token;
    expect((await me(appToken)).status).toBe(422);
    const appInfo = await fetch(`${origin}/api/v1/apps/verify_credentials`, { headers: { authorization: `Bearer ${appToken}` } });
    expect(await appInfo.json()).toMatchObject({ name: 'Errs', scopes: ['read', 'write'] });
  });

  it('enforces read versus write scopes', async () => {
    const readOnly = sandbox.server.admin.createToken(sandbox.server.admin.findAccount('eve')!.id, ['read']);
    const attempt = await fetch(`${origin}/api/v1/statuses`, { method: 'POST', headers: { authorization: `Bearer ${readOnly}`, 'content-type': 'application/json' }, body: '{"status":"hi"}' });
    expect(attempt.status).toBe(403);
    expect(await attempt.json()).toEqual({ error: 'This action is outside the authorized scopes' });
  });
});

describe('rate limits, faults and streaming auth', () => {
  it('counts requests per token and answers 429 with Retry-After', async () => {
    const token = sandbox.server.admin.createToken(sandbox.server.admin.findAccount('eve')!.id);
    sandbox.server.rateLimiter.configure({ max: 3, windowMs: 60_000 });
    const hit = (): Promise<Response> => fetch(`${origin}/api/v1/timelines/home`, { headers: { authorization: `Bearer ${token}` } });
    const first = await hit();
    expect(first.headers.get('x-ratelimit-limit')).toBe('3');
    expect(first.headers.get('x-ratelimit-remaining')).toBe('2');
    expect(first.headers.get('x-ratelimit-reset')).toMatch(/^\d{4}-\d\d-\d\dT.*Z$/);
    await hit();
    await hit();
    const limited = await hit();
    expect(limited.status).toBe(429);
    expect(await limited.json()).toEqual({ error: 'Too many requests' });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    sandbox.clock.advance(60_000);
    expect((await hit()).status).toBe(200);
    sandbox.server.rateLimiter.configure({ max: 1000, windowMs: 300_000 });
  });

  it('injects faults that reach masto.js as the real failures', async () => {
    const token = sandbox.server.admin.createToken(sandbox.server.admin.findAccount('eve')!.id);
    const client = createRestAPIClient({ url: origin, accessToken: token });
    sandbox.faults.add({ server: 'mastodon', path: '/api/v1/timelines/home', times: 1, fault: { kind: 'status', status: 503, retryAfterSeconds: 7 } });
    const unavailable = await client.v1.timelines.home.list().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(unavailable).toBeInstanceOf(MastoHttpError);
    expect((unavailable as MastoHttpError).statusCode).toBe(503);
    sandbox.faults.add({ server: 'mastodon', path: '/api/v1/accounts/verify_credentials', times: 1, fault: { kind: 'revoked-token' } });
    const revoked = await client.v1.accounts.verifyCredentials().catch((e: unknown) => e);
    expect((revoked as MastoHttpError).statusCode).toBe(401);
    expect((revoked as MastoHttpError).message).toBe('The access token was revoked');
    sandbox.faults.add({ server: 'mastodon', path: '/api/v1/statuses/*', times: 1, fault: { kind: 'malformed-json' } });
    const malformed = await client.v1.statuses.$select('1').fetch().catch((e: unknown) => e);
    expect(malformed).toBeInstanceOf(MastoDeserializeError);
    const raw = await fetch(`${origin}/api/v1/instance`);
    expect(raw.status).toBe(200);
    sandbox.faults.add({ server: 'mastodon', path: '/api/v1/instance', times: 1, fault: { kind: 'status', status: 503, retryAfterSeconds: 7 } });
    const faulted = await fetch(`${origin}/api/v1/instance`);
    expect(faulted.status).toBe(503);
    expect(faulted.headers.get('retry-after')).toBe('7');
    expect(await faulted.json()).toHaveProperty('error');
  });

  it('refuses a streaming connection with a bad token with 401', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const ws = new WebSocket(`${origin.replace('http', 'ws')}/api/v1/streaming?access_token=bogus`);
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => reject(new Error('should not open')));
      ws.on('error', () => undefined);
    });
    expect(status).toBe(401);
  });
});
