import type { BraidApi } from '@shared/api';
import { isWireError, type ErrorCode } from '@shared/errors';
import type { CountSplit, InteractionCounts, InteractionsView, PostAction, ViewerState } from '@shared/interactions';
import type { Account, Network } from '@shared/model';
import type { TimelineEntry } from '@shared/timeline';
import { errorMessage } from '../lib/braid';

/** The two toggles the view offers; reply and quote go to the composer. */
export type ActKind = 'like' | 'repost';

/** What the buttons show for one account: the server's state with the user's unanswered clicks on top. */
export interface ActingState {
  liked: boolean | null;
  reposted: boolean | null;
  /** This account cannot act on the post at all, and why. */
  unavailable: string | null;
  /** A click is waiting for the server. */
  busy: Record<ActKind, boolean>;
}

/** An action the server refused, shown once the buttons have gone back to what they were. */
export interface ActFailure {
  accountId: string;
  kind: ActKind;
  /** What the user asked for: true to like or repost, false to take it back. */
  value: boolean;
  code: ErrorCode | null;
  message: string;
}

/** A click that is on its way: the button and the count already show it. */
interface PendingAct {
  accountId: string;
  kind: ActKind;
  value: boolean;
  /**
   * The count as shown at the click, moved by one. It stays until the server answers: views the
   * core sends meanwhile may already say "liked" while their counts have not caught up.
   */
  split: CountSplit | null;
}

/** The composer's two entry points the view uses (state/compose.svelte.ts). */
export interface ComposeOpener {
  openReply(groupId: string, accountId: string): unknown;
  openQuote(groupId: string, accountId: string): unknown;
}

const SESSION_KEY = 'braid.interactions.actingAccount';

function readSession(): string | null {
  try {
    return sessionStorage.getItem(SESSION_KEY);
  } catch {
    return null;
  }
}

function writeSession(accountId: string): void {
  try {
    sessionStorage.setItem(SESSION_KEY, accountId);
  } catch {
    // Storage may be off (private mode, policy); the choice then lasts until the page reloads.
  }
}

/** Where a like or a repost made from an account of this network is counted. */
function originOf(network: Network): 'threads' | 'fediverse' {
  return network === 'threads' ? 'threads' : 'fediverse';
}

/** A count moved by one; parts nobody knows stay unknown (never a made-up number). */
function nudge(split: CountSplit, origin: 'threads' | 'fediverse', delta: number): CountSplit {
  const move = (value: number | null) => (value === null ? null : Math.max(0, value + delta));
  return { total: move(split.total), threads: origin === 'threads' ? move(split.threads) : split.threads, fediverse: origin === 'fediverse' ? move(split.fediverse) : split.fediverse };
}

function actionOf(kind: ActKind, value: boolean): PostAction {
  if (kind === 'like') return value ? 'like' : 'unlike';
  return value ? 'repost' : 'unrepost';
}

/**
 * The interactions view of one card: everything that happened to its post on both networks
 * (`interactions.open`, kept live by `interactions.updated` until `interactions.close`), and
 * likes and reposts made from the account the user chose. The core merges and counts; this
 * class only shows its answers, with the user's clicks shown at once and taken back if refused.
 */
export class Interactions {
  #api: BraidApi;
  #accounts: () => readonly Account[];
  #groupId = $state<string | null>(null);
  /** The card as the timeline had it, shown while the first answer comes. */
  #entry = $state.raw<TimelineEntry | null>(null);
  #view = $state.raw<InteractionsView | null>(null);
  #loading = $state(false);
  #refreshing = $state(false);
  #error = $state<string | null>(null);
  #chosen = $state<string | null>(readSession());
  #pending = $state.raw<PendingAct[]>([]);
  #actError = $state.raw<ActFailure | null>(null);
  /** Bumped by every open and close: answers for another card are dropped. */
  #epoch = 0;
  /**
   * The card the core keeps live, outside the reactive state: a component's teardown reads state
   * as it was before the change that tore it down, so `close()` from there must not see `#groupId`.
   */
  #live: string | null = null;

