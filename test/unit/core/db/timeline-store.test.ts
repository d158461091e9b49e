/**
 * The timeline cache end to end inside SQLite: feed items from the real normalizers go in
 * through the writer, cards come out through the reader, the way the renderer pages them.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TimelineEntry, TimelineFilter } from '@shared/timeline';
import { createAccountsRepo } from '../../../../electron/core/db/accounts-repo';
import { openDatabase, type Db } from '../../../../electron/core/db/open';
import { createSyncRepo, type SyncCursor } from '../../../../electron/core/db/sync-repo';
import { createTimelineReader, decodeCursor, encodeCursor, type TimelineReader } from '../../../../electron/core/db/timeline-read';
import { createTimelineWriter, type TimelineWriter, type WriteResult } from '../../../../electron/core/db/timeline-write';
import { normalizeMastodonStatus } from '../../../../electron/core/timeline/normalize-mastodon';
import { normalizeThreadsMedia } from '../../../../electron/core/timeline/normalize-threads';
import type { FeedItem } from '../../../../electron/core/timeline/types';
import { mastodonAccount, mastodonCtx, mastodonStatus, threadsCtx, threadsMedia } from '../timeline/fixtures';

const T0 = Date.parse('2026-11-02T10:00:00Z');
const iso = (ms: number): string => new Date(ms).toISOString();
const metaTime = (ms: number): string => iso(ms).replace(/\.\d{3}Z$/, '+0000');

const MASTO = 'https://mastodon.social';
const MASTO_2 = 'https://hachyderm.io';
const THREADS = 'https://graph.threads.net';

const mCtx = mastodonCtx();
const mCtx2 = mastodonCtx({ accountId: 'acc-masto-2', server: MASTO_2 });
const tCtx = threadsCtx();

/** Bob's status number `n` on fosstodon.org, as the user's mastodon.social account sees it. */
function bobPost(n: number, at = T0 + n * 60_000, overrides: Record<string, unknown> = {}, ctx = mCtx): FeedItem {
  return normalizeMastodonStatus(
    mastodonStatus({
      id: String(5000 + n),
      createdAt: iso(at),
      uri: `https://fosstodon.org/users/bob/statuses/${n}`,
      url: `https://fosstodon.org/@bob/${n}`,
      content: `<p>Bob's post number ${n}</p>`,
      ...overrides,
    }),
    ctx,
  );
}

/** Alice's Threads media id `n` (Meta's ids are beyond 2^53: strings, never numbers). */
const aliceId = (n: number): string => `18028743095${String(n).padStart(6, '0')}`;

/** Alice's Threads post number `n`, as the user's Threads account sees it. */
function alicePost(n: number, at = T0 + n * 60_000, overrides: Record<string, unknown> = {}): FeedItem {
  return normalizeThreadsMedia(
    threadsMedia({
      id: aliceId(n),
      timestamp: metaTime(at),
      permalink: `https://www.threads.net/@alice/post/ALICE${n}`,
      shortcode: `ALICE${n}`,
      activitypub_id: `https://threads.net/ap/users/17841400000000001/post/${aliceId(n)}/`,
      text: `Alice on Threads, post ${n}`,
      ...overrides,
    }),
    tCtx,
  );
}

const aliceOnMastodon = mastodonAccount({ id: '110', username: 'alice', acct: 'alice@threads.net', displayName: 'Alice', url: 'https://www.threads.net/@alice', fields: [] });

/** The copy of Alice's Threads post `n` that federated to the user's Mastodon account. */
function aliceCopy(n: number, at = T0 + n * 60_000 + 1000, ctx = mCtx): FeedItem {
  return normalizeMastodonStatus(
    mastodonStatus({
      id: String(7000 + n),
      account: aliceOnMastodon,
      createdAt: iso(at),
      uri: `https://threads.net/ap/users/17841400000000001/post/${aliceId(n)}/`,
      url: `https://www.threads.net/@alice/post/ALICE${n}`,
      content: `<p>Alice on Threads, post ${n}</p>`,
    }),
    ctx,
  );
}

const carol = mastodonAccount({ id: '220', username: 'carol', acct: 'carol@mas.to', displayName: 'Carol', url: 'https://mas.to/@carol', emojis: [], fields: [] });

