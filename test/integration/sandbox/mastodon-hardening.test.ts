/**
 * The Mastodon sandbox where real Mastodon is picky: Rails parameter parsing, limit/id casting,
 * Link headers per endpoint, edits as full replacements, fan-out of private and direct posts,
 * streams closed by revocation, OAuth's literal scope and client rules.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { authorizeInBrowser, startTestMastodon, type TestMastodon } from '../../sandbox/mastodon/test-support.ts';

let sandbox: TestMastodon;
let origin: string;
let ann: { id: string; token: string };
let ben: { id: string; token: string };
let cat: { id: string; token: string };

const api = (path: string, init: RequestInit & { as?: string } = {}): Promise<Response> =>
  fetch(`${origin}${path}`, { ...init, headers: { authorization: `Bearer ${init.as ?? ann.token}`, ...init.headers } });
const send = (method: string, path: string, body: unknown, as?: string): Promise<Response> =>
  api(path, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), ...(as ? { as } : {}) });
const json = async <T = Record<string, unknown>>(response: Response | Promise<Response>): Promise<T> => (await (await response).json()) as T;
const ids = async (path: string, as?: string): Promise<string[]> => (await json<{ id: string }[]>(api(path, as ? { as } : {}))).map((s) => s.id);

beforeAll(async () => {
  sandbox = await startTestMastodon();
  origin = sandbox.server.origin;
  const { admin } = sandbox.server;
  const make = (username: string): { id: string; token: string } => {
    const id = admin.createAccount({ username, password: `${username}-pw` }).id;
    return { id, token: admin.createToken(id) };
  };
  ann = make('ann');
  ben = make('ben');
  cat = make('cat');
  admin.follow(ann.id, ben.id);
  const start = sandbox.clock.now() - 100_000;
  for (let i = 0; i < 10; i += 1) admin.createStatus(ben.id, { text: `ben ${i}`, createdAt: start + i * 1000 });
});
afterAll(() => sandbox.stop());

describe('request parsing', () => {
  it('ignores __proto__ keys, reads an empty JSON body as no parameters, and refuses bad JSON with 400', async () => {
    const polluting = await api('/api/v1/statuses', { method: 'POST', body: new URLSearchParams({ '__proto__[polluted]': 'yes', status: 'safe' }) });
    expect(polluting.status).toBe(200);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const target = (await ids('/api/v1/timelines/home?limit=1'))[0]!;
    const empty = await api(`/api/v1/statuses/${target}/favourite`, { method: 'POST', headers: { 'content-type': 'application/json' } });
    expect(empty.status).toBe(200);
    const bad = await api('/api/v1/statuses', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"status":' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toHaveProperty('error');
  });
});

describe('paging as Mastodon casts it', () => {
  it('casts limit with to_i.abs and ids with to_i, and lets min_id win over since_id', async () => {
    const all = await ids('/api/v1/timelines/home?limit=40');
    expect(await ids('/api/v1/timelines/home?limit=0')).toEqual([]);
    expect(await ids('/api/v1/timelines/home?limit=-3')).toEqual(all.slice(0, 3));
    expect(await ids('/api/v1/timelines/home?limit=1000')).toHaveLength(all.length);
    expect(await ids('/api/v1/timelines/home?max_id=abc')).toEqual([]);
    expect(await ids(`/api/v1/timelines/home?max_id=00${all[2]!}&limit=2`)).toEqual(all.slice(3, 5));
    const both = await ids(`/api/v1/timelines/home?min_id=${all[6]!}&since_id=${all[2]!}&limit=2`);
    expect(both).toEqual(all.slice(4, 6));
  });

  it('offers rel="next" on account statuses and favourited_by only for a full page; favourited_by links prev by since_id', async () => {
    const full = await api(`/api/v1/accounts/${ben.id}/statuses?limit=4`);
    expect(full.headers.get('link')).toContain('rel="next"');
    const partial = await api(`/api/v1/accounts/${ben.id}/statuses?limit=40`);
    expect(partial.headers.get('link')).not.toContain('rel="next"');
    expect(partial.headers.get('link')).toContain('min_id=');
    const target = (await ids(`/api/v1/accounts/${ben.id}/statuses?limit=1`))[0]!;
    await api(`/api/v1/statuses/${target}/favourite`, { method: 'POST', as: cat.token });
    const favs = await api(`/api/v1/statuses/${target}/favourited_by`);
    expect(favs.headers.get('link')).toMatch(/^<[^>]+since_id=\d+>; rel="prev"$/);
    const home = await api('/api/v1/timelines/home?limit=40');
    expect(home.headers.get('link')).toContain('rel="next"');
  });
});

describe('search parameters', () => {
  it('needs q, and a token for resolve and offset, with Mastodon’s messages', async () => {
    const noQ = await api('/api/v2/search');
    expect(noQ.status).toBe(400);
    expect(await noQ.json()).toEqual({ error: 'param is missing or the value is empty: q' });
    const resolve = await fetch(`${origin}/api/v2/search?q=ben&resolve=true`);
    expect(resolve.status).toBe(401);
    expect(await resolve.json()).toEqual({ error: 'Search queries that resolve remote resources are not supported without authentication' });
    const offset = await fetch(`${origin}/api/v2/search?q=ben&offset=1`);
    expect(await offset.json()).toEqual({ error: 'Search queries pagination is not supported without authentication' });
  });
});

describe('composing and editing', () => {
  it('marks a post with a content warning sensitive and names a missing reply target', async () => {
    const cw = await json(send('POST', '/api/v1/statuses', { status: 'spoilers', spoiler_text: 'film', sensitive: false }));
    expect(cw).toMatchObject({ sensitive: true, spoiler_text: 'film' });
    const orphan = await send('POST', '/api/v1/statuses', { status: 'reply', in_reply_to_id: '999' });
    expect(orphan.status).toBe(404);
    expect(await orphan.json()).toEqual({ error: 'The post you are trying to reply to does not appear to exist.' });
  });

  it('forgets an Idempotency-Key after an hour', async () => {
    const post = (): Promise<{ id: string }> => json(api('/api/v1/statuses', { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': 'hour' }, body: '{"status":"once an hour"}' }));
    const first = await post();
    expect((await post()).id).toBe(first.id);
    sandbox.clock.advance(3_600_001);
    expect((await post()).id).not.toBe(first.id);
  });

  it('treats an edit as a full replacement, skips no-op edits and refuses to edit a boost', async () => {
    const original = await json<{ id: string }>(send('POST', '/api/v1/statuses', { status: 'draft', spoiler_text: 'cw' }));
    const same = await json(send('PUT', `/api/v1/statuses/${original.id}`, { status: 'draft', spoiler_text: 'cw', sensitive: true }));
    expect(same.edited_at).toBeNull();
    const edited = await json(send('PUT', `/api/v1/statuses/${original.id}`, { status: 'final' }));
    expect(edited).toMatchObject({ content: '<p>final</p>', spoiler_text: '', sensitive: false });
    expect(edited.edited_at).not.toBeNull();
    expect(await json<unknown[]>(api(`/api/v1/statuses/${original.id}/history`))).toHaveLength(2);
    const boost = await json<{ id: string }>(api(`/api/v1/statuses/${original.id}/reblog`, { method: 'POST', as: ben.token }));
    expect((await send('PUT', `/api/v1/statuses/${boost.id}`, { status: 'hijack' }, ben.token)).status).toBe(403);
  });

  it('edits alt text through media_attributes, hides attached media from /media/:id, and frees media on delete for a redraft', async () => {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array([1, 2, 3])], { type: 'image/png' }), 'a.png');
    const media = await json<{ id: string }>(api('/api/v2/media', { method: 'POST', body: form }));
    expect((await send('PUT', `/api/v1/media/${media.id}`, { description: 'x'.repeat(1501) })).status).toBe(422);
    const post = await json<{ id: string }>(send('POST', '/api/v1/statuses', { status: 'pic', media_ids: [media.id] }));
    expect((await api(`/api/v1/media/${media.id}`)).status).toBe(404);
    const edited = await json<{ media_attachments: { description: string }[] }>(
      send('PUT', `/api/v1/statuses/${post.id}`, { status: 'pic', media_ids: [media.id], media_attributes: [{ id: media.id, description: 'A red dot' }] }),
    );
    expect(edited.media_attachments[0]?.description).toBe('A red dot');
    await api(`/api/v1/statuses/${post.id}`, { method: 'DELETE' });
    expect((await send('POST', '/api/v1/statuses', { status: 'redraft', media_ids: [media.id] })).status).toBe(200);
  });

  it('lets the author boost a followers-only post, keeping it followers-only, and pins with StatusPinValidator’s messages', async () => {
    const mine = await json<{ id: string }>(send('POST', '/api/v1/statuses', { status: 'friends only', visibility: 'private' }));
    const boost = await json(api(`/api/v1/statuses/${mine.id}/reblog`, { method: 'POST' }));
    expect(boost.visibility).toBe('private');
    const others = (await ids(`/api/v1/accounts/${ben.id}/statuses?limit=1&exclude_reblogs=true`))[0]!;
    const refused = await api(`/api/v1/statuses/${others}/pin`, { method: 'POST' });
    expect(refused.status).toBe(422);
    expect(await refused.json()).toEqual({ error: "Validation failed: Someone else's post cannot be pinned" });
    for (let i = 0; i < 5; i += 1) {
      const own = await json<{ id: string }>(send('POST', '/api/v1/statuses', { status: `pin ${i}` }));
      expect((await api(`/api/v1/statuses/${own.id}/pin`, { method: 'POST' })).status).toBe(200);
    }
    const sixth = await json<{ id: string }>(send('POST', '/api/v1/statuses', { status: 'pin 6' }));
    expect(await json(api(`/api/v1/statuses/${sixth.id}/pin`, { method: 'POST' }))).toEqual({ error: 'Validation failed: You have already pinned the maximum number of posts' });
  });
});

describe('fan-out and scopes', () => {
  it('puts direct posts only in the homes of mentioned followers, and private ones not in mentioned strangers’ homes', async () => {
    const dm = await json<{ id: string }>(send('POST', '/api/v1/statuses', { status: '@ann @cat psst', visibility: 'direct' }, ben.token));
    const priv = await json<{ id: string }>(send('POST', '/api/v1/statuses', { status: '@cat friends', visibility: 'private' }, ben.token));
    const annHome = await ids('/api/v1/timelines/home?limit=40');
    expect(annHome).toContain(dm.id);
    expect(annHome).toContain(priv.id);
    const catHome = await ids('/api/v1/timelines/home?limit=40', cat.token);
    expect(catHome).not.toContain(dm.id);
    expect(catHome).not.toContain(priv.id);
    const mentions = await json<{ status: { id: string } }[]>(api('/api/v1/notifications?types[]=mention', { as: cat.token }));
    expect(mentions.map((n) => n.status.id)).toEqual([priv.id, dm.id]);
  });

  it('checks the scope of a token sent to a public endpoint', async () => {
    const writeOnly = sandbox.server.admin.createToken(ann.id, ['write']);
    const target = (await ids('/api/v1/timelines/public?limit=1'))[0]!;
    expect((await fetch(`${origin}/api/v1/statuses/${target}`)).status).toBe(200);
    expect((await api(`/api/v1/statuses/${target}`, { as: writeOnly })).status).toBe(403);
  });
});

describe('streaming', () => {
  const open = (token: string): Promise<WebSocket | number> =>
    new Promise((resolve) => {
      const ws = new WebSocket(`${origin.replace('http', 'ws')}/api/v1/streaming?access_token=${token}&stream=user`);
      ws.on('open', () => resolve(ws));
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('error', () => undefined);
    });

  it('refuses app tokens and closes a stream when its token is revoked', async () => {
    const app = await json<{ client_id: string; client_secret: string }>(
      fetch(`${origin}/api/v1/apps`, { method: 'POST', body: new URLSearchParams({ client_name: 'S', redirect_uris: 'urn:ietf:wg:oauth:2.0:oob', scopes: 'read' }) }),
    );
    const appToken = await json<{ access_token: string }>(fetch(`${origin}/oauth/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'client_credentials', client_id: app.client_id, client_secret: app.client_secret }) }));
    expect(await open(appToken.access_token)).toBe(401);
    const token = sandbox.server.admin.createToken(cat.id);
    const ws = (await open(token)) as WebSocket;
    const closed = new Promise<void>((resolve) => ws.on('close', () => resolve()));
    sandbox.server.admin.revokeToken(token);
    await closed;
    expect(ws.readyState).toBe(WebSocket.CLOSED);
  });
});

describe('OAuth rules', () => {
  const REDIRECT = 'http://127.0.0.1:9/cb';
  let app: { client_id: string; client_secret: string };
  const token = (body: Record<string, string>): Promise<Response> => fetch(`${origin}/oauth/token`, { method: 'POST', body: new URLSearchParams(body) });
  beforeAll(async () => {
    app = await json(fetch(`${origin}/api/v1/apps`, { method: 'POST', body: new URLSearchParams({ client_name: 'Strict', redirect_uris: REDIRECT, scopes: 'read write profile' }) }));
  });

  it('requires grant_type and the client secret, and matches scopes literally', async () => {
    expect(await json(token({ client_id: app.client_id, client_secret: app.client_secret }))).toMatchObject({ error: 'invalid_request' });
    const noSecret = await token({ grant_type: 'authorization_code', client_id: app.client_id, code: 'x', redirect_uri: REDIRECT });
    expect(noSecret.status).toBe(401);
    const granular = await token({ grant_type: 'client_credentials', client_id: app.client_id, client_secret: app.client_secret, scope: 'read:statuses' });
    expect(await json(granular)).toMatchObject({ error: 'invalid_scope' });
    const localhost = await fetch(`${origin}/oauth/authorize?response_type=code&client_id=${app.client_id}&redirect_uri=${encodeURIComponent('http://localhost:9/cb')}`);
    expect(localhost.status).toBe(400);
  });

  it('skips the consent page for a user who already holds a matching token, and serves userinfo', async () => {
    const authorize = (): ReturnType<typeof authorizeInBrowser> =>
      authorizeInBrowser({ origin, clientId: app.client_id, redirectUri: REDIRECT, scope: 'read profile', state: 'st', username: 'ann', password: 'ann-pw' });
    const first = await authorize();
    expect(first.consentPage).toContain('Authorize Strict?');
    const code = new URL(first.location!).searchParams.get('code')!;
    const issued = await json<{ access_token: string }>(token({ grant_type: 'authorization_code', code, client_id: app.client_id, client_secret: app.client_secret, redirect_uri: REDIRECT }));
    const again = await authorize();
    expect(again.consentPage).toBe('');
    expect(new URL(again.location!).searchParams.get('state')).toBe('st');
    const info = await json(fetch(`${origin}/oauth/userinfo`, { headers: { authorization: `Bearer ${issued.access_token}` } }));
    expect(info).toMatchObject({ preferred_username: 'ann', sub: `${origin}/@ann` });
  });
});