  readonly #actingAccount = $derived.by(() => this.#pickAccount());
  readonly #counts = $derived.by(() => this.#overlayCounts());

  constructor(api: BraidApi, accounts: () => readonly Account[]) {
    this.#api = api;
    this.#accounts = accounts;
  }

  get isOpen() { return this.#groupId !== null; }
  get groupId() { return this.#groupId; }
  /** The core's answer; null until the first one came. */
  get view() { return this.#view; }
  /** The card: the core's copy once it answered, the timeline's before. */
  get entry() { return this.#view?.entry ?? this.#entry; }
  /** The first answer is on its way. */
  get loading() { return this.#loading; }
  get refreshing() { return this.#refreshing; }
  /** Why opening or refreshing failed (a side's own failure is in `view.sides`). */
  get error() { return this.#error; }
  /** The counts with the user's unanswered clicks in them. */
  get counts(): InteractionCounts | null { return this.#counts; }
  get accounts() { return this.#accounts(); }
  /** The account likes and reposts come from; always shown before the buttons. */
  get actingAccount(): Account | null { return this.#actingAccount; }
  get actError() { return this.#actError; }

  /** Follows `interactions.updated` for the open card; returns the unsubscribe function. */
  listen(): () => void {
    return this.#api.on('interactions.updated', (view) => this.#accept(view));
  }

  /** Shows a card's interactions (closing another card's first). */
  open(entry: TimelineEntry): void {
    if (this.#live === entry.groupId) return;
    if (this.#live !== null) this.close();
    const epoch = ++this.#epoch;
    this.#live = entry.groupId;
    this.#groupId = entry.groupId;
    this.#entry = entry;
    this.#view = null;
    this.#error = null;
    this.#actError = null;
    this.#pending = [];
    void this.#load(entry.groupId, epoch);
  }

  /** "Retry" after opening failed; with a view shown, the same as `refresh()`. */
  retry(): Promise<void> {
    if (this.#groupId === null || this.#loading) return Promise.resolve();
    return this.#view ? this.refresh() : this.#load(this.#groupId, this.#epoch);
  }

  async #load(groupId: string, epoch: number): Promise<void> {
    this.#loading = true;
    this.#error = null;
    try {
      const view = await this.#api.interactions.open({ groupId });
      if (epoch === this.#epoch) this.#accept(view);
    } catch (error) {
      if (epoch === this.#epoch) this.#error = errorMessage(error);
    } finally {
      if (epoch === this.#epoch) this.#loading = false;
    }
  }

  /** The user closed the view: the core stops keeping it live. */
  close(): void {
    const groupId = this.#live;
    if (groupId === null) return;
    this.#epoch++;
    this.#live = null;
    this.#groupId = null;
    this.#entry = null;
    this.#view = null;
    this.#error = null;
    this.#actError = null;
    this.#pending = [];
    this.#loading = false;
    this.#refreshing = false;
    this.#api.interactions.close({ groupId }).catch((error: unknown) => console.warn('interactions.close failed:', errorMessage(error)));
  }

  /** "Refresh", and "Retry" on a side that failed: both networks are asked again. */
  async refresh(): Promise<void> {
    const groupId = this.#groupId;
    if (groupId === null || this.#refreshing) return;
    const epoch = this.#epoch;
    this.#refreshing = true;
    this.#error = null;
    try {
      const view = await this.#api.interactions.refresh({ groupId });
      if (epoch === this.#epoch) this.#accept(view, true);
    } catch (error) {
      if (epoch === this.#epoch) this.#error = errorMessage(error);
    } finally {
      if (epoch === this.#epoch) this.#refreshing = false;
    }
  }

  /** The user picked the account to act from; remembered until Braid closes. */
  choose(accountId: string): void {
    this.#chosen = accountId;
    this.#actError = null;
    writeSession(accountId);
  }

  /** What the buttons show for an account. */
  actingState(accountId: string): ActingState {
    const server: ViewerState | undefined = this.#view?.viewer.find((viewer) => viewer.accountId === accountId);
    const like = this.#pending.find((act) => act.accountId === accountId && act.kind === 'like');
    const repost = this.#pending.find((act) => act.accountId === accountId && act.kind === 'repost');
    return {
      liked: like ? like.value : (server?.liked ?? null),
      reposted: repost ? repost.value : (server?.reposted ?? null),
      unavailable: server?.unavailable ?? null,
      busy: { like: like !== undefined, repost: repost !== undefined },
    };
  }

  /**
   * Likes or reposts (or takes it back) from the acting account: the button and the count change
   * at once, and go back if the server refuses, with the reason in `actError`.
   */
  async act(kind: ActKind): Promise<void> {
    const groupId = this.#groupId;
    const account = this.#actingAccount;
    if (groupId === null || !account) return;
    const state = this.actingState(account.id);
    if (state.busy[kind] || state.unavailable) return;
    const value = !(kind === 'like' ? state.liked : state.reposted);
    await this.#send(groupId, this.#pendingAct(account, kind, value));
  }

  /** "Try again" on a refused action: the same account, the same action. */
  async retryAct(): Promise<void> {
    const failure = this.#actError;
    const groupId = this.#groupId;
    const account = this.accounts.find((candidate) => candidate.id === failure?.accountId);
    if (!failure || groupId === null || !account) return;
    if (this.actingState(account.id).busy[failure.kind]) return;
    await this.#send(groupId, this.#pendingAct(account, failure.kind, failure.value));
  }

  dismissActError(): void {
    this.#actError = null;
  }

  #pendingAct(account: Account, kind: ActKind, value: boolean): PendingAct {
    const shown = this.#counts?.[kind === 'like' ? 'likes' : 'reposts'];
    return { accountId: account.id, kind, value, split: shown ? nudge(shown, originOf(account.network), value ? 1 : -1) : null };
  }

  async #send(groupId: string, act: PendingAct): Promise<void> {
    const epoch = this.#epoch;
    this.#actError = null;
    this.#pending = [...this.#pending, act];
    try {
      const result = await this.#api.interactions.act({ groupId, accountId: act.accountId, action: actionOf(act.kind, act.value) });
      const view = this.#view;
      if (epoch !== this.#epoch || !view) return;
      const others = view.viewer.filter((viewer) => viewer.accountId !== result.viewer.accountId);
      this.#view = { ...view, viewer: [...others, result.viewer], counts: result.counts };
    } catch (error) {
      if (epoch !== this.#epoch) return;
      this.#actError = {
        accountId: act.accountId,
        kind: act.kind,
        value: act.value,
        code: isWireError(error) ? error.code : null,
        message: errorMessage(error),
      };
    } finally {
      if (epoch === this.#epoch) this.#pending = this.#pending.filter((pending) => pending !== act);
    }
  }

  /** A view for the open card, unless it is older than the one shown (an event can overtake an answer). */
  #accept(view: InteractionsView, fresh = false): void {
    if (view.groupId !== this.#groupId) return;
    const current = this.#view;
    if (!fresh && current && Date.parse(view.updatedAt) < Date.parse(current.updatedAt)) return;
    this.#view = view;
  }

  /** The remembered choice while it is linked; else the account that brought the card; else the first that can act. */
  #pickAccount(): Account | null {
    const accounts = this.#accounts();
    const chosen = accounts.find((account) => account.id === this.#chosen);
    if (chosen) return chosen;
    const entry = this.entry;
    const reader = accounts.find((account) => account.id === entry?.posts[0]?.accountId);
    if (reader) return reader;
    const able = this.#view?.viewer.find((viewer) => viewer.unavailable === null);
    return accounts.find((account) => account.id === able?.accountId) ?? accounts[0] ?? null;
  }

  /** The server's counts, with each count a click is waiting on held where the click put it. */
  #overlayCounts(): InteractionCounts | null {
    const view = this.#view;
    if (!view) return null;
    let counts = view.counts;
    for (const act of this.#pending) {
      if (act.split) counts = { ...counts, [act.kind === 'like' ? 'likes' : 'reposts']: act.split };
    }
    return counts;
  }
}
