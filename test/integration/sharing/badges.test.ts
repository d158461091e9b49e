/**
 * Sharing badges against the real sandbox over HTTP. A core syncs the demo accounts; the badges
 * are built around its database (a second connection, as app.ts would build them around the
 * first) with the real WebFinger and Mastodon search:
 * - like graph.threads.net (the extension fields hidden, so `sharedToFediverse` is null), authors
 *   who share read "shared" by WebFinger and the others "not shared", and a post of a sharing
 *   author that no Mastodon follower received reads "shared" by the Mastodon search;
 * - with the extension, every post badge is the server's word at once: no search is made.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Post, TimelineEntry, TimelineUpdate } from '@shared/timeline';
import { DATABASE_FILE } from '../../../electron/core/app';
import { createAccountsRepo } from '../../../electron/core/db/accounts-repo';
import { openDatabase, type Db } from '../../../electron/core/db/open';
import { createThreadsServersRepo } from '../../../electron/core/db/threads-servers-repo';
import { createTimelineReader, type TimelineReader } from '../../../electron/core/db/timeline-read';
import { CoreEvents } from '../../../electron/core/events';
import { HOW } from '../../../electron/core/sharing/badges';
import { createSharingBadges, type SharingBadges } from '../../../electron/core/sharing/sharing-badges';
import { DEMO_USERNAME, startSandbox, type Sandbox } from '../../sandbox/index.ts';
import { linkDemoMastodon, linkDemoThreads, timelineHarness, type Harness } from '../timeline/support';

const EXTENSION_FIELDS = ['is_shared_to_fediverse', 'activitypub_id', 'is_from_fediverse', 'fediverse_author'];

/** The sandbox as graph.threads.net looks: the same posts, without Braid's extension fields. */
function withoutExtensionFields(threadsOrigin: string): typeof fetch {
  return (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const fields = url.searchParams.get('fields');
    if (url.origin === threadsOrigin && fields !== null) {
      url.searchParams.set('fields', fields.split(',').filter((field) => !EXTENSION_FIELDS.includes(field)).join(','));
      return fetch(url, init);
    }
    return fetch(input, init);
  };
}

interface Rig {
  h: Harness;
  db: Db;
  reader: TimelineReader;
  badges: SharingBadges;
  updates: TimelineUpdate[];
  /** Every request the badges made. */
  requests: URL[];
  close(): void;
}

/** A synced core, and the badges built around its database the way app.ts wires them. */
async function rig(sandbox: Sandbox, coreFetch: typeof fetch): Promise<Rig> {
  const h = timelineHarness(sandbox, { fetch: coreFetch, sync: { streaming: false } });
  await linkDemoThreads(h);
  await linkDemoMastodon(h, sandbox);
  await h.core.sync.settled();
  const db = openDatabase(join(h.dataDir, DATABASE_FILE));
  const events = new CoreEvents();
  const updates: TimelineUpdate[] = [];
  events.on('timeline.updated', (update) => updates.push(update));
  const requests: URL[] = [];
  const badges = createSharingBadges({
    db,
    fetch: (input, init) => {
      requests.push(new URL(input instanceof Request ? input.url : String(input)));
      return fetch(input, init);
    },
    now: () => Date.now(),
    log: h.core.log,
    events,
    accounts: createAccountsRepo(db),
    threadsServers: createThreadsServersRepo(db),
    secrets: h.secrets,
    ownSharing: () => 'enabled',
    pacing: { webFingerIntervalMs: 5, searchIntervalMs: 5, coalesceMs: 20 },
  });
  const reader = createTimelineReader(db, { decorate: (entries) => badges.decorate(entries) });
  return {
    h,
    db,
    reader,
    badges,
    updates,
    requests,
    close() {
      badges.stop();
      db.close();
      h.close();
    },
  };
}

/** Every card, newest first, paging like the renderer. */
function readAll(reader: TimelineReader): TimelineEntry[] {
  const entries: TimelineEntry[] = [];
  let before: string | undefined;
  for (;;) {
    const page = reader.page({ filter: 'all', limit: 200, ...(before ? { before } : {}) });
    entries.push(...page.entries);
    if (!page.olderCursor) return entries;
    before = page.olderCursor;
  }
}

