/**
 * Fills a data folder with a large merged timeline through the real normalizers and writer, and
 * times it: normalize (raw → Post + link facts) and store (link + insert, one transaction per
 * page) separately, per run of posts, the way the sync does it page by page.
 */
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import { quietCore, type CoreModules, type FeedItem, type NormalizeContext, type TimelineWriter } from './core.ts';
import { createCacheGenerator, type RawPage, type Templates } from './cache-seed.ts';
import { gc } from './stats.ts';

export const THREADS_ACCOUNT_ID = 'bench-threads-account';
export const MASTODON_ACCOUNT_ID = 'bench-mastodon-account';

export interface RunTiming {
  posts: number;
  normalizeMs: number;
  storeMs: number;
  linked: number;
  /** Posts already in the cache when the run started. */
  before: number;
  /** CPU time the process used during the run (user + system, all threads): less sensitive to a busy machine than wall time. */
  cpuMs: number;
}

export interface CacheBuild {
  dataDir: string;
  db: Database;
  runs: RunTiming[];
  counts: { posts: number; cards: number; crossPosted: number; boosts: number; media: number; fileMb: number };
  expectedPairs: number;
}

function hostOf(origin: string): string {
  return new URL(origin).host;
}

/** A data folder made by createCore (migrations, the sandbox preset), with both demo accounts. */
export function prepareDataDir(core: CoreModules, dataDir: string, templates: Templates): { db: Database; contexts: Record<'threads' | 'mastodon', NormalizeContext> } {
  quietCore(core, dataDir, templates.threadsOrigin).close();
  const db = core.openDatabase(join(dataDir, core.DATABASE_FILE));
  const accounts = core.createAccountsRepo(db);
  const linkedAt = new Date().toISOString();
  // No token will exist for these (the host runs with --secrets memory): the host reads the cache
  // and shows "needs sign-in", which is all the read benchmarks need.
  const common = { displayName: 'Braid Demo', avatarUrl: null, status: 'needs-sign-in' as const, statusMessage: 'Benchmark cache: no sign-in.', linkedAt };
  accounts.upsert({ ...common, id: THREADS_ACCOUNT_ID, network: 'threads', server: templates.threadsOrigin, remoteId: '17841400000000001', handle: 'braid_demo', threadsServerId: 'sandbox' });
  accounts.upsert({ ...common, id: MASTODON_ACCOUNT_ID, network: 'mastodon', server: templates.mastodonOrigin, remoteId: '1', handle: `braid_demo@${hostOf(templates.mastodonOrigin)}` });
  const threadsHosts = [hostOf(templates.threadsOrigin)];
  const selfKeys = new Set([
    core.selfKeyOf({ network: 'threads', handle: 'braid_demo', server: templates.threadsOrigin }, hostOf(templates.threadsOrigin)),
    core.selfKeyOf({ network: 'mastodon', handle: `braid_demo@${hostOf(templates.mastodonOrigin)}`, server: templates.mastodonOrigin }),
  ]);
  return {
    db,
    contexts: {
      threads: { accountId: THREADS_ACCOUNT_ID, server: templates.threadsOrigin, threadsHosts, selfKeys },
      mastodon: { accountId: MASTODON_ACCOUNT_ID, server: templates.mastodonOrigin, threadsHosts, selfKeys },
    },
  };
}

function normalizePage(core: CoreModules, page: RawPage, ctx: NormalizeContext, now: number): FeedItem[] {
  return page.network === 'threads'
    ? page.items.map((item) => core.normalizeThreadsMedia(item.raw, ctx, { now, ...(item.repostedPost ? { repostedPost: item.repostedPost } : {}) }))
    : page.items.map((item) => core.normalizeMastodonStatus(item.raw, ctx));
}

/** Builds `runs` × `postsPerRun` posts, timing each run. */
export function buildCache(
  core: CoreModules,
  dataDir: string,
  templates: Templates,
  options: { runs: number; postsPerRun: number; onRun?: (run: RunTiming, index: number) => void },
): CacheBuild {
  const { db, contexts } = prepareDataDir(core, dataDir, templates);
  const writer: TimelineWriter = core.createTimelineWriter(db, () => Date.now());
  const generator = createCacheGenerator(templates, { startMs: Date.now() - 60_000 });
  const runs: RunTiming[] = [];
  for (let index = 0; index < options.runs; index += 1) {
    const pages = generator.nextRun(options.postsPerRun);
    gc();
    const run: RunTiming = { posts: 0, normalizeMs: 0, storeMs: 0, linked: 0, before: generator.stats.posts - options.postsPerRun, cpuMs: 0 };
    const now = Date.now();
    const cpu = process.cpuUsage();
    for (const page of pages) {
      const ctx = contexts[page.network];
      const started = performance.now();
      const items = normalizePage(core, page, ctx, now);
      const normalized = performance.now();
      const result = writer.transaction((changes) => writer.storeItems(items, ctx.server, changes));
      run.storeMs += performance.now() - normalized;
      run.normalizeMs += normalized - started;
      run.posts += items.length;
      run.linked += result.linked;
    }
    const used = process.cpuUsage(cpu);
    run.cpuMs = (used.user + used.system) / 1000;
    runs.push(run);
    options.onRun?.(run, index);
  }

  const sync = core.createSyncRepo(db);
  for (const [accountId, feed] of [[THREADS_ACCOUNT_ID, 'following'], [MASTODON_ACCOUNT_ID, 'home']] as const) {
    sync.saveCursor({ accountId, feed, newestId: null, newestAt: Date.now(), oldestId: null, backfilled: generator.stats.posts, backfillDone: true, lastSyncedAt: Date.now() });
  }
  db.pragma('wal_checkpoint(TRUNCATE)');
  const count = (sql: string): number => (db.prepare(sql).get() as { n: number }).n;
  const pageCount = count('SELECT page_count * page_size AS n FROM pragma_page_count(), pragma_page_size()');
  return {
    dataDir,
    db,
    runs,
    expectedPairs: generator.stats.pairs,
    counts: {
      posts: count('SELECT COUNT(*) AS n FROM posts'),
      cards: count('SELECT COUNT(*) AS n FROM post_groups'),
      crossPosted: count('SELECT COUNT(*) AS n FROM post_groups WHERE has_threads = 1 AND has_mastodon = 1'),
      boosts: count('SELECT COUNT(*) AS n FROM boosts'),
      media: count('SELECT COUNT(*) AS n FROM media'),
      fileMb: pageCount / 1e6,
    },
  };
}
