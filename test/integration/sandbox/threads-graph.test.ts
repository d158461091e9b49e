/**
 * The Threads-like server's Graph API against the shapes in Meta's Threads API docs
 * (https://developers.facebook.com/docs/threads/retrieve-and-discover-posts, …/insights,
 * …/troubleshooting): field sets, the paging envelope, timestamps and the error envelope.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestThreads, type TestThreads } from '../../sandbox/threads/test-support.ts';

interface GraphErrorBody {
  error: { message: string; type: string; code: number; error_subcode?: number; fbtrace_id: string };
}
interface Paged {
  data: Record<string, unknown>[];
  paging?: { cursors: { before: string; after: string }; next?: string; previous?: string };
}

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+0000$/;

let t: TestThreads;
let alice: { id: string; username: string };
let bob: { id: string };
let token: string;
let postIds: string[];
/** When the first seeded post was made (ms); windows are computed from it, not from a later now. */
let seededFrom: number;

beforeAll(async () => {
  t = await startTestThreads();
  alice = t.server.admin.createUser({ username: 'alice', password: 'pw', name: 'Alice A', biography: 'Hi there', isVerified: true });
  bob = t.server.admin.createUser({ username: 'bob', password: 'pw' });
  seededFrom = t.clock.now() - 3600_000;
  postIds = Array.from({ length: 30 }, (_, i) => t.server.admin.createPost(alice.id, { text: `post number ${i}`, createdAt: seededFrom + i * 60_000 }).id);
  token = t.server.admin.createToken(alice.id);
});
afterAll(() => t.stop());

async function json<T>(response: Response): Promise<T> {
  return (await response.json()) as T;
}

describe('profile', () => {
  it('answers only the id when fields is omitted, like Meta', async () => {
    const response = await t.graph('/v1.0/me', token);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ id: alice.id });
  });

  it('returns the documented profile fields', async () => {
    const body = await json<Record<string, unknown>>(await t.graph('/v1.0/me?fields=id,username,name,threads_profile_picture_url,threads_biography,is_verified', token));
    expect(body).toEqual({
      id: alice.id,
      username: 'alice',
      name: 'Alice A',
      threads_profile_picture_url: expect.stringMatching(/^http/) as unknown,
      threads_biography: 'Hi there',
      is_verified: true,
    });
    // Unversioned paths work too, as on graph.threads.net.
    expect(await json<Record<string, unknown>>(await t.graph(`/${alice.id}?fields=username`, token))).toEqual({ username: 'alice', id: alice.id });
  });
});

describe('paging', () => {
  it('pages /me/threads newest first with cursors and a full next URL', async () => {
    const first = await json<Paged>(await t.graph('/v1.0/me/threads?fields=id,text,timestamp,media_type&limit=10', token));
    expect(first.data.map((p) => p.id)).toEqual(postIds.slice(-10).reverse());
    expect(first.data[0]).toMatchObject({ text: 'post number 29', media_type: 'TEXT_POST', timestamp: expect.stringMatching(TIMESTAMP) as unknown });
    expect(first.paging?.cursors.after).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(first.paging?.previous).toBeUndefined();
    const next = first.paging?.next as string;
    expect(next.startsWith(`${t.server.origin}/v1.0/me/threads?`)).toBe(true);
    expect(new URL(next).searchParams.get('fields')).toBe('id,text,timestamp,media_type');

    const second = await json<Paged>(await t.graph(next.slice(t.server.origin.length), token));
    expect(second.data.map((p) => p.id)).toEqual(postIds.slice(10, 20).reverse());
    expect(second.paging?.previous).toBeDefined();
    const back = await json<Paged>(await t.graph((second.paging?.previous as string).slice(t.server.origin.length), token));
    expect(back.data.map((p) => p.id)).toEqual(first.data.map((p) => p.id));

    const third = await json<Paged>(await t.graph((second.paging?.next as string).slice(t.server.origin.length), token));
    expect(third.data).toHaveLength(10);
    expect(third.paging?.next).toBeUndefined();
  });

  it('defaults to 25, caps limit at 100 and filters with since/until', async () => {
    expect((await json<Paged>(await t.graph('/v1.0/me/threads', token))).data).toHaveLength(25);
    expect((await json<Paged>(await t.graph('/v1.0/me/threads?limit=500', token))).data).toHaveLength(30);
    const start = Math.floor(seededFrom / 1000);
    const windowed = await json<Paged>(await t.graph(`/v1.0/me/threads?since=${start + 300}&until=${start + 599}`, token));
    expect(windowed.data.map((p) => p.id)).toEqual(postIds.slice(5, 10).reverse());
  });
});

