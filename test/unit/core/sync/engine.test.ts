/**
 * The sync engine and its account runners over an in-memory cache and fake servers: what an
 * account's state becomes when its server refuses, vanishes or slows Braid down, how writes
 * become `timeline.updated` events, and what `refresh()` waits for. The sandbox-backed tests in
 * test/integration/timeline cover the happy paths over real HTTP; these cover the edges.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AccountSync, TimelineUpdate } from '@shared/timeline';
import { accountTokenKey } from '../../../../electron/core/accounts/tokens';
import { createAccountsRepo, type AccountsRepo, type NewAccount } from '../../../../electron/core/db/accounts-repo';
import { openDatabase, type Db } from '../../../../electron/core/db/open';
import { createSyncRepo } from '../../../../electron/core/db/sync-repo';
import { createThreadsServersRepo } from '../../../../electron/core/db/threads-servers-repo';
import { createTimelineReader } from '../../../../electron/core/db/timeline-read';
import { createTimelineWriter } from '../../../../electron/core/db/timeline-write';
import { CoreEvents } from '../../../../electron/core/events';
import type { Fetch } from '../../../../electron/core/net/http';
import { MemorySecretStore } from '../../../../electron/core/secrets/memory-store';
import { SyncEngine, type SyncEngineOptions } from '../../../../electron/core/sync/engine';
import { captureLogger } from '../helpers';
import { threadsMedia } from '../timeline/fixtures';

const realSetTimeout = globalThis.setTimeout;

async function until(check: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => realSetTimeout(resolve, 5));
  }
}

const THREADS_API = 'https://graph.threads.test';
const THREADS_ACCOUNT: NewAccount = {
  id: 'acc-threads',
  network: 'threads',
  server: THREADS_API,
  remoteId: '1784',
  handle: 'me',
  displayName: 'Me',
  avatarUrl: null,
  status: 'ok',
  linkedAt: '2026-01-01T00:00:00.000Z',
};
const MASTODON_ACCOUNT: NewAccount = {
  id: 'acc-masto',
  network: 'mastodon',
  server: 'https://mastodon.test',
  remoteId: '109',
  handle: 'me@mastodon.test',
  displayName: 'Me',
  avatarUrl: null,
  status: 'ok',
  linkedAt: '2026-01-02T00:00:00.000Z',
};

const T0 = Date.parse('2026-11-02T10:00:00Z');
const metaTime = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+0000');

/** A Threads post by Alice, `minutes` after T0. */
const post = (id: string, minutes: number, text = `Alice's post ${id}`) =>
  threadsMedia({ id, timestamp: metaTime(T0 + minutes * 60_000), text, permalink: `https://www.threads.net/@alice/post/P${id}`, activitypub_id: undefined, shortcode: `P${id}` });

const json = (body: unknown, status = 200, headers: Record<string, string> = {}): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

const urlOf = (input: Parameters<Fetch>[0]): URL => new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);

/**
 * A Threads Graph server without the following feed: the user's posts, replies and mentions,
 * and profile look-ups. `answer` may replace any answer.
 */
class FakeThreads {
  feeds: Record<string, unknown[]> = { threads: [], replies: [], mentions: [] };
  requests: URL[] = [];
  authorizations: (string | null)[] = [];
  answer: ((url: URL) => Response | undefined | Promise<Response | undefined>) | null = null;

