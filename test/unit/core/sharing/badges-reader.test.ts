/**
 * Badges on timeline reads: the reader's decorate hook fills every card's `sharing` from the
 * stored facts (one primary-key query per page) and never waits for the network; the user's
 * sharing change drops their posts' facts and redraws those cards.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { TimelineEntry, TimelineUpdate } from '@shared/timeline';
import { createAccountsRepo } from '../../../../electron/core/db/accounts-repo';
import { openDatabase, type Db } from '../../../../electron/core/db/open';
import { createThreadsServersRepo } from '../../../../electron/core/db/threads-servers-repo';
import { createTimelineReader } from '../../../../electron/core/db/timeline-read';
import { createTimelineWriter } from '../../../../electron/core/db/timeline-write';
import { CoreEvents } from '../../../../electron/core/events';
import type { Fetch } from '../../../../electron/core/net/http';
import { accountTokenKey } from '../../../../electron/core/accounts/tokens';
import { MemorySecretStore } from '../../../../electron/core/secrets/memory-store';
import { HOW, type OwnSharing, type StoredFact } from '../../../../electron/core/sharing/badges';
import { createSharingFactsRepo } from '../../../../electron/core/sharing/facts-repo';
import { createSharingBadges, type SharingBadges } from '../../../../electron/core/sharing/sharing-badges';
import { canonicalKey } from '../../../../electron/core/timeline/text';
import type { FeedItem } from '../../../../electron/core/timeline/types';
import type { Post } from '@shared/timeline';
import { captureLogger } from '../helpers';
import { federatedCopy, mastodonPost, ME_MASTODON, ME_THREADS, T0, THREADS_SERVER, threadsCopy } from './fixtures';

let db: Db;
let badges: SharingBadges | null = null;
afterEach(() => {
  badges?.stop();
  badges = null;
  db?.close();
});

function item(post: Post): FeedItem {
  return {
    post: {
      post,
      link: {
        uriKey: canonicalKey(post.uri),
        urlKey: canonicalKey(post.url),
        threadsPostId: post.network === 'threads' ? post.remoteId : null,
        personKey: `p:${post.author.handle}`,
        text: post.contentHtml,
      },
    },
    boost: null,
  };
}

/** A cache with the user's two accounts and the given copies, stored as sync would. */
function cache(posts: Post[]): Db {
  db = openDatabase(':memory:');
  const accounts = createAccountsRepo(db);
  createThreadsServersRepo(db).save(THREADS_SERVER);
  accounts.upsert(ME_THREADS);
  accounts.upsert(ME_MASTODON);
  const writer = createTimelineWriter(db, () => T0);
  writer.transaction((result) => {
    for (const post of posts) writer.storeItems([item(post)], post.network === 'threads' ? ME_THREADS.server : ME_MASTODON.server, result);
  });
  return db;
}

function setUp(options: { ownSharing?: OwnSharing | null; fetch?: Fetch; ownSharingThrows?: boolean } = {}) {
  const events = new CoreEvents();
  const updates: TimelineUpdate[] = [];
  events.on('timeline.updated', (update) => updates.push(update));
  const { log, text } = captureLogger();
  const requests: string[] = [];
  const fetch: Fetch =
    options.fetch ??
    ((input) => {
      requests.push(String(input instanceof Request ? input.url : input));
      return Promise.resolve(new Response('no', { status: 404 }));
    });
  const secrets = new MemorySecretStore();
  void secrets.set(accountTokenKey(ME_MASTODON.id), 'mastodon-token');
  const instance = createSharingBadges({
    db,
    fetch,
    now: () => T0,
    log,
    events,
    accounts: createAccountsRepo(db),
    threadsServers: createThreadsServersRepo(db),
    secrets,
    ownSharing: () => {
      if (options.ownSharingThrows) throw new Error('sharing state unreadable');
      return options.ownSharing ?? null;
    },
    pacing: { webFingerIntervalMs: 0, searchIntervalMs: 0, coalesceMs: 5 },
  });
  badges = instance;
  const reader = createTimelineReader(db, { decorate: (entries) => instance.decorate(entries) });
  return { reader, updates, requests, log: text, badges: instance, facts: createSharingFactsRepo(db) };
}

const fact = (f: Pick<StoredFact, 'kind' | 'key' | 'state'>): StoredFact => ({ how: `stored ${f.state}`, checkedAt: T0, expiresAt: T0 + 60_000, ...f });

function byAuthor(entries: TimelineEntry[], handle: string): { entry: TimelineEntry; post: Post } {
  for (const entry of entries) {
    const post = entry.posts.find((p) => p.author.handle === handle);
    if (post) return { entry, post };
  }
  throw new Error(`no card by ${handle}`);
}

