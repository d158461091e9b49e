/**
 * Entity shapes and paging of the Mastodon sandbox, checked against the documented entities
 * (https://docs.joinmastodon.org/entities/) with zod, and the exact Link header format.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startTestMastodon, type TestMastodon } from '../../sandbox/mastodon/test-support.ts';

const isoMs = z.string().regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
const snowflake = z.string().regex(/^\d+$/);
const emoji = z.object({ shortcode: z.string(), url: z.string().url(), static_url: z.string().url(), visible_in_picker: z.boolean() });
const account = z.object({
  id: snowflake, username: z.string(), acct: z.string(), url: z.string().url(), uri: z.string().url(), display_name: z.string(), note: z.string(),
  avatar: z.string().url(), avatar_static: z.string().url(), header: z.string().url(), header_static: z.string().url(), locked: z.boolean(),
  fields: z.array(z.object({ name: z.string(), value: z.string(), verified_at: isoMs.nullable() })), emojis: z.array(emoji), bot: z.boolean(),
  group: z.boolean(), discoverable: z.boolean().nullable(), created_at: isoMs, last_status_at: z.string().regex(/^\d{4}-\d\d-\d\d$/).nullable(),
  statuses_count: z.number().int(), followers_count: z.number().int(), following_count: z.number().int(),
});
const media = z.object({
  id: snowflake, type: z.enum(['unknown', 'image', 'gifv', 'video', 'audio']), url: z.string().url(), preview_url: z.string().url(),
  remote_url: z.string().nullable(), meta: z.object({ original: z.object({ width: z.number(), height: z.number() }) }).passthrough(),
  description: z.string().nullable(), blurhash: z.string().nullable(),
});
const poll = z.object({
  id: snowflake, expires_at: isoMs.nullable(), expired: z.boolean(), multiple: z.boolean(), votes_count: z.number().int(), voters_count: z.number().int().nullable(),
  options: z.array(z.object({ title: z.string(), votes_count: z.number().int().nullable() })), emojis: z.array(emoji), voted: z.boolean().optional(), own_votes: z.array(z.number()).optional(),
});
const statusBase = z.object({
  id: snowflake, uri: z.string().url(), created_at: isoMs, account, content: z.string(), visibility: z.enum(['public', 'unlisted', 'private', 'direct']),
  sensitive: z.boolean(), spoiler_text: z.string(), media_attachments: z.array(media),
  mentions: z.array(z.object({ id: snowflake, username: z.string(), url: z.string().url(), acct: z.string() })),
  tags: z.array(z.object({ name: z.string(), url: z.string().url() })), emojis: z.array(emoji),
  reblogs_count: z.number().int(), favourites_count: z.number().int(), replies_count: z.number().int(), url: z.string().url().nullable(),
  in_reply_to_id: snowflake.nullable(), in_reply_to_account_id: snowflake.nullable(), poll: poll.nullable(), card: z.null(),
  language: z.string().nullable(), edited_at: isoMs.nullable(), favourited: z.boolean(), reblogged: z.boolean(), muted: z.boolean(), bookmarked: z.boolean(),
});
const status = statusBase.extend({ reblog: statusBase.extend({ reblog: z.null() }).nullable() });
const notification = z.object({ id: snowflake, type: z.string(), created_at: isoMs, account, status: status.optional() });

let sandbox: TestMastodon;
let token: string;
let userId: string;
let otherToken: string;
const api = async (path: string, init: RequestInit & { as?: string } = {}): Promise<Response> =>
  fetch(`${sandbox.server.origin}${path}`, { ...init, headers: { authorization: `Bearer ${init.as ?? token}`, ...init.headers } });
const json = async <T = unknown>(response: Response | Promise<Response>): Promise<T> => (await (await response).json()) as T;
const post = (path: string, body: unknown, as?: string): Promise<Response> =>
  api(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), ...(as ? { as } : {}) });

beforeAll(async () => {
  sandbox = await startTestMastodon();
  const { admin } = sandbox.server;
  userId = admin.createAccount({ username: 'mia', password: 'pw', fields: [{ name: 'Web', value: 'https://example.org', verified: true }] }).id;
  const other = admin.createAccount({ username: 'noa', password: 'pw' }).id;
  admin.addCustomEmoji('blobcat');
  token = admin.createToken(userId);
  otherToken = admin.createToken(other);
  admin.follow(userId, other);
  const start = sandbox.clock.now() - 100_000;
  for (let i = 0; i < 30; i += 1) admin.createStatus(other, { text: `post ${i} :blobcat:`, createdAt: start + i * 100 });
});
afterAll(() => sandbox.stop());

describe('Mastodon sandbox entity shapes', () => {
  it('returns documented Status, Account and CustomEmoji shapes', async () => {
    const home = await json<unknown[]>(api('/api/v1/timelines/home?limit=2'));
    const first = status.parse(home[0]);
    expect(first.emojis.map((e) => e.shortcode)).toEqual(['blobcat']);
    const me = account.extend({ source: z.object({ note: z.string(), privacy: z.string(), fields: z.array(z.unknown()) }) }).parse(await json(api('/api/v1/accounts/verify_credentials')));
    expect(me.fields[0]?.verified_at).not.toBeNull();
    expect(z.array(emoji).parse(await json(api('/api/v1/custom_emojis')))).toHaveLength(1);
  });

  it('writes the Link header exactly like Mastodon and omits it for empty pages', async () => {
    const response = await api('/api/v1/timelines/home?limit=5&local=true');
    const page = z.array(status).parse(await response.json());
    const link = response.headers.get('link');
    const base = `${sandbox.server.origin}/api/v1/timelines/home?limit=5&local=true`;
    expect(link).toBe(`<${base}&max_id=${page[4]?.id}>; rel="next", <${base}&min_id=${page[0]?.id}>; rel="prev"`);
    const empty = await api(`/api/v1/timelines/home?min_id=${page[0]?.id}&since_id=${'9'.repeat(19)}`);
    expect(await empty.json()).toEqual([]);
    expect(empty.headers.get('link')).toBeNull();
    const capped = await json<unknown[]>(api('/api/v1/timelines/home?limit=400'));
    expect(capped).toHaveLength(30);
    expect(await json<unknown[]>(api('/api/v1/timelines/public?limit=100'))).toHaveLength(30);
  });

  it('answers since_id with the newest page and min_id with the oldest-first window', async () => {
    const all = await json<{ id: string }[]>(api('/api/v1/timelines/home?limit=40'));
    const cursor = all[20]!.id;
    const since = await json<{ id: string }[]>(api(`/api/v1/timelines/home?since_id=${cursor}&limit=3`));
    expect(since.map((s) => s.id)).toEqual(all.slice(0, 3).map((s) => s.id));
    const min = await json<{ id: string }[]>(api(`/api/v1/timelines/home?min_id=${cursor}&limit=3`));
    expect(min.map((s) => s.id)).toEqual(all.slice(17, 20).map((s) => s.id));
  });

  it('uploads media, posts with it and a poll, votes, and closes the poll on the sandbox clock', async () => {
    const form = new FormData();
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
    form.append('file', new Blob([png], { type: 'image/png' }), 'dot.png');
    form.append('description', 'A dot');
    const uploaded = media.parse(await json(api('/api/v2/media', { method: 'POST', body: form })));
    expect(uploaded.meta.original).toMatchObject({ width: 1, height: 1 });
    const file = await fetch(uploaded.url);
    expect(file.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await file.arrayBuffer()).equals(png)).toBe(true);
    const updated = media.parse(await json(api(`/api/v1/media/${uploaded.id}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ description: 'A tiny dot' }) })));
    expect(updated.description).toBe('A tiny dot');
    const withMedia = status.parse(await json(post('/api/v1/statuses', { status: 'pic', media_ids: [uploaded.id] })));
    expect(withMedia.media_attachments[0]?.description).toBe('A tiny dot');

    const form2 = new URLSearchParams([['status', 'Which?'], ['poll[options][]', 'Tea'], ['poll[options][]', 'Coffee'], ['poll[expires_in]', '600']]);
    const withPoll = status.parse(await json(api('/api/v1/statuses', { method: 'POST', body: form2 })));
    expect(withPoll.poll?.options.map((o) => o.title)).toEqual(['Tea', 'Coffee']);
    const voted = poll.parse(await json(post(`/api/v1/polls/${withPoll.poll?.id}/votes`, { choices: [1] }, otherToken)));
    expect(voted).toMatchObject({ voted: true, own_votes: [1], votes_count: 1 });
    sandbox.clock.advance(601_000);
    const closed = poll.parse(await json(api(`/api/v1/polls/${withPoll.poll?.id}`)));
    expect(closed.expired).toBe(true);
    const late = await post(`/api/v1/polls/${withPoll.poll?.id}/votes`, { choices: [0] });
    expect(late.status).toBe(422);
    const notes = z.array(notification).parse(await json(api('/api/v1/notifications?types[]=poll', { as: otherToken })));
    expect(notes.map((n) => n.status?.id)).toEqual([withPoll.id]);
  });

  it('honours Idempotency-Key, edits, deletes with text, and validates', async () => {
    const send = (): Promise<Response> => api('/api/v1/statuses', { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': 'k1' }, body: JSON.stringify({ status: 'once' }) });
    const a = await json<{ id: string }>(send());
    const b = await json<{ id: string }>(send());
    expect(b.id).toBe(a.id);
    const edited = status.parse(await json(api(`/api/v1/statuses/${a.id}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ status: 'twice' }) })));
    expect(edited.edited_at).not.toBeNull();
    expect(edited.content).toBe('<p>twice</p>');
    const deleted = await json<{ text: string }>(api(`/api/v1/statuses/${a.id}`, { method: 'DELETE' }));
    expect(deleted.text).toBe('twice');
    const gone = await api(`/api/v1/statuses/${a.id}`);
    expect(gone.status).toBe(404);
    expect(await gone.json()).toEqual({ error: 'Record not found' });
    const blank = await post('/api/v1/statuses', { status: '  ' });
    expect(blank.status).toBe(422);
    expect(await blank.json()).toEqual({ error: "Validation failed: Text can't be blank" });
    expect((await post('/api/v1/statuses', { status: 'x'.repeat(501) })).status).toBe(422);
    // URLs count as 23 characters, so this long link fits.
    expect((await post('/api/v1/statuses', { status: `${'y'.repeat(470)} https://example.com/${'z'.repeat(200)}` })).status).toBe(200);
  });

  it('pages notifications and keeps markers with versions', async () => {
    const favs = await json<{ id: string }[]>(api('/api/v1/accounts/' + userId + '/statuses?limit=3'));
    for (const s of favs) await post(`/api/v1/statuses/${s.id}/favourite`, {}, otherToken);
    const response = await api('/api/v1/notifications?limit=2&types[]=favourite');
    const list = z.array(notification).parse(await response.json());
    expect(list).toHaveLength(2);
    expect(response.headers.get('link')).toContain(`max_id=${list[1]?.id}>; rel="next"`);
    const one = notification.parse(await json(api(`/api/v1/notifications/${list[0]?.id}`)));
    expect(one.type).toBe('favourite');
    const favouritedBy = await api(`/api/v1/statuses/${favs[0]?.id}/favourited_by`);
    expect(z.array(account).parse(await favouritedBy.json()).map((a) => a.username)).toEqual(['noa']);
    const marker = z.object({ last_read_id: z.string(), version: z.number(), updated_at: isoMs });
    await api('/api/v1/markers', { method: 'POST', body: new URLSearchParams({ 'home[last_read_id]': '123' }) });
    const second = await json(post('/api/v1/markers', { home: { last_read_id: '456' } }));
    expect(z.object({ home: marker }).parse(second).home).toMatchObject({ last_read_id: '456', version: 1 });
    const read = await json(api('/api/v1/markers?timeline[]=home&timeline[]=notifications'));
    expect(Object.keys(z.record(z.string(), marker).parse(read))).toEqual(['home']);
  });

  it('describes the instance (v2 and v1)', async () => {
    const v2 = await json<Record<string, unknown>>(fetch(`${sandbox.server.origin}/api/v2/instance`));
    expect(v2).toMatchObject({
      domain: sandbox.server.host,
      version: expect.stringMatching(/^4\.3\./) as unknown,
      api_versions: { mastodon: 2 },
      configuration: { urls: { streaming: `ws://${sandbox.server.host}` }, statuses: { max_characters: 500, max_media_attachments: 4 }, polls: { max_options: 4 } },
    });
    const v1 = await json<Record<string, unknown>>(fetch(`${sandbox.server.origin}/api/v1/instance`));
    expect(v1).toMatchObject({ uri: sandbox.server.host, urls: { streaming_api: `ws://${sandbox.server.host}` } });
    expect(await (await fetch(`${sandbox.server.origin}/api/v1/streaming/health`)).text()).toBe('OK');
  });
});