/** Carol boosting Bob's post `n` (the reblog wraps the full original status). */
function carolBoosts(n: number, at: number, boostId = `9${n}`, ctx = mCtx, booster = carol): FeedItem {
  return normalizeMastodonStatus(
    mastodonStatus({
      id: boostId,
      account: booster,
      createdAt: iso(at),
      uri: `https://mas.to/users/carol/statuses/${boostId}/activity`,
      url: null,
      content: '',
      reblog: mastodonStatus({
        id: String(5000 + n),
        createdAt: iso(T0 + n * 60_000),
        uri: `https://fosstodon.org/users/bob/statuses/${n}`,
        url: `https://fosstodon.org/@bob/${n}`,
        content: `<p>Bob's post number ${n}</p>`,
      }),
    }),
    ctx,
  );
}

let db: Db;
let writer: TimelineWriter;
let reader: TimelineReader;

beforeEach(() => {
  db = openDatabase(':memory:');
  const accounts = createAccountsRepo(db);
  accounts.upsert({ id: 'acc-threads', network: 'threads', server: THREADS, remoteId: '1', handle: 'me', displayName: 'Me', avatarUrl: null, status: 'ok', linkedAt: '2026-01-01T00:00:00.000Z' });
  accounts.upsert({ id: 'acc-masto', network: 'mastodon', server: MASTO, remoteId: '2', handle: 'me@mastodon.social', displayName: 'Me', avatarUrl: null, status: 'ok', linkedAt: '2026-01-02T00:00:00.000Z' });
  accounts.upsert({ id: 'acc-masto-2', network: 'mastodon', server: MASTO_2, remoteId: '3', handle: 'me@hachyderm.io', displayName: 'Me', avatarUrl: null, status: 'ok', linkedAt: '2026-01-03T00:00:00.000Z' });
  writer = createTimelineWriter(db, () => T0);
  reader = createTimelineReader(db);
});
afterEach(() => db.close());

function store(items: readonly FeedItem[], server = MASTO): WriteResult {
  return writer.transaction((result) => writer.storeItems(items, server, result));
}

function remove(accountId: string, remoteId: string): WriteResult {
  return writer.transaction((result) => writer.removeRemote(accountId, remoteId, result));
}

/** Every card, paging with `before` like the renderer scrolling down. */
function readAll(filter: TimelineFilter = 'all', limit = 50): TimelineEntry[] {
  const entries: TimelineEntry[] = [];
  let before: string | undefined;
  for (let pages = 0; pages < 1000; pages += 1) {
    const page = reader.page({ filter, limit, ...(before === undefined ? {} : { before }) });
    entries.push(...page.entries);
    if (page.olderCursor === null) return entries;
    before = page.olderCursor;
  }
  throw new Error('paging did not end');
}

const texts = (entries: readonly TimelineEntry[]): string[] => entries.map((entry) => entry.posts[0]?.contentHtml ?? '');
const only = (entries: readonly TimelineEntry[]): TimelineEntry => {
  expect(entries).toHaveLength(1);
  return entries[0] as TimelineEntry;
};