describe('media objects', () => {
  it('renders an image post, a carousel, a reply and a quote with Meta field names', async () => {
    const image = t.server.admin.createPost(alice.id, { media: [{ type: 'IMAGE', url: 'https://example.test/a.jpg', altText: 'a cat' }], text: 'look' });
    const carousel = t.server.admin.createPost(alice.id, {
      media: [{ type: 'IMAGE', url: 'https://example.test/1.jpg' }, { type: 'VIDEO', url: 'https://example.test/2.mp4' }],
    });
    const reply = t.server.admin.createPost(bob.id, { text: 'nice', replyToId: image.id });
    const quote = t.server.admin.createPost(bob.id, { text: 'see this', quotePostId: image.id });
    const fields = 'id,media_product_type,media_type,media_url,permalink,owner,username,text,timestamp,shortcode,alt_text,is_quote_post,has_replies,is_reply,children';
    const img = await json<Record<string, unknown>>(await t.graph(`/v1.0/${image.id}?fields=${fields}`, token));
    expect(img).toEqual({
      id: image.id,
      media_product_type: 'THREADS',
      media_type: 'IMAGE',
      media_url: 'https://example.test/a.jpg',
      permalink: `${t.server.origin}/@alice/post/${image.shortcode}`,
      owner: { id: alice.id },
      username: 'alice',
      text: 'look',
      timestamp: expect.stringMatching(TIMESTAMP) as unknown,
      shortcode: image.shortcode,
      alt_text: 'a cat',
      is_quote_post: false,
      has_replies: true,
      is_reply: false,
    });
    const car = await json<Record<string, unknown>>(await t.graph(`/v1.0/${carousel.id}?fields=media_type,children{id,media_type,media_url}`, token));
    expect(car.media_type).toBe('CAROUSEL_ALBUM');
    expect((car.children as { data: { media_type: string }[] }).data.map((c) => c.media_type)).toEqual(['IMAGE', 'VIDEO']);
    const rep = await json<Record<string, unknown>>(await t.graph(`/v1.0/${reply.id}?fields=is_reply,root_post,replied_to,hide_status,reply_audience`, token));
    expect(rep).toEqual({ id: reply.id, is_reply: true, root_post: { id: image.id }, replied_to: { id: image.id }, hide_status: 'NOT_HUSHED', reply_audience: 'EVERYONE' });
    const quo = await json<Record<string, unknown>>(await t.graph(`/v1.0/${quote.id}?fields=is_quote_post,quoted_post`, token));
    expect(quo).toEqual({ id: quote.id, is_quote_post: true, quoted_post: { id: image.id } });
  });

  it('answers insights in the documented shape', async () => {
    const post = t.server.admin.createPost(alice.id, { text: 'measure me' });
    t.server.admin.like(bob.id, post.id);
    const body = await json<{ data: Record<string, unknown>[] }>(await t.graph(`/v1.0/${post.id}/insights?metric=views,likes,replies`, token));
    expect(body.data).toHaveLength(3);
    expect(body.data[1]).toEqual({
      name: 'likes',
      period: 'lifetime',
      values: [{ value: 1 }],
      title: 'likes',
      description: expect.any(String) as unknown,
      id: `${post.id}/insights/likes/lifetime`,
    });
  });

  it('searches public posts by keyword and tag, and looks up public profiles', async () => {
    t.server.admin.createPost(bob.id, { text: 'I love sourdough', topicTag: 'baking' });
    const byKeyword = await json<Paged>(await t.graph('/v1.0/keyword_search?q=sourdough&search_type=RECENT&fields=text,username', token));
    expect(byKeyword.data).toEqual([{ text: 'I love sourdough', username: 'bob', id: expect.any(String) as unknown }]);
    const byTag = await json<Paged>(await t.graph('/v1.0/keyword_search?q=baking&search_mode=TAG&fields=text', token));
    expect(byTag.data.map((p) => p.text)).toEqual(['I love sourdough']);
    const profile = await json<Record<string, unknown>>(await t.graph('/v1.0/profile_lookup?username=bob', token));
    expect(profile).toMatchObject({ username: 'bob', is_verified: false, follower_count: 0 });
    const posts = await json<Paged>(await t.graph('/v1.0/profile_posts?username=bob&fields=text', token));
    // Top-level posts only, newest first (bob's reply is not one).
    expect(posts.data.map((p) => p.text)).toEqual(['I love sourdough', 'see this']);
  });
});