  readonly fetch: Fetch = async (input, init) => {
    const url = urlOf(input);
    this.requests.push(url);
    this.authorizations.push(new Headers(init?.headers).get('authorization'));
    const special = await this.answer?.(url);
    if (special) return special;
    const path = url.pathname.replace(/^\/v1\.0\//, '');
    if (path === 'me/braid_following_feed') return json({ error: { code: 100, message: 'Unsupported get request.' } }, 400);
    if (path === 'profile_lookup') return json({ name: 'Alice', profile_picture_url: 'https://cdn.threads.test/alice.jpg' });
    const feed = /^me\/(threads|replies|mentions)$/.exec(path)?.[1];
    if (feed) {
      const since = url.searchParams.get('since');
      const data = (this.feeds[feed] ?? []).filter((item) => since === null || Date.parse(String((item as { timestamp: string }).timestamp).replace('+0000', 'Z')) >= Number(since) * 1000);
      return json({ data, paging: {} });
    }
    return json({ error: { code: 100, message: `Unknown path ${path}` } }, 404);
  };

  feedRequests(): URL[] {
    return this.requests.filter((url) => /\/me\/(threads|replies|mentions)$/.test(url.pathname));
  }
}

interface Harness {
  db: Db;
  engine: SyncEngine;
  accounts: AccountsRepo;
  threads: FakeThreads;
  updates: TimelineUpdate[];
  syncChanges: AccountSync[][];
  announceAccounts: ReturnType<typeof vi.fn>;
  text: () => string;
}

const harnesses: Harness[] = [];
afterEach(() => {
  for (const h of harnesses.splice(0)) {
    h.engine.stop();
    h.db.close();
  }
  vi.useRealTimers();
});

async function start(linked: NewAccount[], options: Partial<SyncEngineOptions> = {}): Promise<Harness> {
  const db = openDatabase(':memory:');
  const accounts = createAccountsRepo(db);
  const secrets = new MemorySecretStore();
  for (const account of linked) {
    accounts.upsert(account);
    await secrets.set(accountTokenKey(account.id), `token-for-${account.id}-0123456789`);
  }
  const events = new CoreEvents();
  const updates: TimelineUpdate[] = [];
  const syncChanges: AccountSync[][] = [];
  events.on('timeline.updated', (update) => updates.push(update));
  events.on('sync.changed', (status) => syncChanges.push(status));
  const threads = new FakeThreads();
  const { log, text } = captureLogger(Date.now);
  // As in app.ts: announcing accounts also reconciles the runners with them.
  const announceAccounts = vi.fn(() => engine.reconcile());
  const engine: SyncEngine = new SyncEngine({
    accounts,
    threadsServers: createThreadsServersRepo(db),
    secrets,
    writer: createTimelineWriter(db, Date.now),
    repo: createSyncRepo(db),
    events,
    log,
    fetch: threads.fetch,
    now: Date.now,
    announceAccounts,
    coalesceMs: 10,
    retryBaseMs: 20,
    retryCapMs: 80,
    threadsPollMs: 60_000,
    streaming: false,
    ...options,
  });
  const h: Harness = { db, engine, accounts, threads, updates, syncChanges, announceAccounts, text };
  harnesses.push(h);
  return h;
}

const stateOf = (h: Harness, id = THREADS_ACCOUNT.id): AccountSync | undefined => h.engine.status().find((s) => s.accountId === id);

describe('SyncEngine', () => {
  it('syncs a Threads account’s feeds into the cache, with the token in the header', async () => {
    const h = await start([THREADS_ACCOUNT]);
    h.threads.feeds.threads = [post('101', 3), post('102', 2)];
    h.threads.feeds.mentions = [post('103', 1)];
    h.engine.start();
    await h.engine.settled();
    expect(stateOf(h)).toMatchObject({ state: 'idle', coverage: 'own-posts', message: null, retryAt: null });
    const page = createTimelineReader(h.db).page({ filter: 'all', limit: 10 });
    expect(page.entries.map((e) => e.posts[0]?.remoteId)).toEqual(['101', '102', '103']);
    // The profile look-up filled in Alice's name.
    expect(page.entries[0]?.posts[0]?.author.displayName).toBe('Alice');
    expect(page.complete).toBe(true);
    expect(new Set(h.threads.authorizations)).toEqual(new Set([`Bearer token-for-${THREADS_ACCOUNT.id}-0123456789`]));
    expect(h.threads.requests.every((url) => !url.search.includes('token-for'))).toBe(true);
    expect(h.text()).not.toContain('token-for');
  });

  describe('a Threads server that no longer accepts the token (error 190)', () => {
    it('marks the account as needing sign-in, says why, and stops syncing it', async () => {
      const h = await start([THREADS_ACCOUNT]);
      h.threads.answer = () => json({ error: { code: 190, message: 'Error validating access token: Session has expired' } }, 400);
      h.engine.start();
      await until(() => h.accounts.get(THREADS_ACCOUNT.id)?.status === 'needs-sign-in', 'needs-sign-in');
      const row = h.accounts.get(THREADS_ACCOUNT.id);
      expect(row?.statusMessage).toMatch(/graph\.threads\.test says Braid's sign-in has expired or was revoked\. Sign in again\./);
      expect(h.announceAccounts).toHaveBeenCalled();
      expect(stateOf(h)).toMatchObject({ state: 'needs-sign-in', message: row?.statusMessage, retryAt: null });
      // Nothing more is asked of the server, not even on a refresh.
      const asked = h.threads.requests.length;
      expect(asked).toBe(1);
      await h.engine.refresh();
      expect(h.threads.requests).toHaveLength(asked);
      await until(() => h.syncChanges.some((s) => s[0]?.state === 'needs-sign-in'), 'sync.changed');
    });

    it('does not start an account that already needs signing in', async () => {
      const h = await start([{ ...THREADS_ACCOUNT, status: 'needs-sign-in', statusMessage: 'Sign in again.' }]);
      h.engine.start();
      await h.engine.settled();
      expect(h.threads.requests).toEqual([]);
      expect(stateOf(h)).toMatchObject({ state: 'needs-sign-in', message: 'Sign in again.' });
    });

    it('asks for a sign-in when the keychain has no token for the account', async () => {
      const h = await start([]);
      h.accounts.upsert(THREADS_ACCOUNT);
      h.engine.start();
      await until(() => h.accounts.get(THREADS_ACCOUNT.id)?.status === 'needs-sign-in', 'needs-sign-in');
      expect(h.threads.requests).toEqual([]);
    });
  });

  describe('an unreachable server', () => {
    const refused = () => {
      throw Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:443'), { code: 'ECONNREFUSED' }) });
    };

    it('puts the account offline with a retry time, then back to ok after a success', async () => {
      const h = await start([THREADS_ACCOUNT]);
      h.threads.feeds.threads = [post('101', 1)];
      let down = true;
      h.threads.answer = () => (down ? refused() : undefined);
      const before = Date.now();
      h.engine.start();
      await until(() => h.accounts.get(THREADS_ACCOUNT.id)?.status === 'offline', 'offline');
      const offline = stateOf(h);
      expect(offline?.state).toBe('offline');
      expect(offline?.message).toBe('graph.threads.test refused the connection. Is the address right, and is the server up?');
      expect(Date.parse(offline?.retryAt ?? '')).toBeGreaterThanOrEqual(before + 20);
      expect(Date.parse(offline?.retryAt ?? '')).toBeLessThanOrEqual(Date.now() + 80);
      expect(h.accounts.get(THREADS_ACCOUNT.id)?.statusMessage).toBe(offline?.message);
      expect(h.announceAccounts).toHaveBeenCalledTimes(1);

      // It keeps trying on its own.
      const tries = h.threads.requests.length;
      await until(() => h.threads.requests.length >= tries + 2, 'two more tries');
      expect(h.announceAccounts).toHaveBeenCalledTimes(1);

      down = false;
      await until(() => h.accounts.get(THREADS_ACCOUNT.id)?.status === 'ok', 'ok again');
      expect(h.accounts.get(THREADS_ACCOUNT.id)?.statusMessage).toBeNull();
      expect(h.announceAccounts).toHaveBeenCalledTimes(2);
      await until(() => stateOf(h)?.state === 'idle', 'idle');
      expect(stateOf(h)).toMatchObject({ message: null, retryAt: null });
      expect(createTimelineReader(h.db).page({ filter: 'all', limit: 10 }).entries).toHaveLength(1);
    });
  });

  describe('a Threads rate limit (error 4)', () => {
    it('shows the account as rate-limited until Meta’s window has moved on, without touching its status', async () => {
      const h = await start([THREADS_ACCOUNT]);
      h.threads.answer = (url) => (url.pathname.endsWith('/me/threads') ? json({ error: { code: 4, message: 'Application request limit reached' } }, 400) : undefined);
      const before = Date.now();
      h.engine.start();
      await h.engine.settled();
      const limited = stateOf(h);
      expect(limited?.state).toBe('rate-limited');
      expect(limited?.message).toMatch(/^graph\.threads\.test asked Braid to slow down; it will go on at \d\d:\d\d:\d\d\.$/);
      // Meta names no time: Braid waits its default minute, not the 20 ms retry of these tests.
      expect(Date.parse(limited?.retryAt ?? '')).toBeGreaterThanOrEqual(before + 59_000);
      expect(h.accounts.get(THREADS_ACCOUNT.id)?.status).toBe('ok');
      expect(h.announceAccounts).not.toHaveBeenCalled();
    });
  });

  describe('timeline.updated', () => {
    it('turns a burst of writes into one event that counts the new cards', async () => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
      const h = await start([THREADS_ACCOUNT], { coalesceMs: 100 });
      h.threads.feeds.threads = [post('101', 30), post('102', 20)];
      h.threads.feeds.replies = [post('103', 25)];
      h.threads.feeds.mentions = [post('104', 10), post('105', 5)];
      h.engine.start();
      await h.engine.settled();
      // Three feed pages and a profile look-up were written; nothing is announced yet.
      expect(h.updates).toEqual([]);
      vi.advanceTimersByTime(99);
      expect(h.updates).toEqual([]);
      vi.advanceTimersByTime(1);
      expect(h.updates).toHaveLength(1);
      const [update] = h.updates;
      expect((update?.newer ?? 0) + (update?.older ?? 0)).toBe(5);
      // Measured against what the cache held before the burst (nothing): all five are new.
      expect(update).toMatchObject({ newer: 5, older: 0, removedGroupIds: [] });
      vi.advanceTimersByTime(1_000);
      expect(h.updates).toHaveLength(1);
    });

    it('counts a post above everything as newer, and one below as older, in the next burst', async () => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
      const h = await start([THREADS_ACCOUNT], { coalesceMs: 100 });
      h.threads.feeds.threads = [post('101', 30)];
      h.engine.start();
      await h.engine.settled();
      vi.advanceTimersByTime(100);
      expect(h.updates).toHaveLength(1);

      h.threads.feeds.threads = [post('201', 40), post('101', 30)];
      h.threads.feeds.mentions = [post('203', 29)];
      await h.engine.refresh();
      vi.advanceTimersByTime(100);
      expect(h.updates).toHaveLength(2);
      expect(h.updates[1]).toMatchObject({ newer: 1, older: 1, changedGroupIds: [], removedGroupIds: [] });
    });

    it('sends nothing when a cycle changed nothing', async () => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
      const h = await start([THREADS_ACCOUNT], { coalesceMs: 100 });
      h.threads.feeds.threads = [post('101', 30)];
      h.engine.start();
      await h.engine.settled();
      vi.advanceTimersByTime(100);
      await h.engine.refresh();
      vi.advanceTimersByTime(1_000);
      expect(h.updates).toHaveLength(1);
    });
  });