describe('paging', () => {
  it('walks every card exactly once, newest first, with before cursors, including cards that share a time', () => {
    // 12 posts a minute apart, and 9 more posted in the same second (Threads times have no milliseconds).
    store(Array.from({ length: 12 }, (_, i) => bobPost(i)));
    store(Array.from({ length: 9 }, (_, i) => alicePost(100 + i, T0 + 5.5 * 60_000)), THREADS);

    for (const limit of [1, 4, 7, 50]) {
      const entries = readAll('all', limit);
      expect(entries, `limit ${limit}`).toHaveLength(21);
      expect(new Set(entries.map((e) => e.groupId)).size, `limit ${limit}`).toBe(21);
      const order = entries.map((e) => [Date.parse(e.sortAt), Number(e.groupId)] as const);
      const sorted = [...order].sort((a, b) => b[0] - a[0] || b[1] - a[1]);
      expect(order, `limit ${limit}`).toEqual(sorted);
    }
    expect(texts(readAll()).slice(0, 2)).toEqual(["<p>Bob's post number 11</p>", "<p>Bob's post number 10</p>"]);
  });

  it('gives each entry its own cursor, and the page the cursors of its oldest and newest entries', () => {
    store([bobPost(1), bobPost(2), bobPost(3)]);
    const page = reader.page({ filter: 'all', limit: 2 });
    expect(page.entries.map((e) => e.cursor)).toEqual(page.entries.map((e) => encodeCursor({ sortAt: Date.parse(e.sortAt), groupId: Number(e.groupId) })));
    expect(page.newerCursor).toBe(page.entries[0]?.cursor);
    expect(page.olderCursor).toBe(page.entries[1]?.cursor);
    const last = reader.page({ filter: 'all', limit: 2, before: page.olderCursor as string });
    expect(texts(last.entries)).toEqual(["<p>Bob's post number 1</p>"]);
    expect(last.olderCursor).toBeNull();
  });

  it('says there is nothing older only when a page comes back short', () => {
    store([bobPost(1), bobPost(2)]);
    const full = reader.page({ filter: 'all', limit: 2 });
    expect(full.olderCursor).not.toBeNull();
    const empty = reader.page({ filter: 'all', limit: 2, before: full.olderCursor as string });
    expect(empty).toMatchObject({ entries: [], olderCursor: null, newerCursor: null });
  });

  it('returns only newer cards with after, newest first, the nearest ones when there are more than the limit', () => {
    store([bobPost(1), bobPost(2)]);
    const top = reader.page({ filter: 'all', limit: 10 });
    expect(reader.page({ filter: 'all', limit: 10, after: top.newerCursor as string }).entries).toEqual([]);

    store([bobPost(3), bobPost(4), bobPost(5), bobPost(6)]);
    const newer = reader.page({ filter: 'all', limit: 10, after: top.newerCursor as string });
    expect(texts(newer.entries)).toEqual(["<p>Bob's post number 6</p>", "<p>Bob's post number 5</p>", "<p>Bob's post number 4</p>", "<p>Bob's post number 3</p>"]);

    // Two at a time: the two just above the cursor, so nothing is skipped when the renderer asks again.
    const near = reader.page({ filter: 'all', limit: 2, after: top.newerCursor as string });
    expect(texts(near.entries)).toEqual(["<p>Bob's post number 4</p>", "<p>Bob's post number 3</p>"]);
    const next = reader.page({ filter: 'all', limit: 2, after: near.newerCursor as string });
    expect(texts(next.entries)).toEqual(["<p>Bob's post number 6</p>", "<p>Bob's post number 5</p>"]);
  });

  it('finds newer cards that share the cursor card’s time', () => {
    store([alicePost(1, T0)], THREADS);
    const top = reader.page({ filter: 'all', limit: 10 });
    store([alicePost(2, T0), alicePost(3, T0)], THREADS);
    expect(texts(reader.page({ filter: 'all', limit: 10, after: top.newerCursor as string }).entries)).toEqual([
      '<p>Alice on Threads, post 3</p>',
      '<p>Alice on Threads, post 2</p>',
    ]);
  });

  it('treats a cursor it did not make as the first page', () => {
    store([bobPost(1), bobPost(2), bobPost(3)]);
    const first = reader.page({ filter: 'all', limit: 2 });
    for (const bad of ['', 'garbage', '1.2.3', '12', '1e5.3', '99999999999999999.1', ' 1.2', "1.2'; DROP TABLE posts; --"]) {
      expect(reader.page({ filter: 'all', limit: 2, before: bad }), `before ${JSON.stringify(bad)}`).toEqual(first);
      expect(reader.page({ filter: 'all', limit: 2, after: bad }), `after ${JSON.stringify(bad)}`).toEqual(first);
    }
    expect(decodeCursor('-5.7')).toEqual({ sortAt: -5, groupId: 7 });
    expect(readAll()).toHaveLength(3);
  });

  it('shows an empty cache as an empty page', () => {
    expect(reader.page({ filter: 'all', limit: 50 })).toEqual({ entries: [], olderCursor: null, newerCursor: null, complete: false });
  });
});

