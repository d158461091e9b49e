/**
 * The parts of Braid's core the timeline benchmark drives, loaded by path at run time.
 *
 * test/bench is type-checked by tsconfig.sandbox.json (NodeNext, explicit `.ts` imports) so that
 * sandbox.bench.ts runs on Node's type stripping; the core uses extensionless imports and the
 * @shared alias, which only Vite's resolver (vitest.bench.config.ts) understands. A static import
 * would pull the whole core into that project's type check, so the core is imported by a computed
 * path and described here by the few members the benchmark uses.
 */
import { fileURLToPath } from 'node:url';
import type { Database } from 'better-sqlite3';

export type TimelineFilter = 'all' | 'threads' | 'mastodon' | 'cross-posted';

export interface NormalizeContext {
  accountId: string;
  server: string;
  threadsHosts: readonly string[];
  selfKeys: ReadonlySet<string>;
}

/** A normalized feed item (timeline/types.ts FeedItem); the benchmark only passes it on. */
export interface FeedItem {
  post: { post: { id: string; createdAt: string } };
  boost: unknown;
}

export interface WriteResult {
  added: unknown[];
  changed: Set<number>;
  stored: number;
  linked: number;
}

export interface TimelineWriter {
  storeItems(items: readonly FeedItem[], server: string, result: WriteResult): void;
  transaction(write: (result: WriteResult) => void): WriteResult;
}

export interface TimelineEntry {
  groupId: string;
  cursor: string;
  posts: unknown[];
  networks: string[];
}

export interface TimelinePage {
  entries: TimelineEntry[];
  olderCursor: string | null;
  newerCursor: string | null;
  complete: boolean;
}

export interface TimelineReader {
  page(input: { filter: TimelineFilter; before?: string; after?: string; limit: number }): TimelinePage;
  pageSql(filter: TimelineFilter): string;
}

export interface NewAccount {
  id: string;
  network: 'threads' | 'mastodon';
  server: string;
  remoteId: string;
  handle: string;
  displayName: string;
  avatarUrl: string | null;
  status: 'ok' | 'needs-sign-in' | 'offline' | 'syncing';
  statusMessage?: string | null;
  linkedAt: string;
  threadsServerId?: string | null;
}

export interface SyncCursor {
  accountId: string;
  feed: string;
  newestId: string | null;
  newestAt: number | null;
  oldestId: string | null;
  backfilled: number;
  backfillDone: boolean;
  lastSyncedAt: number | null;
}

export interface SecretStore {
  get(key: string): Promise<string | null>;
  set(key: string, value: string): Promise<void>;
  delete(key: string): Promise<boolean>;
  keys(): Promise<string[]>;
}

export interface CoreModules {
  openDatabase(filename: string): Database;
  closeDatabase(db: Database): void;
  createTimelineWriter(db: Database, now: () => number): TimelineWriter;
  createTimelineReader(db: Database): TimelineReader;
  createAccountsRepo(db: Database): { upsert(account: NewAccount): { id: string } };
  createSyncRepo(db: Database): { saveCursor(cursor: SyncCursor): void };
  normalizeMastodonStatus(raw: unknown, ctx: NormalizeContext): FeedItem;
  normalizeThreadsMedia(raw: unknown, ctx: NormalizeContext, options?: { repostedPost?: unknown; now?: number }): FeedItem;
  selfKeyOf(account: { network: 'threads' | 'mastodon'; handle: string; server: string }, threadsWebHost?: string): string;
  /** createCore, for making a data folder exactly as the app does (migrations, server presets). */
  createCore(options: {
    dataDir: string;
    secrets: SecretStore;
    fetch: typeof globalThis.fetch;
    clock: { now(): number };
    shell: 'browser';
    appVersion: string;
    sandboxThreadsUrl?: string;
    sync?: false;
    logger?: unknown;
  }): {
    handlers: Record<string, (input: unknown) => unknown>;
    /** The validating entry point the host and IPC call (zod on input and output). */
    dispatch(name: string, input: unknown): Promise<{ ok: boolean; value?: unknown; error?: { code: string; message: string } }>;
    close(): void;
  };
  createLogger(sink: (record: unknown) => void): unknown;
  MemorySecretStore: new () => SecretStore;
  DATABASE_FILE: string;
}

const CORE = new URL('../../../electron/core/', import.meta.url);

async function load(path: string): Promise<Record<string, unknown>> {
  return (await import(fileURLToPath(new URL(path, CORE)))) as Record<string, unknown>;
}

/** A core on an existing data folder, without sync and without log output. */
export function quietCore(core: CoreModules, dataDir: string, sandboxThreadsUrl: string): ReturnType<CoreModules['createCore']> {
  return core.createCore({
    dataDir,
    secrets: new core.MemorySecretStore(),
    fetch: globalThis.fetch,
    clock: { now: () => Date.now() },
    shell: 'browser',
    appVersion: 'bench',
    sandboxThreadsUrl,
    sync: false,
    logger: core.createLogger(() => undefined),
  });
}

export async function loadCore(): Promise<CoreModules> {
  const modules = await Promise.all(
    ['db/open.ts', 'db/timeline-write.ts', 'db/timeline-read.ts', 'db/accounts-repo.ts', 'db/sync-repo.ts', 'timeline/normalize-mastodon.ts', 'timeline/normalize-threads.ts', 'timeline/people.ts', 'app.ts', 'secrets/memory-store.ts', 'log.ts'].map(load),
  );
  const all = Object.assign({}, ...modules) as Record<string, unknown>;
  const wanted: (keyof CoreModules)[] = [
    'openDatabase', 'closeDatabase', 'createTimelineWriter', 'createTimelineReader', 'createAccountsRepo', 'createSyncRepo',
    'normalizeMastodonStatus', 'normalizeThreadsMedia', 'selfKeyOf', 'createCore', 'MemorySecretStore', 'DATABASE_FILE', 'createLogger',
  ];
  const missing = wanted.filter((name) => all[name] === undefined);
  if (missing.length > 0) throw new Error(`the core no longer exports ${missing.join(', ')}: update test/bench/support/core.ts`);
  return all as unknown as CoreModules;
}