  describe('refresh', () => {
    it('resolves only after a cycle that started after the call has finished', async () => {
      const h = await start([THREADS_ACCOUNT]);
      h.threads.feeds.threads = [post('101', 1)];
      // Every request to the own-posts feed waits until the test lets it through.
      const held: (() => void)[] = [];
      h.threads.answer = async (url) => {
        if (url.pathname.endsWith('/me/threads')) await new Promise<void>((resolve) => held.push(resolve));
        return undefined;
      };
      h.engine.start();
      await until(() => held.length === 1, 'the first cycle to reach the feed');

      let refreshed = false;
      const refresh = h.engine.refresh().then((status) => {
        refreshed = true;
        return status;
      });
      // Let the first cycle finish: it started before the call, so the call keeps waiting.
      held.shift()?.();
      await until(() => held.length === 1, 'a second cycle to start');
      expect(refreshed).toBe(false);
      expect(stateOf(h)?.lastSyncedAt).not.toBeNull();

      h.threads.feeds.threads = [post('102', 2), post('101', 1)];
      held.shift()?.();
      const status = await refresh;
      expect(status.map((s) => s.state)).toEqual(['idle']);
      // The cycle it waited for is the one that brought the new post.
      expect(createTimelineReader(h.db).page({ filter: 'all', limit: 10 }).entries.map((e) => e.posts[0]?.remoteId)).toEqual(['102', '101']);
    });

    it('resolves at once when no account syncs', async () => {
      const h = await start([]);
      h.engine.start();
      await expect(h.engine.refresh()).resolves.toEqual([]);
    });

    it('is released when the engine stops', async () => {
      const h = await start([THREADS_ACCOUNT]);
      const held: (() => void)[] = [];
      h.threads.answer = async () => {
        await new Promise<void>((resolve) => held.push(resolve));
        return undefined;
      };
      h.engine.start();
      await until(() => held.length === 1, 'the first request');
      const refresh = h.engine.refresh();
      h.engine.stop();
      await expect(refresh).resolves.toBeDefined();
      for (const release of held) release();
    });
  });

