/**
 * The sync engine: one runner per linked account (sync/account-runner.ts), the shared facts the
 * normalizers need (which hosts are Threads servers, which people are the user), coalesced
 * `timeline.updated` events, `sync.changed`, and the Mastodon reading marker.
 */
import type { AccountSync, ReadingPosition, TimelineUpdate } from '@shared/timeline';
import type { AccountRecord, AccountsRepo } from '../db/accounts-repo';
import type { SyncRepo } from '../db/sync-repo';
import type { ThreadsServersRepo } from '../db/threads-servers-repo';
import type { TimelineWriter, WriteResult } from '../db/timeline-write';
import type { CoreEvents } from '../events';
import type { Logger } from '../log';
import type { Fetch } from '../net/http';
import type { SecretStore } from '../secrets/secret-store';
import { normalizeContexts } from '../timeline/context';
import { AccountRunner, type RunnerTimings } from './account-runner';
import type { StreamEvent } from './mastodon-stream';
import type { MastodonSyncOptions } from './mastodon-sync';

export interface SyncEngineOptions extends Partial<RunnerTimings> {
  accounts: AccountsRepo;
  threadsServers: ThreadsServersRepo;
  secrets: SecretStore;
  writer: TimelineWriter;
  repo: SyncRepo;
  events: CoreEvents;
  log: Logger;
  fetch: Fetch;
  now: () => number;
  /** Posts the first backfill fetches per account's main feed (default 400). */
  backfillTarget?: number;
  /** Re-announce accounts after sync changed one's status. */
  announceAccounts: () => void;
  /** Every Mastodon streaming event, after it was stored. */
  onStreamEvent?: (accountId: string, event: StreamEvent) => void;
  /** Delay before a burst of writes becomes one `timeline.updated` (default 60 ms). */
  coalesceMs?: number;
  /** Mastodon markers are written at most this often per account (default 30 s). */
  markerIntervalMs?: number;
  /** Paging limits of the Mastodon sync (tests make gaps with small ones). */
  mastodon?: MastodonSyncOptions;
}

export const DEFAULT_BACKFILL = 400;

export class SyncEngine {
  readonly #options: SyncEngineOptions;
  readonly #runners = new Map<string, AccountRunner>();
  #pending: TimelineUpdate = emptyUpdate();
  /** The newest card before the first write of the pending burst: what the user had seen. */
  #pendingNewestBefore: number | null = null;
  #flushTimer: ReturnType<typeof setTimeout> | null = null;
  #statusTimer: ReturnType<typeof setTimeout> | null = null;
  #stopped = true;
  readonly #markers = new Map<string, { sentAt: number; id: string }>();

  constructor(options: SyncEngineOptions) {
    this.#options = options;
  }

  /** Starts a runner for every account that can sync. */
  start(): void {
    this.#stopped = false;
    this.reconcile();
  }