describe('filters', () => {
  beforeEach(() => {
    store([bobPost(1)]);
    store([alicePost(2), alicePost(3)], THREADS);
    store([aliceCopy(3)]);
  });

  it('show the cards with a copy from the chosen network, or both', () => {
    expect(texts(readAll('all'))).toEqual(['<p>Alice on Threads, post 3</p>', '<p>Alice on Threads, post 2</p>', "<p>Bob's post number 1</p>"]);
    expect(texts(readAll('threads'))).toEqual(['<p>Alice on Threads, post 3</p>', '<p>Alice on Threads, post 2</p>']);
    expect(texts(readAll('mastodon'))).toEqual(['<p>Alice on Threads, post 3</p>', "<p>Bob's post number 1</p>"]);
    expect(texts(readAll('cross-posted'))).toEqual(['<p>Alice on Threads, post 3</p>']);
  });

  it('page within the filter', () => {
    store(Array.from({ length: 6 }, (_, i) => bobPost(10 + i)));
    const mastodon = readAll('mastodon', 3);
    expect(mastodon).toHaveLength(8);
    expect(mastodon.every((e) => e.networks.includes('mastodon'))).toBe(true);
    expect(readAll('threads', 1)).toHaveLength(2);
  });

  it('follow a card that loses its only copy from one network', () => {
    remove('acc-masto', '7003');
    expect(readAll('cross-posted')).toEqual([]);
    expect(texts(readAll('mastodon'))).toEqual(["<p>Bob's post number 1</p>"]);
    expect(readAll('threads')).toHaveLength(2);
  });
});

describe('cross-posts', () => {
  it('puts a Threads post and its federated Mastodon copy on one card, Threads first, in either order', () => {
    const threadsFirst = store([alicePost(1)], THREADS);
    const copyJoins = store([aliceCopy(1)]);
    expect(threadsFirst.added).toHaveLength(1);
    expect(copyJoins.added).toEqual([]);
    expect(copyJoins.linked).toBe(1);
    expect([...copyJoins.changed]).toEqual([threadsFirst.added[0]?.groupId]);

    const copyFirst = store([aliceCopy(2)]);
    const threadsJoins = store([alicePost(2)], THREADS);
    expect(threadsJoins.added).toEqual([]);
    expect([...threadsJoins.changed]).toEqual([copyFirst.added[0]?.groupId]);

    const entries = readAll();
    expect(entries).toHaveLength(2);
    for (const entry of entries) {
      expect(entry.networks).toEqual(['threads', 'mastodon']);
      expect(entry.rule).toBe('activitypub-id');
      expect(entry.posts.map((p) => p.network)).toEqual(['threads', 'mastodon']);
      expect(entry.posts[0]?.accountId).toBe('acc-threads');
    }
  });

  it('sorts a cross-posted card at its earliest copy', () => {
    store([aliceCopy(1, T0 + 90_000)]);
    store([alicePost(1, T0 + 60_000)], THREADS);
    expect(only(readAll()).sortAt).toBe(iso(T0 + 60_000));
  });

  it('links copies stored in the same write', () => {
    const result = store([alicePost(1), alicePost(2)], THREADS);
    const both = writer.transaction((changes) => {
      writer.storeItems([aliceCopy(1)], MASTO, changes);
      writer.storeItems([bobPost(3), aliceCopy(2)], MASTO, changes);
    });
    expect(result.added).toHaveLength(2);
    expect(both.added).toHaveLength(1);
    expect(both.linked).toBe(2);
    expect(readAll('cross-posted')).toHaveLength(2);
  });

  it('orders several copies: Threads first, then by when their account was linked', () => {
    store([aliceCopy(1, T0 + 61_000, mCtx2)], MASTO_2);
    store([aliceCopy(1)]);
    store([alicePost(1)], THREADS);
    expect(only(readAll()).posts.map((p) => p.accountId)).toEqual(['acc-threads', 'acc-masto', 'acc-masto-2']);
  });

  it('shows no rule on a card with a single copy', () => {
    store([alicePost(1)], THREADS);
    expect(only(readAll())).toMatchObject({ networks: ['threads'], rule: null });
  });
});