describe('errors', () => {
  it('answers 190 for an invalid token and for a revoked one (subcode 460)', async () => {
    const bad = await t.graph('/v1.0/me', 'nope');
    expect(bad.status).toBe(400);
    const body = await json<GraphErrorBody>(bad);
    expect(body.error).toMatchObject({ type: 'OAuthException', code: 190 });
    expect(typeof body.error.fbtrace_id).toBe('string');
    const revoked = t.server.admin.createToken(alice.id);
    t.server.admin.revokeToken(revoked);
    expect((await json<GraphErrorBody>(await t.graph('/v1.0/me', revoked))).error).toMatchObject({ code: 190, error_subcode: 460 });
  });

  it('answers (#100) for an unknown field and 100/33 for an unknown id', async () => {
    const field = await t.graph('/v1.0/me?fields=id,favourite_color', token);
    expect(field.status).toBe(400);
    expect((await json<GraphErrorBody>(field)).error).toMatchObject({ code: 100, message: '(#100) Tried accessing nonexisting field (favourite_color) on node type (User)' });
    const unknown = await json<GraphErrorBody>(await t.graph('/v1.0/1234567890', token));
    expect(unknown.error).toMatchObject({ code: 100, error_subcode: 33, type: 'GraphMethodException' });
    expect(unknown.error.message).toMatch(/^Unsupported get request\. Object with ID '1234567890' does not exist/);
  });

  it('answers (#100) for a malformed fields list or an unknown child field instead of dropping it', async () => {
    for (const fields of ['id},bogus', 'id,', 'id{id', `${'children{'.repeat(8)}id${'}'.repeat(8)}`, 'text;drop']) {
      const response = await t.graph(`/v1.0/${postIds[0] as string}?fields=${encodeURIComponent(fields)}`, token);
      expect(response.status, fields).toBe(400);
      expect((await json<GraphErrorBody>(response)).error.code, fields).toBe(100);
    }
    const child = await json<GraphErrorBody>(await t.graph(`/v1.0/${postIds[0] as string}?fields=children{bogus}`, token));
    expect(child.error.message).toBe('(#100) Tried accessing nonexisting field (bogus) on node type (ThreadsMedia)');
  });

  it('refuses before with after, since not before until, and forged cursors', async () => {
    const page = await json<Paged>(await t.graph('/v1.0/me/threads?limit=2', token));
    const { before, after } = page.paging?.cursors ?? { before: '', after: '' };
    const bad = [
      `after=${after}&before=${before}`,
      'since=1700000600&until=1700000000',
      'since=1700000000&until=1700000000',
      `after=${Buffer.from('offset:-5').toString('base64url')}`,
      'after=%%%',
      'limit=-1',
    ];
    for (const query of bad) {
      const response = await t.graph(`/v1.0/me/threads?${query}`, token);
      expect(response.status, query).toBe(400);
      expect((await json<GraphErrorBody>(response)).error.code, query).toBe(100);
    }
  });

  it('answers code 10 when the token lacks the scope', async () => {
    const basic = t.server.admin.createToken(alice.id, { scopes: ['threads_basic'] });
    const response = await t.graph(`/v1.0/${postIds[0] as string}/insights?metric=likes`, basic);
    expect(response.status).toBe(403);
    expect((await json<GraphErrorBody>(response)).error).toMatchObject({ code: 10, type: 'OAuthException' });
  });

  it('reports usage in X-App-Usage and refuses with code 17 over the limit', async () => {
    t.server.rateLimiter.configure({ max: 2, windowMs: 60_000 });
    try {
      const fresh = t.server.admin.createToken(alice.id);
      const one = await t.graph('/v1.0/me', fresh);
      expect(JSON.parse(one.headers.get('x-app-usage') as string)).toEqual({ call_count: 50, total_cputime: 0, total_time: 0 });
      await t.graph('/v1.0/me', fresh);
      const over = await t.graph('/v1.0/me', fresh);
      expect(over.status).toBe(400);
      expect((await json<GraphErrorBody>(over)).error).toMatchObject({ code: 17 });
      t.clock.advance(60_000);
      expect((await t.graph('/v1.0/me', fresh)).status).toBe(200);
    } finally {
      t.server.rateLimiter.configure({ max: 10_000, windowMs: 3600_000 });
    }
  });

  it('gives injected faults Meta error bodies', async () => {
    t.faults.add({ server: 'threads', path: '/v1.0/me', times: 1, fault: { kind: 'status', status: 503 } });
    const unavailable = await t.graph('/v1.0/me', token);
    expect(unavailable.status).toBe(503);
    expect((await json<GraphErrorBody>(unavailable)).error).toMatchObject({ code: 2, message: 'An unexpected error has occurred. Please retry your request later.' });
    t.faults.add({ server: 'threads', path: '/v1.0/me', times: 1, fault: { kind: 'status', status: 429, retryAfterSeconds: 7 } });
    const limited = await t.graph('/v1.0/me', token);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect((await json<GraphErrorBody>(limited)).error.code).toBe(4);
    t.faults.add({ server: 'threads', path: '/v1.0/me', times: 1, fault: { kind: 'revoked-token' } });
    expect((await json<GraphErrorBody>(await t.graph('/v1.0/me', token))).error).toMatchObject({ code: 190, error_subcode: 460 });
    expect((await t.graph('/v1.0/me', token)).status).toBe(200);
  });
});
