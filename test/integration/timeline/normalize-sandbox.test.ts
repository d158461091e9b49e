/**
 * The normalizers and the linker against the sandbox, over real HTTP, the way the sync sees the
 * two networks: a post made on Threads by a sharing user, read through the Graph API, and its
 * federated copy, read from a follower's Mastodon home timeline (through masto.js, as Braid
 * does, and as raw snake_case JSON). Both copies must normalize to the same link facts, so the
 * linker puts them on one card; the user's own manual cross-post must link by text, and a
 * stranger's identical words must not.
 */
import { createRestAPIClient } from 'masto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findCrossPost, type LinkSubject } from '../../../electron/core/timeline/link';
import { normalizeMastodonStatus } from '../../../electron/core/timeline/normalize-mastodon';
import { normalizeThreadsMedia } from '../../../electron/core/timeline/normalize-threads';
import { selfKeyOf } from '../../../electron/core/timeline/people';
import type { FeedItem, LinkCandidate, LinkLookup, NormalizeContext } from '../../../electron/core/timeline/types';
import { startSandbox, type Sandbox } from '../../sandbox/index.ts';

/** What Braid's Threads sync asks for (docs/threads-api.md, Media object fields). */
const MEDIA_FIELDS = [
  'id', 'media_type', 'media_url', 'permalink', 'owner', 'username', 'text', 'timestamp', 'shortcode', 'thumbnail_url',
  'children{id,media_type,media_url,thumbnail_url,alt_text}', 'is_quote_post', 'quoted_post', 'reposted_post', 'alt_text',
  'link_attachment_url', 'topic_tag', 'poll_attachment', 'is_reply', 'replied_to', 'root_post',
  'is_shared_to_fediverse', 'activitypub_id', 'is_from_fediverse', 'fediverse_author',
].join(',');

let sandbox: Sandbox;
let threadsCtx: NormalizeContext;
let mastodonCtx: NormalizeContext;
let readerThreadsToken: string;
let readerMastodonToken: string;
let meThreadsId: string;
let meMastodonId: string;
let strangerMastodonId: string;
let aliceId: string;

beforeAll(async () => {
  sandbox = await startSandbox({ seed: false });
  const { threads, mastodon } = sandbox;
  aliceId = threads.admin.createUser({ username: 'alice', password: 'pw-alice', sharing: true, age: 30 }).id;
  // The Braid user: "me" on both servers (not sharing on Threads, so a manual cross-post is
  // the only way the same words reach Mastodon).
  meThreadsId = threads.admin.createUser({ username: 'me', password: 'pw-me', age: 30 }).id;
  readerThreadsToken = threads.admin.createToken(meThreadsId);
  meMastodonId = mastodon.admin.createAccount({ username: 'me', password: 'pw-me' }).id;
  readerMastodonToken = mastodon.admin.createToken(meMastodonId, ['read']);
  strangerMastodonId = mastodon.admin.createAccount({ username: 'stranger', password: 'pw-stranger' }).id;
  mastodon.admin.follow(meMastodonId, strangerMastodonId);
  await mastodon.admin.followRemote(meMastodonId, `alice@${threads.host}`);
  await sandbox.federation.idle();

  const selfKeys = new Set([
    selfKeyOf({ network: 'threads', handle: 'me', server: threads.origin }, threads.host),
    selfKeyOf({ network: 'mastodon', handle: `me@${mastodon.host}`, server: mastodon.origin }),
  ]);
  const common = { threadsHosts: [threads.host.toLowerCase()], selfKeys };
  threadsCtx = { accountId: 'acc-threads', server: threads.origin, ...common };
  mastodonCtx = { accountId: 'acc-masto', server: mastodon.origin, ...common };
});

afterAll(async () => {
  await sandbox.stop();
});