describe('boosts', () => {
  it('adds a boost of a stored post to the card it is on, without a second card', () => {
    const original = store([bobPost(1)]);
    const groupId = original.added[0]?.groupId as number;
    const boost = store([carolBoosts(1, T0 + 3_600_000)]);
    expect(boost.added).toEqual([]);
    expect([...boost.changed]).toEqual([groupId]);
    const entry = only(readAll());
    expect(entry.boostedBy).toEqual([{ author: expect.objectContaining({ handle: 'carol@mas.to', displayName: 'Carol' }) as unknown, network: 'mastodon', at: iso(T0 + 3_600_000) }]);
    expect(entry.posts).toHaveLength(1);
  });

  it('puts a post first seen through a boost at the time of the boost', () => {
    store([bobPost(1, T0), bobPost(2, T0 + 60_000)]);
    const result = store([carolBoosts(9, T0 + 120_000)]);
    expect(result.added).toEqual([{ groupId: expect.any(Number) as number, sortAt: T0 + 120_000 }]);
    expect(texts(readAll())[0]).toBe("<p>Bob's post number 9</p>");
  });

  it('does not count a boost seen again as a change', () => {
    store([carolBoosts(1, T0 + 60_000)]);
    const again = store([carolBoosts(1, T0 + 60_000)]);
    expect(again.added).toEqual([]);
    expect([...again.changed]).toEqual([]);
    expect(only(readAll()).boostedBy).toHaveLength(1);
  });

  it('shows one line for the same boost seen by accounts on two servers, whose ids for the booster differ', () => {
    const otherServer = mastodonCtx({ accountId: 'acc-masto-5', server: 'https://hachyderm.io' });
    createAccountsRepo(db).upsert({ id: 'acc-masto-5', network: 'mastodon', server: 'https://hachyderm.io', remoteId: '7', handle: 'me@hachyderm.io', displayName: 'Me', avatarUrl: null, status: 'ok', linkedAt: '2026-01-05T00:00:00.000Z' });
    store([carolBoosts(1, T0 + 60_000)]);
    store([carolBoosts(1, T0 + 60_000, '77', otherServer)]);
    const entry = only(readAll());
    expect(new Set(entry.boostedBy.map((b) => b.author.id)).size).toBe(1);
    expect(entry.boostedBy.map((b) => b.author.handle)).toEqual(['carol@mas.to']);
  });

  it('shows one line for the same boost seen by two accounts on one server', () => {
    const sameServer = mastodonCtx({ accountId: 'acc-masto-3' });
    createAccountsRepo(db).upsert({ id: 'acc-masto-3', network: 'mastodon', server: MASTO, remoteId: '4', handle: 'other@mastodon.social', displayName: 'Other', avatarUrl: null, status: 'ok', linkedAt: '2026-01-04T00:00:00.000Z' });
    store([carolBoosts(1, T0 + 60_000)]);
    const second = store([carolBoosts(1, T0 + 60_000, '91', sameServer)]);
    expect(second.added).toEqual([]);
    const entry = only(readAll());
    expect(entry.posts).toHaveLength(2);
    expect(entry.boostedBy.map((b) => b.author.handle)).toEqual(['carol@mas.to']);
  });

  it('lists two people who boosted the same post, oldest first', () => {
    const dave = mastodonAccount({ id: '330', username: 'dave', acct: 'dave', displayName: 'Dave', url: 'https://mastodon.social/@dave', emojis: [], fields: [] });
    store([carolBoosts(1, T0 + 120_000, '81', mCtx, dave)]);
    store([carolBoosts(1, T0 + 60_000)]);
    expect(only(readAll()).boostedBy.map((b) => [b.author.handle, b.at])).toEqual([
      ['carol@mas.to', iso(T0 + 60_000)],
      ['dave@mastodon.social', iso(T0 + 120_000)],
    ]);
  });

  it('keeps a Threads repost as a boost of the original', () => {
    const repost = normalizeThreadsMedia(
      threadsMedia({ id: 'R1', media_type: 'REPOST_FACADE', username: 'bea', owner: { id: '555' }, timestamp: metaTime(T0 + 600_000), reposted_post: { id: aliceId(1) }, text: undefined, activitypub_id: undefined, permalink: 'https://www.threads.net/@bea/post/R1' }),
      tCtx,
      { repostedPost: threadsMedia({ id: aliceId(1), timestamp: metaTime(T0), activitypub_id: undefined, permalink: 'https://www.threads.net/@alice/post/ALICE1', text: 'Original by Alice' }) },
    );
    store([alicePost(1)], THREADS);
    const result = store([repost], THREADS);
    expect(result.added).toEqual([]);
    expect(only(readAll()).boostedBy).toEqual([expect.objectContaining({ network: 'threads', author: expect.objectContaining({ handle: 'bea' }) as unknown })]);
  });
});