describe('the reader with badges', () => {
  it('fills every copy of every card from the stored facts, without waiting', () => {
    const alice = threadsCopy('alice');
    const carol = threadsCopy('carol');
    const own = threadsCopy('me', { ownerId: ME_THREADS.remoteId });
    const mona = mastodonPost();
    cache([alice, federatedCopy(alice), carol, own, mona]);
    const { reader, facts } = setUp({ ownSharing: 'enabled', fetch: () => new Promise<Response>(() => undefined) });
    facts.save(fact({ kind: 'actor', key: 'threads.net:carol', state: 'not-shared' }));
    const page = reader.page({ filter: 'all', limit: 50 });
    expect(page.entries).toHaveLength(4);
    const a = byAuthor(page.entries, 'alice');
    expect(a.entry.posts).toHaveLength(2);
    expect(a.entry.sharing[alice.id]?.post).toEqual({ badge: 'shared', how: HOW.copyReached });
    expect(Object.values(a.entry.sharing).map((s) => s.post?.badge).sort()).toEqual(['from-fediverse', 'shared']);
    const c = byAuthor(page.entries, 'carol');
    expect(c.entry.sharing[carol.id]).toEqual({ post: { badge: 'not-shared', how: HOW.authorNotSharing }, author: { badge: 'not-shared', how: 'stored not-shared' } });
    expect(byAuthor(page.entries, 'me').entry.sharing[own.id]?.author).toEqual({ badge: 'shared', how: HOW.ownEnabled });
    expect(byAuthor(page.entries, 'mona@mastodon.social').entry.sharing[mona.id]).toEqual({ post: null, author: null });
    // The same through timeline.entries (redraws).
    expect(reader.entries([c.entry.groupId])[0]?.sharing[carol.id]?.author?.badge).toBe('not-shared');
  });

  it('reads the facts of a page in one query through the primary key', () => {
    cache([]);
    const facts = createSharingFactsRepo(db);
    facts.save(fact({ kind: 'actor', key: 'threads.net:alice', state: 'shared' }));
    facts.save(fact({ kind: 'post', key: 'threads.net/@alice/post/A', state: 'not-shared' }));
    const read = facts.read([
      { kind: 'actor', key: 'threads.net:alice' },
      { kind: 'post', key: 'threads.net/@alice/post/A' },
      { kind: 'post', key: 'threads.net:alice' },
      { kind: 'actor', key: 'threads.net:alice' },
    ]);
    expect([...read.keys()].sort()).toEqual(['actor|threads.net:alice', 'post|threads.net/@alice/post/A']);
    const plan = db
      .prepare(
        `EXPLAIN QUERY PLAN SELECT kind, key, state, how, checked_at, expires_at FROM sharing_facts
         WHERE (kind, key) IN (SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(?))`,
      )
      .all('[]') as { detail: string }[];
    expect(plan.map((row) => row.detail).join('\n')).toMatch(/SEARCH sharing_facts USING PRIMARY KEY \(kind=\? AND key=\?\)/);
  });

  it('queues what is missing and announces the cards once it lands', async () => {
    const carol = threadsCopy('carol');
    const grace = threadsCopy('grace');
    cache([carol, grace]);
    const { reader, updates, requests, badges: b } = setUp();
    const first = reader.page({ filter: 'all', limit: 50 });
    for (const entry of first.entries) expect(Object.values(entry.sharing)[0]?.author).toEqual({ badge: 'unknown', how: HOW.checkingAuthor });
    await b.settled();
    expect(requests.sort()).toEqual([
      'https://www.threads.net/.well-known/webfinger?resource=acct%3Acarol%40threads.net',
      'https://www.threads.net/.well-known/webfinger?resource=acct%3Agrace%40threads.net',
    ]);
    expect(updates).toEqual([{ newer: 0, older: 0, olderGroupIds: [], changedGroupIds: first.entries.map((e) => e.groupId).sort(), removedGroupIds: [] }]);
    const again = reader.page({ filter: 'all', limit: 50 });
    expect(byAuthor(again.entries, 'carol').entry.sharing[carol.id]?.author?.badge).toBe('not-shared');
    expect(byAuthor(again.entries, 'grace').entry.sharing[grace.id]?.post?.badge).toBe('not-shared');
    // Nothing more to look up: a second read asks nothing.
    await b.settled();
    expect(requests).toHaveLength(2);
  });

  it('never breaks a read: a failure leaves the cards without badges and logs why', () => {
    cache([threadsCopy('me', { ownerId: ME_THREADS.remoteId })]);
    const { reader, log } = setUp({ ownSharingThrows: true });
    const page = reader.page({ filter: 'all', limit: 50 });
    expect(page.entries).toHaveLength(1);
    expect(page.entries[0]?.sharing).toEqual({});
    expect(log()).toMatch(/could not work out the sharing badges/);
  });

  it("forgets the user's own post facts when their sharing changes, and redraws those cards", () => {
    const own = threadsCopy('me', { ownerId: ME_THREADS.remoteId });
    const other = threadsCopy('alice');
    cache([own, other]);
    const { reader, updates, facts, badges: b } = setUp({ fetch: () => new Promise<Response>(() => undefined) });
    facts.save(fact({ kind: 'post', key: canonicalKey(own.url) as string, state: 'not-shared' }));
    facts.save(fact({ kind: 'post', key: canonicalKey(other.url) as string, state: 'shared' }));
    const ownGroup = byAuthor(reader.page({ filter: 'all', limit: 50 }).entries, 'me').entry.groupId;
    b.forgetAccount(ME_THREADS.id);
    expect(facts.get('post', canonicalKey(own.url) as string)).toBeUndefined();
    expect(facts.get('post', canonicalKey(other.url) as string)?.state).toBe('shared');
    expect(updates.at(-1)).toEqual({ newer: 0, older: 0, olderGroupIds: [], changedGroupIds: [ownGroup], removedGroupIds: [] });
    b.forgetAccount(ME_MASTODON.id);
    b.forgetAccount('no-such-account');
    expect(updates).toHaveLength(1);
  });
});