async function threadsMedia(id: string): Promise<Record<string, unknown>> {
  const response = await fetch(`${sandbox.threads.origin}/v1.0/${id}?fields=${encodeURIComponent(MEDIA_FIELDS)}&access_token=${readerThreadsToken}`);
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

/** The reader's Mastodon home timeline through masto.js (camelCase, as the sync reads it). */
async function homeViaMasto(): Promise<unknown[]> {
  const client = createRestAPIClient({ url: sandbox.mastodon.origin, accessToken: readerMastodonToken });
  return client.v1.timelines.home.list({ limit: 40 });
}

/** The same timeline as raw JSON (snake_case, as streaming payloads arrive). */
async function homeRaw(): Promise<Record<string, unknown>[]> {
  const response = await fetch(`${sandbox.mastodon.origin}/api/v1/timelines/home?limit=40`, { headers: { authorization: `Bearer ${readerMastodonToken}` } });
  return (await response.json()) as Record<string, unknown>[];
}

function asSubject(item: FeedItem, ctx: NormalizeContext): LinkSubject {
  const { post, link } = item.post;
  return { postId: post.id, network: post.network, server: ctx.server, link, createdAtMs: Date.parse(post.createdAt) };
}

function lookupOver(items: { item: FeedItem; ctx: NormalizeContext; groupId: string }[]): LinkLookup {
  const stored: LinkCandidate[] = items.map(({ item, ctx, groupId }) => ({ ...asSubject(item, ctx), groupId, remoteId: item.post.post.remoteId }));
  return {
    byUriOrUrl: (keys) => stored.filter((c) => keys.some((k) => k === c.link.uriKey || k === c.link.urlKey)),
    byThreadsPostId: (id) => stored.filter((c) => c.link.threadsPostId === id),
    byPersonBetween: (key, from, to) => stored.filter((c) => c.link.personKey === key && c.createdAtMs >= from && c.createdAtMs <= to),
  };
}

describe('a Threads post and its federated Mastodon copy', () => {
  const text = 'Heron at the weir this morning\n\nPhotos & notes: https://birds.example/heron?day=2 <- worth it! Café ☕';
  let original: FeedItem;
  let copy: FeedItem;
  let rawOriginal: Record<string, unknown>;

  beforeAll(async () => {
    const post = sandbox.threads.admin.createPost(aliceId, { text, linkAttachmentUrl: 'https://news.example/herons' });
    await sandbox.federation.idle();
    rawOriginal = await threadsMedia(post.id);
    original = normalizeThreadsMedia(rawOriginal, threadsCtx);
    const statuses = await homeViaMasto();
    const found = statuses.map((s) => normalizeMastodonStatus(s, mastodonCtx)).find((s) => s.post.post.url === post.permalink);
    if (!found) throw new Error('the post did not reach the Mastodon home timeline');
    copy = found;
  });

  it('normalize to the same ActivityPub id, permalink, Threads id, person and text', () => {
    expect(original.post.post.sharedToFediverse).toBe(true);
    expect(copy.post.post.author.handle).toBe(`alice@${sandbox.threads.host}`);
    expect(copy.post.link.uriKey).not.toBeNull();
    expect(copy.post.link.uriKey).toBe(original.post.link.uriKey);
    expect(copy.post.link.urlKey).toBe(original.post.link.urlKey);
    expect(copy.post.link.threadsPostId).toBe(original.post.post.remoteId);
    expect(copy.post.link.personKey).toBe(`threads:${sandbox.threads.host}:alice`);
    expect(original.post.link.personKey).toBe(copy.post.link.personKey);
    expect(original.post.link.text).toBe('heron at the weir this morning photos & notes: https://birds.example/heron?day=2 <- worth it! café ☕ https://news.example/herons');
    expect(copy.post.link.text).toBe(original.post.link.text);
  });

  it('are linked by ActivityPub id in whichever order they arrive', () => {
    expect(findCrossPost(asSubject(copy, mastodonCtx), lookupOver([{ item: original, ctx: threadsCtx, groupId: 'g-threads' }]))).toMatchObject({ groupId: 'g-threads', rule: 'activitypub-id' });
    expect(findCrossPost(asSubject(original, threadsCtx), lookupOver([{ item: copy, ctx: mastodonCtx, groupId: 'g-masto' }]))).toMatchObject({ groupId: 'g-masto', rule: 'activitypub-id' });
  });

  it('are linked by permalink from a server without the ActivityPub extension', () => {
    const plain = normalizeThreadsMedia({ ...rawOriginal, activitypub_id: undefined, is_shared_to_fediverse: undefined }, threadsCtx);
    expect(plain.post.link.uriKey).toBeNull();
    expect(findCrossPost(asSubject(copy, mastodonCtx), lookupOver([{ item: plain, ctx: threadsCtx, groupId: 'g' }]))).toMatchObject({ rule: 'permalink' });
  });

  it('are linked by the Threads id when neither side has the other’s URLs', () => {
    const bare = normalizeThreadsMedia({ ...rawOriginal, activitypub_id: undefined, permalink: undefined }, threadsCtx);
    expect(findCrossPost(asSubject(copy, mastodonCtx), lookupOver([{ item: bare, ctx: threadsCtx, groupId: 'g' }]))).toMatchObject({ rule: 'threads-post-id' });
  });

  it('read the same through masto.js (camelCase) and as raw JSON (snake_case)', async () => {
    const raw = (await homeRaw()).map((s) => normalizeMastodonStatus(s, mastodonCtx)).find((s) => s.post.post.id === copy.post.post.id);
    expect(raw).toEqual(copy);
  });
});

describe("the user's manual cross-post", () => {
  it('links by same author and text within the window, and never to a stranger saying the same', async () => {
    const words = 'Braid 0.2 is out: one timeline for Threads and Mastodon https://braid.example/0.2';
    const start = sandbox.clock.now();
    const onThreads = sandbox.threads.admin.createPost(meThreadsId, { text: words, createdAt: start - 120_000 });
    sandbox.mastodon.admin.createStatus(meMastodonId, { text: words, createdAt: start - 30_000 });
    sandbox.mastodon.admin.createStatus(strangerMastodonId, { text: words, createdAt: start - 20_000 });
    await sandbox.federation.idle();

    const threadsItem = normalizeThreadsMedia(await threadsMedia(onThreads.id), threadsCtx);
    expect(threadsItem.post.post.sharedToFediverse).toBe(false);
    const home = (await homeViaMasto()).map((s) => normalizeMastodonStatus(s, mastodonCtx));
    const mine = home.find((s) => s.post.post.author.handle === `me@${sandbox.mastodon.host}` && s.post.link.text === threadsItem.post.link.text);
    const strangers = home.find((s) => s.post.post.author.handle === `stranger@${sandbox.mastodon.host}`);
    if (!mine || !strangers) throw new Error('the Mastodon posts are not in the home timeline');

    expect(strangers.post.link.text).toBe(threadsItem.post.link.text);
    expect(mine.post.link.personKey).toBe('self');
    expect(threadsItem.post.link.personKey).toBe('self');
    const lookup = lookupOver([{ item: threadsItem, ctx: threadsCtx, groupId: 'g-mine' }]);
    expect(findCrossPost(asSubject(mine, mastodonCtx), lookup)).toMatchObject({ groupId: 'g-mine', rule: 'same-author-text' });
    expect(findCrossPost(asSubject(strangers, mastodonCtx), lookup)).toBeNull();
  });
});
