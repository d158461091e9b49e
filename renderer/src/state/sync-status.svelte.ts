import type { BraidApi } from '@shared/api';
import type { AccountSync } from '@shared/timeline';
import { errorMessage } from '../lib/braid';

/** A first backfill that is still running: how far it got, summed over accounts. */
export interface BackfillProgress {
  done: number;
  total: number;
}

/** How each account's sync is doing, from `sync.status` and then every `sync.changed`. */
export class SyncStatus {
  #api: BraidApi;
  #accounts = $state.raw<AccountSync[]>([]);
  #known = $state(false);
  #refreshing = $state(false);
  #refreshError = $state<string | null>(null);
  #first: Promise<AccountSync[]> | null = null;

  readonly #backfilling = $derived(
    this.#accounts.filter(
      (account) =>
        account.backfillTarget > 0 &&
        account.backfilled < account.backfillTarget &&
        (account.state === 'idle' || account.state === 'syncing'),
    ),
  );
  readonly #syncing = $derived(this.#accounts.some((account) => account.state === 'syncing') || this.#backfilling.length > 0);
  readonly #progress = $derived.by((): BackfillProgress | null => {
    if (this.#backfilling.length === 0) return null;
    const done = this.#backfilling.reduce((sum, account) => sum + account.backfilled, 0);
    const total = this.#backfilling.reduce((sum, account) => sum + account.backfillTarget, 0);
    return { done, total };
  });

  constructor(api: BraidApi) {
    this.#api = api;
  }

  get accounts() {
    return this.#accounts;
  }
  /** The first answer arrived; before it, "nothing synced yet" cannot be told from "not asked yet". */
  get known() {
    return this.#known;
  }
  /** Any account is fetching (new posts, or its first backfill). */
  get syncing() {
    return this.#syncing;
  }
  get progress() {
    return this.#progress;
  }
  get refreshing() {
    return this.#refreshing;
  }
  get refreshError() {
    return this.#refreshError;
  }
  /** No account has finished a sync yet: an empty cache means "wait", not "nothing here". */
  get neverSynced() {
    return this.#accounts.length > 0 && this.#accounts.every((account) => account.lastSyncedAt === null);
  }

  inState(state: AccountSync['state']): AccountSync[] {
    return this.#accounts.filter((account) => account.state === state);
  }

  /** Threads accounts whose server has no following feed, so only the user's own posts come in. */
  get ownPostsOnly(): AccountSync[] {
    return this.#accounts.filter((account) => account.coverage === 'own-posts');
  }

  /** The soonest planned retry among accounts in a state, or null. */
  nextRetry(state: AccountSync['state']): string | null {
    const times = this.inState(state)
      .map((account) => account.retryAt)
      .filter((at): at is string => at !== null)
      .sort((a, b) => Date.parse(a) - Date.parse(b));
    return times[0] ?? null;
  }

  /** The first `sync.status`, sent before the UI mounted (lib/first-reads.ts): `start()` uses its answer. */
  preload(first: Promise<AccountSync[]>): void {
    this.#first ??= first;
  }

  start(): () => void {
    const stop = this.#api.on('sync.changed', (accounts) => this.#set(accounts));
    const first = this.#first ?? this.#api.sync.status();
    this.#first = null;
    first
      .then((accounts) => this.#set(accounts))
      .catch((error: unknown) => console.warn('sync.status failed:', errorMessage(error)));
    return stop;
  }

  /** "Try now": fetch for every account at once instead of waiting for the planned retry. */
  async refresh(): Promise<void> {
    if (this.#refreshing) return;
    this.#refreshing = true;
    this.#refreshError = null;
    try {
      this.#set(await this.#api.sync.refresh());
    } catch (error) {
      this.#refreshError = errorMessage(error);
    } finally {
      this.#refreshing = false;
    }
  }

  #set(accounts: AccountSync[]): void {
    this.#accounts = accounts;
    this.#known = true;
  }
}