describe('removeRemote', () => {
  it('removes a card whose only copy was deleted', () => {
    const added = store([bobPost(1), bobPost(2)]);
    const [first] = added.added;
    const result = remove('acc-masto', '5001');
    expect([...result.removed]).toEqual([first?.groupId]);
    expect([...result.changed]).toEqual([]);
    expect(texts(readAll())).toEqual(["<p>Bob's post number 2</p>"]);
    expect(reader.entries([String(first?.groupId)])).toEqual([]);
    expect(db.prepare('SELECT count(*) AS n FROM posts').get()).toEqual({ n: 1 });
  });

  it('keeps a cross-posted card when one copy is deleted, and says it changed', () => {
    const threads = store([alicePost(1)], THREADS);
    store([aliceCopy(1)]);
    const groupId = threads.added[0]?.groupId as number;
    const result = remove('acc-threads', aliceId(1));
    expect([...result.changed]).toEqual([groupId]);
    expect([...result.removed]).toEqual([]);
    const entry = only(readAll());
    expect(entry.networks).toEqual(['mastodon']);
    expect(entry.rule).toBeNull();
    expect(readAll('threads')).toEqual([]);
  });

  it('takes a boost away by the boost’s own id, leaving the post', () => {
    store([bobPost(1)]);
    const boosted = store([carolBoosts(1, T0 + 60_000, '777')]);
    expect([...boosted.changed]).toHaveLength(1);
    const result = remove('acc-masto', '777');
    expect([...result.changed]).toEqual([...boosted.changed]);
    expect(only(readAll()).boostedBy).toEqual([]);
  });

  it('ignores an id it does not have, and another account’s copy', () => {
    store([bobPost(1)]);
    for (const result of [remove('acc-masto', 'nope'), remove('acc-masto-2', '5001')]) {
      expect(result).toMatchObject({ added: [], stored: 0 });
      expect([...result.changed, ...result.removed]).toEqual([]);
    }
    expect(readAll()).toHaveLength(1);
  });

  it('reports a card added and removed in one write as removed only', () => {
    const result = writer.transaction((changes) => {
      writer.storeItems([bobPost(1)], MASTO, changes);
      writer.removeRemote('acc-masto', '5001', changes);
    });
    expect(result.removed.size).toBe(1);
    expect(result.changed.size).toBe(0);
    expect(readAll()).toEqual([]);
  });
});

describe('edits', () => {
  it('replace the copy on its card and mark the card changed, without a new card', () => {
    const first = store([bobPost(1, T0, { mediaAttachments: [{ id: 'm1', type: 'image', url: 'https://files.example/1.png', previewUrl: null, description: 'a robin', meta: { original: { width: 640, height: 480 } } }] })]);
    const groupId = first.added[0]?.groupId as number;
    const edited = store([
      bobPost(1, T0, {
        content: '<p>Bob fixed a typo</p>',
        editedAt: iso(T0 + 30_000),
        mediaAttachments: [{ id: 'm2', type: 'video', url: 'https://files.example/2.mp4', previewUrl: 'https://files.example/2.png', description: '', meta: {} }],
      }),
    ]);
    expect(edited.added).toEqual([]);
    expect([...edited.changed]).toEqual([groupId]);
    const entry = only(readAll());
    expect(entry.groupId).toBe(String(groupId));
    expect(entry.posts[0]).toMatchObject({ contentHtml: '<p>Bob fixed a typo</p>', editedAt: iso(T0 + 30_000) });
    expect(entry.posts[0]?.media).toEqual([{ type: 'video', url: 'https://files.example/2.mp4', previewUrl: 'https://files.example/2.png', alt: null, width: null, height: null }]);
  });

  it('are not reported when the same post comes again unchanged', () => {
    store([bobPost(1)]);
    const again = store([bobPost(1)]);
    expect(again).toMatchObject({ added: [], stored: 1, linked: 0 });
    expect(again.changed.size).toBe(0);
  });
});

describe('media', () => {
  it('come back in the order the post gave them', () => {
    const attachment = (n: number) => ({ id: `m${n}`, type: 'image', url: `https://files.example/${n}.png`, previewUrl: `https://files.example/${n}s.png`, description: `picture ${n}`, meta: { original: { width: 10 * n, height: 5 * n } } });
    store([bobPost(1, T0, { mediaAttachments: [3, 1, 2].map(attachment) })]);
    store([bobPost(2)]);
    const [second, first] = readAll();
    expect(first?.posts[0]?.media.map((m) => m.alt)).toEqual(['picture 3', 'picture 1', 'picture 2']);
    expect(first?.posts[0]?.media[0]).toEqual({ type: 'image', url: 'https://files.example/3.png', previewUrl: 'https://files.example/3s.png', alt: 'picture 3', width: 30, height: 15 });
    expect(second?.posts[0]?.media).toEqual([]);
  });
});