const checking = (entries: TimelineEntry[]): number =>
  entries.flatMap((entry) => Object.values(entry.sharing)).filter((s) => s.post?.how.startsWith('Braid is checking') || s.author?.how.startsWith('Braid is checking')).length;

/** Reads until no badge is still being checked: the way the renderer redraws after each update. */
async function settle(r: Rig): Promise<TimelineEntry[]> {
  for (let round = 0; round < 5; round += 1) {
    const entries = readAll(r.reader);
    if (checking(entries) === 0) return entries;
    await r.badges.settled();
  }
  const entries = readAll(r.reader);
  expect(checking(entries)).toBe(0);
  return entries;
}

function threadsCopies(entries: TimelineEntry[], username: string): { entry: TimelineEntry; post: Post }[] {
  return entries.flatMap((entry) =>
    entry.posts.filter((post) => post.network === 'threads' && !post.fromFediverse && post.author.handle === username).map((post) => ({ entry, post })),
  );
}

let sandbox: Sandbox;
let soloPermalink: string;
beforeAll(async () => {
  sandbox = await startSandbox({ posts: 300 });
  // A sharing author none of the Mastodon side follows: only a search can find their posts there.
  const { admin } = sandbox.threads;
  const solo = admin.createUser({ username: 'zoe.solo', password: 'zoe.solo-password', name: 'Zoe', sharing: true });
  const demo = admin.findUser(DEMO_USERNAME);
  if (!demo) throw new Error('the sandbox has no demo user');
  admin.follow(demo.id, solo.id);
  soloPermalink = admin.createPost(solo.id, { text: 'On the Fediverse, though no one there follows me yet.' }).permalink;
}, 60_000);
afterAll(async () => {
  await sandbox.stop();
});