  stop(): void {
    this.#stopped = true;
    for (const runner of this.#runners.values()) runner.stop();
    this.#runners.clear();
    if (this.#flushTimer) clearTimeout(this.#flushTimer);
    if (this.#statusTimer) clearTimeout(this.#statusTimer);
    this.#flushTimer = null;
    this.#statusTimer = null;
  }

  /** Accounts were linked, unlinked or changed: start, stop or restart runners to match. */
  reconcile(): void {
    if (this.#stopped) return;
    const accounts = this.#options.accounts.list();
    const context = normalizeContexts(accounts, this.#options.threadsServers.list());
    const ids = new Set(accounts.map((account) => account.id));
    for (const [id, runner] of this.#runners) {
      if (!ids.has(id)) {
        runner.stop();
        this.#runners.delete(id);
        this.#markers.delete(id);
      }
    }
    for (const account of accounts) {
      const runner = this.#runners.get(account.id);
      if (account.status === 'needs-sign-in') {
        if (runner) {
          runner.stop();
          this.#runners.delete(account.id);
        }
        continue;
      }
      if (runner) {
        runner.update(account, context(account));
        continue;
      }
      const next = new AccountRunner({
        account,
        normalize: context(account),
        apiBase: account.server,
        secrets: this.#options.secrets,
        writer: this.#options.writer,
        repo: this.#options.repo,
        accounts: this.#options.accounts,
        fetch: this.#options.fetch,
        log: this.#options.log,
        now: this.#options.now,
        backfillTarget: this.#options.backfillTarget ?? DEFAULT_BACKFILL,
        report: (result) => this.#collect(result),
        onStatus: () => this.#statusChanged(),
        ...(this.#options.onStreamEvent ? { onStreamEvent: this.#options.onStreamEvent } : {}),
        announceAccounts: this.#options.announceAccounts,
        timings: this.#options,
        ...(this.#options.mastodon ? { mastodon: this.#options.mastodon } : {}),
      });
      this.#runners.set(account.id, next);
      next.start();
    }
    this.#statusChanged();
  }

  status(): AccountSync[] {
    return this.#options.accounts
      .list()
      .map((account) => this.#runners.get(account.id)?.status() ?? idleStatus(account));
  }

  /** Syncs every account now and resolves when each has finished one cycle. */
  async refresh(): Promise<AccountSync[]> {
    await Promise.all([...this.#runners.values()].map((runner) => runner.runNow()));
    return this.status();
  }

  /** Resolves once every runner has finished its first full cycle (tests, the benchmark). */
  async settled(): Promise<void> {
    await Promise.all([...this.#runners.values()].map((runner) => runner.idle()));
  }

  /** Tells each Mastodon account's server where the user is reading, when the card is in its timeline. */
  saveMarkers(position: ReadingPosition, markerIdFor: (accountId: string, groupId: string) => string | null): void {
    const now = this.#options.now();
    const interval = this.#options.markerIntervalMs ?? 30_000;
    for (const runner of this.#runners.values()) {
      const account = runner.account;
      if (account.network !== 'mastodon') continue;
      const id = markerIdFor(account.id, position.groupId);
      const last = this.#markers.get(account.id);
      if (id === null || last?.id === id || (last && now - last.sentAt < interval)) continue;
      this.#markers.set(account.id, { sentAt: now, id });
      runner.saveMarker(id).catch((error: unknown) => this.#options.log.info('sync', `could not save the reading marker of ${account.handle}: ${String(error)}`));
    }
  }

  /** Which hosts are Threads servers, and which person keys are the user's own. */

  #collect(result: WriteResult): void {
    const pending = this.#pending;
    if (result.added.length > 0) this.#pendingNewestBefore ??= result.newestBefore;
    const seen = this.#pendingNewestBefore ?? result.newestBefore;
    for (const added of result.added) {
      if (added.sortAt > seen) pending.newer += 1;
      else {
        pending.older += 1;
        if (pending.olderGroupIds.length < OLDER_IDS_LIMIT) pending.olderGroupIds.push(String(added.groupId));
      }
    }
    for (const id of result.changed) if (!pending.changedGroupIds.includes(String(id))) pending.changedGroupIds.push(String(id));
    for (const id of result.removed) {
      const key = String(id);
      if (!pending.removedGroupIds.includes(key)) pending.removedGroupIds.push(key);
      pending.changedGroupIds = pending.changedGroupIds.filter((changed) => changed !== key);
    }
    if (pending.newer + pending.older + pending.changedGroupIds.length + pending.removedGroupIds.length === 0) return;
    this.#flushTimer ??= setTimeout(() => this.#flush(), this.#options.coalesceMs ?? 60);
  }

  #flush(): void {
    this.#flushTimer = null;
    const update = this.#pending;
    this.#pending = emptyUpdate();
    this.#pendingNewestBefore = null;
    if (this.#stopped) return;
    this.#options.events.emit('timeline.updated', update);
    this.#statusChanged();
  }

  /** Status changes come in bursts (every page moves `backfilled`): announce at most every 250 ms. */
  #statusChanged(): void {
    if (this.#stopped || this.#statusTimer) return;
    this.#statusTimer = setTimeout(() => {
      this.#statusTimer = null;
      if (!this.#stopped) this.#options.events.emit('sync.changed', this.status());
    }, 250);
  }
}

/** Past this many, a list reloads instead of placing each older card. */
const OLDER_IDS_LIMIT = 500;

function emptyUpdate(): TimelineUpdate {
  return { newer: 0, older: 0, olderGroupIds: [], changedGroupIds: [], removedGroupIds: [] };
}


function idleStatus(account: AccountRecord): AccountSync {
  return {
    accountId: account.id,
    state: account.status === 'needs-sign-in' ? 'needs-sign-in' : 'idle',
    live: false,
    lastSyncedAt: null,
    backfilled: 0,
    backfillTarget: 0,
    coverage: null,
    message: account.status === 'needs-sign-in' ? account.statusMessage : null,
    retryAt: null,
  };
}
