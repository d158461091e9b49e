/**
 * One linked account's sync loop: a cycle (network-specific), then a wait that fits the
 * account's situation — a slow safety refresh while the Mastodon stream is live, polling while
 * it is down or for Threads, the server's own time after a rate limit, and an exponential
 * backoff with jitter after failures. Errors become a state the UI shows, never a crash.
 */
import { BraidError } from '@shared/errors';
import type { AccountSync, SyncState } from '@shared/timeline';
import { accountTokenKey } from '../accounts/tokens';
import type { AccountRecord, AccountsRepo } from '../db/accounts-repo';
import type { SyncRepo } from '../db/sync-repo';
import type { TimelineWriter, WriteResult } from '../db/timeline-write';
import type { Logger } from '../log';
import type { Fetch } from '../net/http';
import type { SecretStore } from '../secrets/secret-store';
import type { NormalizeContext } from '../timeline/types';
import { backoffDelay } from './backoff';
import type { AccountSyncContext } from './context';
import { HOME_FEED, MastodonSync, type MastodonSyncOptions } from './mastodon-sync';
import { MastodonStream, type StreamEvent } from './mastodon-stream';
import { RateBudget } from './rate-budget';
import { ThreadsSync } from './threads-sync';

export interface RunnerTimings {
  /** Mastodon polling while the stream is down (default 60 s). */
  mastodonPollMs: number;
  /** A safety refresh while the stream is live (default 5 min). */
  liveRefreshMs: number;
  /** Threads polling (default 2 min: 4 feeds stay far inside Meta's per-day call budget). */
  threadsPollMs: number;
  /** First retry after a failure; doubles up to `retryCapMs` (defaults 5 s and 5 min). */
  retryBaseMs: number;
  retryCapMs: number;
  /** Open Mastodon's streaming connection (default true). */
  streaming: boolean;
  /** Reconnect delays of the stream (defaults 1 s to 60 s). */
  streamRetryBaseMs: number;
  streamRetryCapMs: number;
}

const DEFAULT_TIMINGS: RunnerTimings = {
  mastodonPollMs: 60_000,
  liveRefreshMs: 300_000,
  threadsPollMs: 120_000,
  retryBaseMs: 5_000,
  retryCapMs: 300_000,
  streaming: true,
  streamRetryBaseMs: 1_000,
  streamRetryCapMs: 60_000,
};

export interface RunnerOptions {
  account: AccountRecord;
  normalize: NormalizeContext;
  apiBase: string;
  secrets: SecretStore;
  writer: TimelineWriter;
  repo: SyncRepo;
  accounts: AccountsRepo;
  fetch: Fetch;
  log: Logger;
  now: () => number;
  backfillTarget: number;
  report: (result: WriteResult) => void;
  onStatus: () => void;
  /** Every Mastodon streaming event, after it was stored (the interactions view follows replies). */
  onStreamEvent?: (accountId: string, event: StreamEvent) => void;
  announceAccounts: () => void;
  timings: Partial<RunnerTimings>;
  mastodon?: MastodonSyncOptions;
}

export class AccountRunner {
  readonly #options: RunnerOptions;
  readonly #timings: RunnerTimings;
  readonly #abort = new AbortController();
  readonly #budget: RateBudget;
  #account: AccountRecord;
  #normalize: NormalizeContext;
  #state: SyncState = 'syncing';
  #message: string | null = null;
  #retryAt: number | null = null;
  #failures = 0;
  #firstDone = false;
  #wake: (() => void) | null = null;
  /** Callers of runNow, with how many cycles had started when they asked. */
  #cycleWaiters: { resolve: () => void; after: number }[] = [];
  #cyclesStarted = 0;
  #idleWaiters: (() => void)[] = [];
  #mastodon: MastodonSync | null = null;
  #threads: ThreadsSync | null = null;
  #stream: MastodonStream | null = null;

  constructor(options: RunnerOptions) {
    this.#options = options;
    this.#account = options.account;
    this.#normalize = options.normalize;
    this.#timings = { ...DEFAULT_TIMINGS, ...Object.fromEntries(Object.entries(options.timings).filter(([key, value]) => key in DEFAULT_TIMINGS && value !== undefined)) };
    this.#budget = new RateBudget({ now: options.now });
  }

  get account(): AccountRecord {
    return this.#account;
  }

  start(): void {
    this.#loop().catch((error: unknown) => this.#options.log.error('sync', `sync of ${this.#account.handle} stopped unexpectedly`, error));
  }

  stop(): void {
    this.#abort.abort();
    this.#stream?.stop();
    this.#stream = null;
    this.#wake?.();
    this.#releaseWaiters();
  }

  update(account: AccountRecord, normalize: NormalizeContext): void {
    this.#account = account;
    this.#normalize = normalize;
  }