  describe('reconcile', () => {
    it('stops syncing an account that was unlinked', async () => {
      const h = await start([THREADS_ACCOUNT]);
      h.engine.start();
      await h.engine.settled();
      h.accounts.remove(THREADS_ACCOUNT.id);
      h.engine.reconcile();
      const asked = h.threads.requests.length;
      await expect(h.engine.refresh()).resolves.toEqual([]);
      expect(h.threads.requests).toHaveLength(asked);
      expect(h.engine.status()).toEqual([]);
    });
  });

  describe('a Mastodon account (masto.js, global fetch)', () => {
    it('needs signing in again when its server answers 401', async () => {
      const requests: { url: string; authorization: string | null }[] = [];
      vi.spyOn(globalThis, 'fetch').mockImplementation((input, init) => {
        const url = urlOf(input);
        requests.push({ url: url.href, authorization: new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined)).get('authorization') });
        return Promise.resolve(json({ error: 'The access token was revoked' }, 401));
      });
      const h = await start([MASTODON_ACCOUNT]);
      h.engine.start();
      await until(() => h.accounts.get(MASTODON_ACCOUNT.id)?.status === 'needs-sign-in', 'needs-sign-in');
      expect(h.accounts.get(MASTODON_ACCOUNT.id)?.statusMessage).toMatch(/^mastodon\.test no longer accepts Braid's sign-in/);
      expect(requests).toHaveLength(1);
      expect(requests[0]?.url).toMatch(/^https:\/\/mastodon\.test\/api\/v1\/timelines\/home\?/);
      expect(requests[0]?.url).not.toContain('token-for');
      expect(requests[0]?.authorization).toBe(`Bearer token-for-${MASTODON_ACCOUNT.id}-0123456789`);
      expect(h.threads.requests).toEqual([]);
    });
  });
});