describe('like graph.threads.net: no extension fields', () => {
  let r: Rig;
  let entries: TimelineEntry[];
  beforeAll(async () => {
    r = await rig(sandbox, withoutExtensionFields(sandbox.threads.origin));
    entries = await settle(r);
  }, 60_000);
  afterAll(() => r.close());

  it('has no word from the server on any Threads post', () => {
    const threads = entries.flatMap((entry) => entry.posts).filter((post) => post.network === 'threads');
    expect(threads.length).toBeGreaterThan(20);
    for (const post of threads) expect(post.sharedToFediverse).toBeNull();
  });

  it('shows authors who share as shared, by WebFinger, asking once per author', () => {
    const domain = new URL(sandbox.threads.origin).host;
    for (const username of ['alice', 'bob.builds', 'frank.news', 'zoe.solo']) {
      const copies = threadsCopies(entries, username);
      expect(copies.length, username).toBeGreaterThan(0);
      for (const { entry, post } of copies) {
        expect(entry.sharing[post.id]?.author, username).toEqual({
          badge: 'shared',
          how: `Shares their Threads profile with the Fediverse: ${domain} answers WebFinger for @${username}@${domain}.`,
        });
      }
    }
    const resources = r.requests.filter((url) => url.pathname === '/.well-known/webfinger').map((url) => url.searchParams.get('resource'));
    expect(resources).toContain(`acct:alice@${domain}`);
    expect(new Set(resources).size).toBe(resources.length);
  });

  it("shows authors who do not share, and their posts, as not shared — and never searches for those posts", () => {
    const domain = new URL(sandbox.threads.origin).host;
    for (const username of ['carol', 'grace']) {
      const copies = threadsCopies(entries, username);
      expect(copies.length, username).toBeGreaterThan(0);
      for (const { entry, post } of copies) {
        expect(entry.sharing[post.id], username).toEqual({
          post: { badge: 'not-shared', how: HOW.authorNotSharing },
          author: { badge: 'not-shared', how: `Does not share their Threads profile with the Fediverse: ${domain} has no WebFinger entry for @${username}@${domain}.` },
        });
      }
    }
    const searched = r.requests.filter((url) => url.pathname === '/api/v2/search').map((url) => url.searchParams.get('q') ?? '');
    expect(searched.some((q) => /\/@(carol|grace|dan_private|teen_taylor)\//.test(q))).toBe(false);
  });

  it("finds a sharing author's post on the Fediverse through the user's Mastodon search", () => {
    const [solo] = threadsCopies(entries, 'zoe.solo');
    expect(solo?.entry.networks).toEqual(['threads']);
    expect(solo?.post.url).toBe(soloPermalink);
    expect(solo?.entry.sharing[solo.post.id]?.post).toEqual({ badge: 'shared', how: 'Shared to the Fediverse: your Mastodon server found this post by its link.' });
    const search = r.requests.find((url) => url.pathname === '/api/v2/search' && url.searchParams.get('q') === soloPermalink);
    expect(search?.origin).toBe(sandbox.mastodon.origin);
    expect(search?.searchParams.get('resolve')).toBe('true');
    // The card was told when its badge changed.
    expect(r.updates.some((update) => update.changedGroupIds.includes(solo?.entry.groupId ?? ''))).toBe(true);
  });

  it('shows a post whose federated copy is on the same card as shared, and the copy as from the Fediverse', () => {
    const cross = entries.filter((entry) => entry.networks.length === 2 && threadsCopies([entry], 'alice').length > 0);
    expect(cross.length).toBeGreaterThan(0);
    for (const entry of cross) {
      const [threads, mastodon] = entry.posts;
      expect(entry.sharing[threads?.id ?? '']?.post).toEqual({ badge: 'shared', how: HOW.copyReached });
      expect(entry.sharing[mastodon?.id ?? '']).toEqual({ post: { badge: 'from-fediverse', how: HOW.federatedCopy }, author: { badge: 'shared', how: HOW.federatedAuthor } });
    }
  });

  it('gives a Mastodon post of its own no sharing badge, and a federated copy alone on its card its own', () => {
    const threadsHost = new URL(sandbox.threads.origin).host;
    const mastodonOnly = entries.filter((entry) => entry.networks.length === 1 && entry.networks[0] === 'mastodon').flatMap((entry) => entry.posts.map((post) => ({ entry, post })));
    const federated = mastodonOnly.filter(({ post }) => post.author.handle.endsWith(`@${threadsHost}`));
    const native = mastodonOnly.filter(({ post }) => !post.author.handle.endsWith(`@${threadsHost}`));
    expect(native.length).toBeGreaterThan(0);
    for (const { entry, post } of native) expect(entry.sharing[post.id]).toEqual({ post: null, author: null });
    for (const { entry, post } of federated) expect(entry.sharing[post.id]?.post?.badge).toBe('from-fediverse');
  });
});

describe("with Braid's extension: the server's word", () => {
  let r: Rig;
  beforeAll(async () => {
    r = await rig(sandbox, fetch);
  }, 60_000);
  afterAll(() => r.close());

  it('badges every Threads post from the first read, and searches for none', async () => {
    const first = readAll(r.reader);
    const threads = first.flatMap((entry) => entry.posts.filter((post) => post.network === 'threads' && !post.fromFediverse).map((post) => ({ entry, post })));
    expect(threads.length).toBeGreaterThan(20);
    for (const { entry, post } of threads) {
      expect(post.sharedToFediverse).not.toBeNull();
      expect(entry.sharing[post.id]?.post).toEqual(post.sharedToFediverse ? { badge: 'shared', how: HOW.serverShared } : { badge: 'not-shared', how: HOW.serverNotShared });
    }
    for (const { entry, post } of threadsCopies(first, 'carol')) expect(entry.sharing[post.id]?.post?.badge).toBe('not-shared');
    for (const { entry, post } of threadsCopies(first, 'zoe.solo')) expect(entry.sharing[post.id]?.post?.badge).toBe('shared');
    await settle(r);
    // WebFinger answers for the author badges only; no post needed a look-up.
    expect(r.requests.filter((url) => url.pathname === '/api/v2/search')).toEqual([]);
    expect(r.requests.every((url) => url.pathname === '/.well-known/webfinger')).toBe(true);
  });
});