describe('WriteResult', () => {
  it('lists added cards with their times, and the newest time before the write', () => {
    const first = store([bobPost(1), bobPost(3)]);
    expect(first.newestBefore).toBe(Number.NEGATIVE_INFINITY);
    expect(first.added.map((a) => a.sortAt)).toEqual([T0 + 60_000, T0 + 180_000]);
    expect(first).toMatchObject({ stored: 2, linked: 0 });

    const second = store([bobPost(2), bobPost(4)]);
    expect(second.newestBefore).toBe(T0 + 180_000);
    // One older than what was there, one newer: the engine counts them as `older` and `newer`.
    expect(second.added.map((a) => a.sortAt > second.newestBefore)).toEqual([false, true]);
  });

  it('does not report a card as changed in the write that added it', () => {
    const result = store([bobPost(1), carolBoosts(1, T0 + 60_000), alicePost(2)]);
    expect(result.added).toHaveLength(2);
    expect(result.changed.size).toBe(0);
  });

  it('writes nothing when the write throws', () => {
    expect(() =>
      writer.transaction((changes) => {
        writer.storeItems([bobPost(1)], MASTO, changes);
        throw new Error('crash between pages');
      }),
    ).toThrow('crash between pages');
    expect(readAll()).toEqual([]);
  });
});

describe('entries', () => {
  it('returns the cards asked for in the order asked, leaving out missing ids and ids that are not numbers', () => {
    const { added } = store([bobPost(1), bobPost(2), bobPost(3)]);
    const [a, b, c] = added.map((x) => String(x.groupId));
    const entries = reader.entries([c as string, '999999', a as string, 'abc', b as string]);
    expect(entries.map((e) => e.groupId)).toEqual([c, a, b]);
    expect(reader.entries([])).toEqual([]);
    expect(reader.entries(['1.5', '-1', ''])).toEqual([]);
  });
});

describe('complete', () => {
  const cursor = (accountId: string, feed: string, backfillDone: boolean): SyncCursor => ({
    accountId, feed, newestId: '1', newestAt: T0, oldestId: '1', backfilled: 10, backfillDone, lastSyncedAt: T0,
  });

  it('is false until every account has finished the backfill of every feed', () => {
    const repo = createSyncRepo(db);
    store([bobPost(1)]);
    const complete = () => reader.page({ filter: 'all', limit: 10 }).complete;
    expect(complete()).toBe(false);
    repo.saveCursor(cursor('acc-masto', 'home', true));
    repo.saveCursor(cursor('acc-masto-2', 'home', true));
    expect(complete()).toBe(false); // the Threads account has not synced at all
    repo.saveCursor(cursor('acc-threads', 'threads', true));
    repo.saveCursor(cursor('acc-threads', 'replies', false));
    expect(complete()).toBe(false);
    repo.saveCursor(cursor('acc-threads', 'replies', true));
    expect(complete()).toBe(true);
    expect(reader.page({ filter: 'cross-posted', limit: 10 }).complete).toBe(true);
  });
});

describe('authors', () => {
  it('keeps a looked-up Threads name and picture when later posts carry only the username', () => {
    store([alicePost(1)], THREADS);
    const prefix = 'threads:graph.threads.net';
    expect(writer.authorsWithoutProfile(prefix, 5)).toEqual(['alice']);
    const changed = writer.rememberProfile(prefix, 'alice', { displayName: 'Alice A.', avatarUrl: 'https://cdn.example/alice.jpg' });
    expect([...changed.changed]).toHaveLength(1);
    store([alicePost(2)], THREADS);
    expect(readAll().map((e) => [e.posts[0]?.author.displayName, e.posts[0]?.author.avatarUrl])).toEqual([
      ['Alice A.', 'https://cdn.example/alice.jpg'],
      ['Alice A.', 'https://cdn.example/alice.jpg'],
    ]);
    expect(writer.authorsWithoutProfile(prefix, 5)).toEqual([]);
  });

  it('leaves out authors already asked about, so ones with no profile never hold up the rest', () => {
    store([alicePost(1)], THREADS);
    const prefix = 'threads:graph.threads.net';
    expect(writer.authorsWithoutProfile(prefix, 1)).toEqual(['alice']);
    expect(writer.authorsWithoutProfile(prefix, 1, ['alice'])).toEqual([]);
  });
});