  /** Runs a cycle now; resolves when it has finished. */
  runNow(): Promise<void> {
    if (this.#abort.signal.aborted || this.#state === 'needs-sign-in') return Promise.resolve();
    return new Promise((resolve) => {
      this.#cycleWaiters.push({ resolve, after: this.#cyclesStarted });
      this.#wake?.();
    });
  }

  /** Resolves when the first cycle has finished (well or not). */
  idle(): Promise<void> {
    if (this.#firstDone || this.#abort.signal.aborted) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  saveMarker(lastReadId: string): Promise<void> {
    return this.#mastodon ? this.#mastodon.saveMarker(lastReadId) : Promise.resolve();
  }

  status(): AccountSync {
    const main = this.#account.network === 'mastodon' ? HOME_FEED : this.#threads?.coverage === 'following-feed' ? 'following' : 'threads';
    const cursor = this.#options.repo.cursor(this.#account.id, main);
    const target = this.#options.backfillTarget;
    // Older caches may have reached the target before backfillDone meant that too.
    const done = cursor?.backfillDone === true || (cursor?.backfilled ?? 0) >= target;
    return {
      accountId: this.#account.id,
      state: this.#state,
      live: this.#stream?.live ?? false,
      lastSyncedAt: cursor?.lastSyncedAt ? new Date(cursor.lastSyncedAt).toISOString() : null,
      backfilled: cursor?.backfilled ?? 0,
      backfillTarget: done ? (cursor?.backfilled ?? 0) : target,
      coverage: this.#threads?.coverage ?? null,
      message: this.#message,
      retryAt: this.#retryAt === null ? null : new Date(this.#retryAt).toISOString(),
    };
  }

  async #loop(): Promise<void> {
    const signal = this.#abort.signal;
    const token = await this.#options.secrets.get(accountTokenKey(this.#account.id));
    if (signal.aborted) return;
    if (token === null) {
      this.#needsSignIn('Braid has no sign-in for this account any more. Sign in again.');
      return;
    }
    const context = this.#context(token);
    if (this.#account.network === 'mastodon') this.#mastodon = new MastodonSync(context, this.#options.mastodon);
    else this.#threads = new ThreadsSync(context, this.#options.apiBase);
    this.#options.writer.rememberAuthor({
      id: `${this.#account.network}:${new URL(this.#account.server).host}:${this.#account.remoteId}`,
      network: this.#account.network,
      handle: this.#account.handle,
      displayName: this.#account.displayName,
      avatarUrl: this.#account.avatarUrl,
      url: null,
      emojis: [],
      bot: false,
    });
    while (!signal.aborted) {
      let delay: number;
      this.#cyclesStarted += 1;
      try {
        if (this.#mastodon && this.#timings.streaming && !this.#stream) await this.#openStream(this.#mastodon, token);
        await (this.#mastodon ?? this.#threads)?.cycle();
        delay = this.#succeeded();
      } catch (error) {
        if (signal.aborted) break;
        delay = this.#failed(error);
      }
      this.#firstDone = true;
      this.#releaseWaiters();
      this.#options.onStatus();
      if (this.#state === 'needs-sign-in') return;
      await this.#sleep(delay);
    }
  }

  #context(token: string): AccountSyncContext {
    // Getters, so a runner's update() (a renamed account, a new Threads server) reaches a sync in progress.
    const current = { account: () => this.#account, normalize: () => this.#normalize };
    return {
      get account() {
        return current.account();
      },
      get normalize() {
        return current.normalize();
      },
      token,
      budget: this.#budget,
      writer: this.#options.writer,
      repo: this.#options.repo,
      fetch: this.#options.fetch,
      log: this.#options.log,
      now: this.#options.now,
      backfillTarget: this.#options.backfillTarget,
      signal: this.#abort.signal,
      report: (result) => {
        if (!this.#abort.signal.aborted) {
          this.#options.report(result);
          this.#options.onStatus();
        }
      },
      onWaiting: (until) => {
        if (until === null) return;
        if (this.#state !== 'rate-limited' || this.#retryAt !== until) {
          this.#state = 'rate-limited';
          this.#retryAt = until;
          this.#message = `${hostOf(this.#account.server)} asked Braid to slow down; it will go on at ${clockTime(until)}.`;
          this.#options.log.info('sync', `${this.#account.handle}: waiting for the rate limit until ${new Date(until).toISOString()}`);
          this.#options.onStatus();
        }
      },
    };
  }

  async #openStream(sync: MastodonSync, token: string): Promise<void> {
    const url = await sync.streamingUrl();
    if (this.#abort.signal.aborted) return;
    this.#stream = new MastodonStream({
      streamingUrl: url,
      token,
      log: this.#options.log,
      baseDelayMs: this.#timings.streamRetryBaseMs,
      maxDelayMs: this.#timings.streamRetryCapMs,
      onEvent: (event) => {
        if (this.#abort.signal.aborted) return;
        try {
          sync.applyStreamEvent(event);
        } catch (error) {
          this.#options.log.warn('sync', `could not store a streamed ${event.event} for ${this.#account.handle}`, error);
        }
        this.#options.onStreamEvent?.(this.#account.id, event);
      },
      onLiveChange: () => {
        this.#options.onStatus();
        // Back on the stream: catch up on what was posted while it was down. Lost it: poll now,
        // which tells a dropped stream (the sync goes on by polling) from a server that is gone
        // (the account shows offline at once rather than at the next poll).
        this.#wake?.();
      },
      onUnauthorized: () => this.#needsSignIn(`${hostOf(this.#account.server)} no longer accepts Braid's sign-in. Sign in again.`),
    });
    this.#stream.start();
  }

  #succeeded(): number {
    this.#failures = 0;
    this.#state = 'idle';
    this.#message = null;
    this.#retryAt = null;
    const fresh = this.#options.accounts.get(this.#account.id);
    if (fresh?.status === 'offline') {
      this.#options.accounts.setStatus(fresh.id, 'ok', null);
      this.#options.announceAccounts();
    }
    if (this.#mastodon) return this.#stream?.live ? this.#timings.liveRefreshMs : this.#timings.mastodonPollMs;
    return this.#timings.threadsPollMs;
  }

  #failed(error: unknown): number {
    this.#failures += 1;
    const now = this.#options.now();
    const backoff = backoffDelay(this.#failures - 1, { baseMs: this.#timings.retryBaseMs, capMs: this.#timings.retryCapMs });
    const code = error instanceof BraidError ? error.code : 'internal';
    if (code === 'account.needs-sign-in') {
      this.#needsSignIn((error as BraidError).message);
      return 0;
    }
    if (code === 'network.rate-limited') {
      const until = Math.max(this.#budget.state.blockedUntil ?? 0, now + this.#timings.retryBaseMs);
      if (this.#budget.state.blockedUntil === null) this.#budget.block(until - now);
      this.#state = 'rate-limited';
      this.#retryAt = until;
      this.#message = `${hostOf(this.#account.server)} asked Braid to slow down; it will go on at ${clockTime(until)}.`;
      this.#options.log.info('sync', `${this.#account.handle}: rate limited until ${new Date(until).toISOString()}`);
      return until - now;
    }
    this.#retryAt = now + backoff;
    if (code === 'network.bad-response') {
      this.#state = 'idle';
      this.#message = `${(error as BraidError).message} Next try at ${clockTime(this.#retryAt)}.`;
      this.#options.log.warn('sync', `${this.#account.handle}: ${(error as BraidError).message}`);
      return backoff;
    }
    this.#state = 'offline';
    this.#message = error instanceof BraidError ? error.message : "Sync failed unexpectedly. Details are in Braid's log.";
    if (!(error instanceof BraidError)) this.#options.log.error('sync', `sync of ${this.#account.handle} failed`, error);
    else this.#options.log.info('sync', `${this.#account.handle} offline: ${error.message}`);
    const fresh = this.#options.accounts.get(this.#account.id);
    if (fresh?.status === 'ok' && error instanceof BraidError && (code === 'network.unreachable' || code === 'network.tls')) {
      this.#options.accounts.setStatus(fresh.id, 'offline', error.message);
      this.#options.announceAccounts();
    }
    return backoff;
  }

  #needsSignIn(message: string): void {
    this.#state = 'needs-sign-in';
    this.#message = message;
    this.#retryAt = null;
    this.#stream?.stop();
    this.#stream = null;
    this.#options.log.warn('sync', `${this.#account.handle} needs to sign in again: ${message}`);
    const fresh = this.#options.accounts.get(this.#account.id);
    if (fresh && fresh.status !== 'needs-sign-in') {
      this.#options.accounts.setStatus(fresh.id, 'needs-sign-in', message);
      this.#options.announceAccounts();
    }
    this.#options.onStatus();
  }

  #sleep(ms: number): Promise<void> {
    if (this.#cycleWaiters.length > 0 || this.#abort.signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#wake = null;
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      this.#wake = done;
    });
  }

  /** Releases callers whose cycle has run: one that started after they asked. */
  #releaseWaiters(): void {
    const aborted = this.#abort.signal.aborted;
    const waiting = this.#cycleWaiters;
    this.#cycleWaiters = waiting.filter((waiter) => !aborted && waiter.after >= this.#cyclesStarted);
    for (const waiter of waiting) if (aborted || waiter.after < this.#cyclesStarted) waiter.resolve();
    if (this.#firstDone || aborted) for (const resolve of this.#idleWaiters.splice(0)) resolve();
  }
}

function hostOf(server: string): string {
  return new URL(server).host;
}

function clockTime(ms: number): string {
  return new Date(ms).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}
