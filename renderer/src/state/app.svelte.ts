import type { BraidApi } from '@shared/api';
import type { Account, AppInfo, Settings, SettingsPatch } from '@shared/model';
import { errorMessage } from '../lib/braid';
import { FIRST_FILTER, type FirstReads } from '../lib/first-reads';
import { Compose } from './compose.svelte';
import { Interactions } from './interactions.svelte';
import { Linking } from './linking.svelte';
import { Notices } from './notices.svelte';
import { Sharing } from './sharing.svelte';
import { SyncStatus } from './sync-status.svelte';
import { ThreadsServers } from './threads-servers.svelte';
import { Timeline } from './timeline.svelte';

export type View = 'timeline' | 'settings';

/** The renderer's app-wide state: what the backend said last, and which view is open. */
export class AppState {
  #api: BraidApi;
  #info = $state<AppInfo | null>(null);
  #accounts = $state.raw<Account[]>([]);
  #settings = $state<Settings | null>(null);
  #loading = $state(true);
  #error = $state<string | null>(null);
  #connected = $state(true);
  #checking = $state(false);
  /** Set by `preload()`: the first answers, and the subscriptions `start()` takes over. */
  #preloaded: Promise<void> | null = null;
  #stops: (() => void)[] | null = null;
  view = $state<View>('timeline');
  readonly notices = new Notices();
  readonly servers: ThreadsServers;
  readonly linking: Linking;
  readonly timeline: Timeline;
  readonly sync: SyncStatus;
  readonly sharing: Sharing;
  readonly compose: Compose;
  readonly interactions: Interactions;

  constructor(api: BraidApi) {
    this.#api = api;
    this.servers = new ThreadsServers(api);
    this.linking = new Linking(api, (account) => this.#upsert(account));
    this.timeline = new Timeline(api);
    this.sync = new SyncStatus(api);
    this.sharing = new Sharing(api);
    this.compose = new Compose(api, () => this.#accounts, this.notices);
    this.interactions = new Interactions(api, () => this.#accounts);
  }

  get info() {
    return this.#info;
  }
  get accounts() {
    return this.#accounts;
  }
  get settings() {
    return this.#settings;
  }
  get loading() {
    return this.#loading;
  }
  get error() {
    return this.#error;
  }
  get connected() {
    return this.#connected;
  }
  /** A "Check again" is running. */
  get checking() {
    return this.#checking;
  }

  /**
   * Takes over the reads sent when the page started (lib/first-reads.ts), before the UI mounts,
   * and subscribes to changes at once, so that none is missed while the answers come in.
   * `start()`, called once the UI is up, then neither subscribes nor reads again. Resolves once
   * the answers the first screen shows (the shell's and the timeline's) are in, or have failed.
   */
  preload(reads: FirstReads): Promise<void> {
    if (this.#preloaded) return this.#preloaded;
    this.timeline.prefetch(reads.position, reads.page, FIRST_FILTER);
    this.sync.preload(reads.sync);
    this.#stops = this.#listen();
    const shell = this.#load(Promise.all([reads.info, reads.accounts, reads.settings]));
    const settled = () => undefined;
    this.#preloaded = Promise.all([shell, reads.position.then(settled, settled), reads.page.then(settled, settled)]).then(settled);
    return this.#preloaded;
  }

  /** Reads everything the shell needs and subscribes to changes (unless `preload()` did). Returns the unsubscribe function. */
  start(): () => void {
    const stops = this.#stops ?? this.#listen();
    if (this.#stops) this.#stops = null;
    else void this.reload();
    return () => stops.forEach((stop) => stop());
  }

  #listen(): (() => void)[] {
    return [
      this.#api.on('settings.changed', (settings) => (this.#settings = settings)),
      this.#api.on('accounts.changed', (accounts) => this.#setAccounts(accounts)),
      this.linking.listen(),
      this.timeline.listen(),
      this.sync.start(),
      this.sharing.listen(),
      this.compose.listen(),
      this.interactions.listen(),
      // A reply or quote sent from the open interactions view shows up there at once.
      this.compose.onSent((sent) => {
        const open = this.interactions.groupId;
        if (open !== null && (sent.replyToGroupId === open || sent.quoteGroupId === open)) void this.interactions.refresh();
      }),
    ];
  }

  reload(): Promise<void> {
    return this.#load(Promise.all([this.#api.app.info(), this.#api.accounts.list(), this.#api.settings.get()]));
  }

  async #load(reads: Promise<[AppInfo, Account[], Settings]>): Promise<void> {
    this.#loading = true;
    try {
      const [info, accounts, settings] = await reads;
      this.#info = info;
      this.#accounts = accounts;
      this.#settings = settings;
      this.#error = null;
      // After the first screen's reads, not among them: only the sidebar's sharing symbols need it.
      void this.sharing.load();
    } catch (error) {
      this.#error = errorMessage(error);
    } finally {
      this.#loading = false;
      // The timeline's prefetched reads wait for a linked account; with none they would go stale.
      if (this.#accounts.length === 0) this.timeline.dropPrefetch();
    }
  }

  async updateSettings(patch: SettingsPatch): Promise<void> {
    const previous = this.#settings;
    if (previous) this.#settings = { ...previous, ...patch };
    try {
      this.#settings = await this.#api.settings.set(patch);
      this.#error = null;
    } catch (error) {
      this.#settings = previous;
      this.#error = `Could not save settings: ${errorMessage(error)}`;
    }
  }

  /**
   * Unlinks after the user confirmed. Resolves when done (the result is a notice: a warning when
   * the server could not be told); rejects with a message the confirm dialog shows.
   */
  async unlink(account: Account): Promise<void> {
    const result = await this.#api.accounts.unlink({ accountId: account.id });
    this.#setAccounts(this.#accounts.filter((candidate) => candidate.id !== account.id));
    this.notices.push(result.message, result.revoked ? 'success' : 'warning');
  }

  /** "Check again" for offline accounts: asks every server and says how it went. */
  async recheck(): Promise<void> {
    if (this.#checking) return;
    const offline = this.#accounts.filter((a) => a.status === 'offline').map((a) => a.id);
    this.#checking = true;
    try {
      this.#accounts = await this.#api.accounts.recheck();
      const still = this.#accounts.filter((account) => offline.includes(account.id) && account.status === 'offline');
      if (still.length === 0) this.notices.push('All accounts are reachable again.', 'success');
      else
        for (const account of still)
          this.notices.push(`@${account.handle} is still offline. ${account.statusMessage ?? ''}`.trim(), 'warning');
    } catch (error) {
      this.notices.push(`Could not check the accounts: ${errorMessage(error)}`, 'warning');
    } finally {
      this.#checking = false;
    }
  }

  /** An account that went away (unlinked) took its posts out of the cache: the list reloads where the user is. */
  #setAccounts(accounts: Account[]): void {
    const removed = this.#accounts.some((old) => !accounts.some((account) => account.id === old.id));
    this.#accounts = accounts;
    if (removed && accounts.length > 0) this.timeline.reloadHere();
  }

  /** A freshly linked (or signed in again) account shows at once, before `accounts.changed` comes. */
  #upsert(account: Account): void {
    const known = this.#accounts.some((candidate) => candidate.id === account.id);
    this.#accounts = known
      ? this.#accounts.map((candidate) => (candidate.id === account.id ? account : candidate))
      : [...this.#accounts, account];
  }

  setConnected(connected: boolean): void {
    const regained = connected && !this.#connected;
    this.#connected = connected;
    if (regained) void this.reload();
  }

  dismissError(): void {
    this.#error = null;
  }
}
