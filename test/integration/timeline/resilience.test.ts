/**
 * Sync when things go wrong: a gap between a fresh top page and the cache, a crash between
 * pages, a 429 with Retry-After, a tight rate limit, a malformed page and a malformed status.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import type { AccountSync } from '@shared/timeline';
import { DATABASE_FILE } from '../../../electron/core/app';
import { startSandbox, type Sandbox } from '../../sandbox/index.ts';
import { allEntries, eventually, linkDemoMastodon, linkDemoThreads, timelineHarness, type Harness } from './support';

let sandbox: Sandbox;
const harnesses: Harness[] = [];
beforeEach(async () => {
  sandbox = await startSandbox({ posts: 300 });
});
afterEach(async () => {
  for (const h of harnesses.splice(0)) h.close();
  vi.restoreAllMocks();
  await sandbox.stop();
});

function harness(options: Parameters<typeof timelineHarness>[1] = {}): Harness {
  const h = timelineHarness(sandbox, options);
  harnesses.push(h);
  return h;
}

function readDb<T>(h: Harness, read: (db: Database.Database) => T): T {
  const db = new Database(join(h.dataDir, DATABASE_FILE), { readonly: true });
  try {
    return read(db);
  } finally {
    db.close();
  }
}

const mona = () => sandbox.seeded?.mastodonAccounts.mona?.id as string;

it('leaves a gap when a refresh cannot catch up, then fills it with min_id pages', async () => {
  const h = harness({ sync: { streaming: false, backfillTarget: 40, mastodon: { maxForwardPages: 1, maxGapPages: 1 } } });
  await linkDemoMastodon(h, sandbox);
  await h.core.sync.settled();
  const made: string[] = [];
  const start = sandbox.clock.now();
  for (let i = 0; i < 150; i += 1) made.push(sandbox.mastodon.admin.createStatus(mona(), { text: `gap post number ${i}`, createdAt: start + i * 1000 }));

  await h.call('sync.refresh');
  // One forward page, then the top page: 70 posts in the middle are still missing, as a gap.
  const gaps = readDb(h, (db) => db.prepare('SELECT newer_id, older_id FROM sync_gaps').all());
  expect(gaps).toHaveLength(1);
  const stored = () => new Set(readDb(h, (db) => db.prepare('SELECT remote_id FROM posts').all() as { remote_id: string }[]).map((r) => r.remote_id));
  expect(made.filter((id) => stored().has(id)).length).toBe(120);
  expect(h.logLines.some((line) => line.includes('left a gap'))).toBe(true);

  await h.call('sync.refresh');
  await h.call('sync.refresh');
  expect(made.filter((id) => !stored().has(id))).toEqual([]);
  expect(readDb(h, (db) => db.prepare('SELECT count(*) AS n FROM sync_gaps').get())).toEqual({ n: 0 });
  // In timeline order, with nothing twice.
  const texts = (await allEntries(h)).map((e) => e.posts[0]?.contentHtml ?? '').filter((t) => t.includes('gap post number'));
  expect(texts).toHaveLength(150);
  expect(texts[0]).toContain('gap post number 149');
  expect(texts.at(-1)).toContain('gap post number 0');
});

it('resumes from the stored cursor after a crash between pages, losing and repeating nothing', async () => {
  sandbox.faults.add({ server: 'mastodon', method: 'GET', path: '/api/v1/timelines/home', fault: { kind: 'latency', ms: 250 } });
  const first = harness({ sync: { streaming: false, backfillTarget: 200 } });
  const account = await linkDemoMastodon(first, sandbox);
  await eventually(() => {
    const row = readDb(first, (db) => db.prepare('SELECT backfilled FROM sync_cursors').get() as { backfilled: number } | undefined);
    expect(row?.backfilled ?? 0).toBeGreaterThanOrEqual(80);
  });
  // The app dies while the next page is on its way.
  first.core.close();
  harnesses.splice(harnesses.indexOf(first), 1);
  const atCrash = readDb(first, (db) => ({
    posts: (db.prepare('SELECT count(*) AS n FROM posts').get() as { n: number }).n,
    cursor: db.prepare('SELECT backfilled, oldest_id FROM sync_cursors').get() as { backfilled: number; oldest_id: string },
  }));
  // Whole pages only (boosts of one post share its row, so rows can be fewer than items).
  expect(atCrash.cursor.backfilled % 40).toBe(0);
  expect(atCrash.posts).toBeLessThanOrEqual(atCrash.cursor.backfilled);
  expect(atCrash.posts).toBeGreaterThan(atCrash.cursor.backfilled - 10);
  sandbox.faults.clear();

  const second = harness({ dataDir: first.dataDir, secrets: first.secrets, sync: { streaming: false, backfillTarget: 200 } });
  await second.core.sync.settled();
  const token = (await first.secrets.get(`account:${account.id}:token`)) as string;
  // The server's newest 200, page by page, is exactly what the cache holds.
  const expected: string[] = [];
  let maxId: string | undefined;
  while (expected.length < 200) {
    const url = new URL('/api/v1/timelines/home', sandbox.mastodon.origin);
    url.searchParams.set('limit', '40');
    if (maxId) url.searchParams.set('max_id', maxId);
    const page = (await (await fetch(url, { headers: { authorization: `Bearer ${token}` } })).json()) as { id: string; reblog: { id: string } | null }[];
    if (page.length === 0) break;
    expected.push(...page.map((s) => s.reblog?.id ?? s.id));
    maxId = page.at(-1)?.id;
  }
  const cached = readDb(second, (db) => (db.prepare('SELECT remote_id FROM posts').all() as { remote_id: string }[]).map((r) => r.remote_id));
  expect(new Set(cached)).toEqual(new Set(expected));
  expect(readDb(second, (db) => db.prepare('SELECT backfilled, backfill_done FROM sync_cursors').get())).toMatchObject({ backfilled: 200 });
});

it('honours a 429 with Retry-After and says it is waiting', async () => {
  sandbox.faults.add({ server: 'mastodon', method: 'GET', path: '/api/v1/timelines/home', times: 1, fault: { kind: 'status', status: 429, retryAfterSeconds: 1 } });
  const h = harness({ sync: { streaming: false, backfillTarget: 40 } });
  const statuses: AccountSync[][] = [];
  h.core.events.on('sync.changed', (s) => statuses.push(s));
  await linkDemoMastodon(h, sandbox);
  const limitedAt = await eventually(() => {
    const limited = statuses.flat().find((s) => s.state === 'rate-limited');
    expect(limited?.retryAt).toBeTruthy();
    return Date.now();
  });
  await eventually(async () => expect((await allEntries(h)).length).toBeGreaterThan(0), 5000);
  const storedAt = Date.now();
  const limited = statuses.flat().find((s) => s.state === 'rate-limited') as AccountSync;
  expect(limited.message).toMatch(/asked Braid to slow down/);
  // The retry waited for the server's second, not the 50 ms backoff of the test timings.
  expect(storedAt - limitedAt).toBeGreaterThanOrEqual(700);
  await eventually(() => expect(statuses.at(-1)?.[0]?.state).toBe('idle'));
});

it('keeps inside a tight rate limit without ever being answered 429', async () => {
  await sandbox.stop();
  sandbox = await startSandbox({ posts: 1500, rateLimit: { mastodon: { max: 8, windowMs: 1500 } } });
  const answers: number[] = [];
  const realFetch = globalThis.fetch;
  vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    const response = await realFetch(input, init);
    const url = input instanceof Request ? input.url : String(input);
    if (url.includes('/api/v1/timelines/home')) answers.push(response.status);
    return response;
  });
  const h = harness({ sync: { streaming: false, backfillTarget: 400 } });
  await linkDemoMastodon(h, sandbox);
  await h.core.sync.settled();
  expect(answers.length).toBeGreaterThanOrEqual(10);
  expect(answers.filter((status) => status === 429)).toEqual([]);
  expect(readDb(h, (db) => db.prepare('SELECT backfilled FROM sync_cursors').get())).toEqual({ backfilled: 400 });
}, 30_000);

it('skips a malformed page with a logged warning and loses nothing else', async () => {
  const h = harness({ sync: { streaming: false, backfillTarget: 80 } });
  await linkDemoThreads(h);
  await h.core.sync.settled();
  const threadsBefore = (await allEntries(h)).length;
  sandbox.faults.add({ server: 'mastodon', method: 'GET', path: '/api/v1/timelines/home', times: 1, fault: { kind: 'malformed-json' } });
  await linkDemoMastodon(h, sandbox);
  await eventually(() => expect(h.logLines.some((line) => /could not read/.test(line) && line.includes('WARN'))).toBe(true));
  await eventually(async () => {
    const status = (await h.call('sync.status')) as AccountSync[];
    expect(status.map((s) => s.state)).toEqual(['idle', 'idle']);
    expect(status[1]?.backfilled).toBe(80);
  });
  const entries = await allEntries(h);
  expect(entries.filter((e) => e.networks.includes('threads')).length).toBeGreaterThanOrEqual(threadsBefore);
  expect(entries.some((e) => e.networks.includes('mastodon'))).toBe(true);
});

it('skips one malformed status with a warning and keeps the rest of its page', async () => {
  const realFetch = globalThis.fetch;
  let broken: string | null = null;
  vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    const response = await realFetch(input, init);
    const url = input instanceof Request ? input.url : String(input);
    if (broken !== null || !url.includes('/api/v1/timelines/home')) return response;
    const page = (await response.json()) as Record<string, unknown>[];
    broken = String(page[3]?.id);
    page[3] = { ...page[3], account: null, created_at: 'not a date' };
    return new Response(JSON.stringify(page), { status: 200, headers: response.headers });
  });
  const h = harness({ sync: { streaming: false, backfillTarget: 40 } });
  await linkDemoMastodon(h, sandbox);
  await h.core.sync.settled();
  const ids = readDb(h, (db) => (db.prepare('SELECT remote_id FROM posts').all() as { remote_id: string }[]).map((r) => r.remote_id));
  expect(broken).not.toBeNull();
  expect(ids).not.toContain(broken);
  expect(ids.length).toBeGreaterThanOrEqual(39);
  expect(h.logLines.some((line) => line.includes('WARN') && line.includes(`id ${broken}`))).toBe(true);
});
