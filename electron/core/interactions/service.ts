/**
 * The interactions of a card (shared/interactions.ts, docs/interactions.md): `open` answers at
 * once from the cache and loads both sides in the background, announcing the whole merged view
 * with `interactions.updated` every time a side (or a page of one) lands; an open view reloads
 * when Mastodon's stream brings a reply to (or an edit or delete in) it, when `timeline.updated`
 * names its card, and every 30 s for what no stream reports (Threads), until `close`. `act` likes or reposts
 * from a chosen account and answers with the account's new state and the counts re-read.
 */
import { BraidError } from '@shared/errors';
import type { ActResult, InteractionCounts, InteractionsView, PostAction, ViewerState } from '@shared/interactions';
import type { TimelineEntry } from '@shared/timeline';
import { accountTokenKey } from '../accounts/tokens';
import type { AccountRecord, AccountsRepo } from '../db/accounts-repo';
import type { ThreadsServersRepo } from '../db/threads-servers-repo';
import type { CoreEvents } from '../events';
import type { Logger } from '../log';
import type { Fetch } from '../net/http';
import { mastodonClient } from '../networks/mastodon/client';
import type { SecretStore } from '../secrets/secret-store';
import { canonicalKey } from '../timeline/text';
import { normalizeContexts } from '../timeline/context';
import type { NormalizeContext } from '../timeline/types';
import { badgeWorldOf } from './context';
import { adjustAfterAct } from './counts';
import { actOnMastodon, loadMastodonSide, resolveStatusId, type MastodonSideData } from './mastodon-side';
import { mastodonTargetFor, NOT_ON_THREADS, planMastodon, planThreads, threadsTargetFor, type MastodonTarget } from './plan';
import { threadsApi } from './threads-api';
import { actOnThreads, loadThreadsSide, type ActOutcome, type ThreadsSideData } from './threads-side';
import { buildView, type SideSlot } from './view';

export interface InteractionsOptions {
  /** The timeline cache's reader (`entries` gives a card with its copies and badges). */
  reader: { entries(groupIds: readonly string[]): TimelineEntry[] };
  accounts: AccountsRepo;
  threadsServers: ThreadsServersRepo;
  secrets: SecretStore;
  events: CoreEvents;
  fetch: Fetch;
  now: () => number;
  log: Logger;
  /** How often an open view reloads (default 30 s). */
  refreshMs?: number;
  /** A changed card reloads its open view at most this often (default 5 s): badge look-ups and sync pages come in bursts. */
  minReloadGapMs?: number;
}

export interface Interactions {
  open(groupId: string): InteractionsView;
  refresh(groupId: string): Promise<InteractionsView>;
  close(groupId: string): void;
  act(input: { groupId: string; accountId: string; action: PostAction }): Promise<ActResult>;
  /** A Mastodon streaming event of `accountId`: a reply to (or an edit or delete in) an open view reloads it. */
  streamed(accountId: string, event: { event: string; payload: string }): void;
  stop(): void;
}

interface ViewState {
  groupId: string;
  entry: TimelineEntry;
  threads: SideSlot<ThreadsSideData>;
  mastodon: SideSlot<MastodonSideData>;
  sameObject: boolean;
  /** Every load has a number; what an older load finds is dropped. */
  generation: number;
  loading: Promise<void> | null;
  lastLoadAt: number;
  abort: AbortController | null;
  timer: ReturnType<typeof setInterval> | null;
  soon: ReturnType<typeof setTimeout> | null;
  /** After an action, until the next load: the counts and state the servers confirmed. */
  acted: { generation: number; counts: InteractionCounts; viewer: ViewerState } | null;
}

/** The normalizers' context of one load, per account reading it. */
type ContextFor = (account: AccountRecord) => NormalizeContext;

/** A search that found nothing is asked again after this long: a post may federate late. */
const NOT_FOUND_TTL_MS = 5 * 60_000;

export function createInteractions(options: InteractionsOptions): Interactions {
  const { accounts, threadsServers, events, log, now } = options;
  const refreshMs = options.refreshMs ?? 30_000;
  const minGapMs = options.minReloadGapMs ?? 5_000;
  const views = new Map<string, ViewState>();
  /** `<account>|<link key>` → the status id its server resolved, or null with when it found nothing. */
  const resolved = new Map<string, { id: string | null; at: number }>();
  /** Which extensions each Threads server offers, remembered across views. */
  const offers = new Map<string, boolean>();
  const repostIds = new Map<string, string>();

  function readEntry(groupId: string): TimelineEntry {
    const [entry] = options.reader.entries([groupId]);
    if (!entry) throw new BraidError('post.unknown', 'This post is no longer in Braid: it may have been deleted, or its account unlinked.');
    return entry;
  }

  function newState(groupId: string, entry: TimelineEntry): ViewState {
    const loading = { state: 'loading' as const, accountId: null, message: null, data: null };
    return { groupId, entry, threads: loading, mastodon: { ...loading }, sameObject: true, generation: 0, loading: null, lastLoadAt: 0, abort: null, timer: null, soon: null, acted: null };
  }

  function snapshot(state: ViewState): InteractionsView {
    const list = accounts.list();
    const view = buildView({ ...state, accounts: list, world: badgeWorldOf(list, threadsServers.list(), now()), now: now() });
    const acted = state.acted?.generation === state.generation ? state.acted : null;
    if (!acted) return view;
    return { ...view, counts: acted.counts, viewer: view.viewer.map((v) => (v.accountId === acted.viewer.accountId ? acted.viewer : v)) };
  }

  function emit(state: ViewState): void {
    if (views.get(state.groupId) === state) events.emit('interactions.updated', snapshot(state));
  }

  async function tokenOf(account: AccountRecord): Promise<string> {
    const token = await options.secrets.get(accountTokenKey(account.id));
    if (token === null) throw new BraidError('account.needs-sign-in', `Braid has no sign-in for ${account.handle}. Sign in again.`);
    return token;
  }

  function messageOf(error: unknown, what: string): string {
    if (error instanceof BraidError) return error.message;
    log.error('interactions', `loading ${what} failed`, error);
    return `Braid could not load ${what}. The details are in Braid's log.`;
  }

  /** Keeps a side's data while it reloads; only a first load (or one after a failure) shows progress. */
  function startSide<T>(slot: SideSlot<T>, accountId: string): SideSlot<T> {
    if (slot.state === 'ready' && slot.accountId === accountId) return slot;
    return { state: 'loading', accountId, message: null, data: slot.accountId === accountId ? slot.data : null };
  }

  async function loadThreads(state: ViewState, generation: number, list: AccountRecord[], contextFor: ContextFor, signal: AbortSignal): Promise<void> {
    const plan = planThreads(state.entry, list);
    const current = (): boolean => state.generation === generation;
    if (plan.kind === 'unavailable') {
      state.threads = { state: 'unavailable', accountId: plan.accountId, message: plan.message, data: null };
      return;
    }
    const { account } = plan;
    state.threads = startSide(state.threads, account.id);
    try {
      const data = await loadThreadsSide({
        api: threadsApi(options.fetch, account.server, await tokenOf(account), signal),
        viewerRemoteId: account.remoteId,
        rootId: plan.rootId,
        normalize: contextFor(account),
        offers,
        log,
        now,
        onProgress: (partial) => {
          if (!current() || state.threads.state !== 'loading') return;
          state.threads = { ...state.threads, data: partial };
          emit(state);
        },
      });
      if (!current()) return;
      state.threads = { state: 'ready', accountId: account.id, message: null, data };
    } catch (error) {
      if (!current()) return;
      state.threads = { ...state.threads, state: 'failed', message: messageOf(error, 'the Threads side') };
      log.info('interactions', `the Threads side of card ${state.groupId} failed: ${state.threads.message ?? ''}`);
    }
    emit(state);
  }

  /** The status `target` names on `account`'s server; null when its search finds nothing. */
  async function statusIdFor(account: AccountRecord, token: string, target: MastodonTarget): Promise<string | null> {
    if ('statusId' in target) return target.statusId;
    const key = `${account.id}|${canonicalKey(target.link) ?? target.link}`;
    const known = resolved.get(key);
    if (known && (known.id !== null || now() - known.at < NOT_FOUND_TTL_MS)) return known.id;
    const id = await resolveStatusId(mastodonClient(account.server, token), account.server, target.link);
    resolved.set(key, { id, at: now() });
    return id;
  }

  async function loadMastodon(state: ViewState, generation: number, list: AccountRecord[], contextFor: ContextFor): Promise<void> {
    const plan = planMastodon(state.entry, list);
    const current = (): boolean => state.generation === generation;
    if (plan.kind === 'unavailable') {
      state.mastodon = { state: 'unavailable', accountId: plan.accountId, message: plan.message, data: null };
      return;
    }
    const { account } = plan;
    state.sameObject = plan.sameObject;
    state.mastodon = startSide(state.mastodon, account.id);
    try {
      const token = await tokenOf(account);
      const statusId = await statusIdFor(account, token, plan.target);
      if (!current()) return;
      if (statusId === null) {
        state.mastodon = { state: 'unavailable', accountId: account.id, message: 'This post has not reached your Mastodon server.', data: null };
      } else {
        const client = mastodonClient(account.server, token);
        const data = await loadMastodonSide({ client, origin: account.server, statusId, normalize: contextFor(account), log });
        if (!current()) return;
        state.mastodon = { state: 'ready', accountId: account.id, message: null, data };
      }
    } catch (error) {
      if (!current()) return;
      state.mastodon = { ...state.mastodon, state: 'failed', message: messageOf(error, 'the Mastodon side') };
      log.info('interactions', `the Mastodon side of card ${state.groupId} failed: ${state.mastodon.message ?? ''}`);
    }
    emit(state);
  }

  /** Loads both sides again; never rejects (a side that fails says so in its state). */
  function load(state: ViewState): Promise<void> {
    state.abort?.abort();
    const abort = new AbortController();
    state.abort = abort;
    state.generation += 1;
    state.lastLoadAt = now();
    const list = accounts.list();
    // One normalizers' context per load, for both sides.
    const contextFor = normalizeContexts(list, threadsServers.list());
    const run = Promise.all([loadThreads(state, state.generation, list, contextFor, abort.signal), loadMastodon(state, state.generation, list, contextFor)]).then(() => undefined);
    state.loading = run;
    void run.finally(() => {
      if (state.loading === run) state.loading = null;
    });
    return run;
  }

  function reloadSoon(state: ViewState): void {
    if (state.soon) return;
    state.soon = setTimeout(() => {
      state.soon = null;
      if (views.get(state.groupId) === state) void load(state);
    }, Math.max(0, state.lastLoadAt + minGapMs - now()));
    state.soon.unref?.();
  }

  function close(groupId: string): void {
    const state = views.get(groupId);
    if (!state) return;
    views.delete(groupId);
    if (state.timer) clearInterval(state.timer);
    if (state.soon) clearTimeout(state.soon);
    state.abort?.abort();
  }

  /** The Mastodon status ids a view shows (its post and the replies read from that server). */
  function mastodonIdsOf(state: ViewState, accountId: string): Set<string> {
    const data = state.mastodon.data;
    if (!data || state.mastodon.accountId !== accountId) return new Set();
    return new Set([data.statusId, ...data.replies.map((reply) => reply.remoteId)]);
  }

  /** Which statuses a streaming event is about: a status and what it answers, or a deleted id. */
  function streamedIds(event: { event: string; payload: string }): string[] {
    if (event.event === 'delete') return [event.payload.trim()];
    if (event.event !== 'update' && event.event !== 'status.update') return [];
    try {
      const status = JSON.parse(event.payload) as { id?: unknown; in_reply_to_id?: unknown };
      return [status.id, status.in_reply_to_id].filter((id): id is string => typeof id === 'string');
    } catch {
      return [];
    }
  }

  const stopWatching = events.on('timeline.updated', (update) => {
    for (const groupId of update.removedGroupIds) close(groupId);
    for (const groupId of update.changedGroupIds) {
      const state = views.get(groupId);
      if (!state) continue;
      const [entry] = options.reader.entries([groupId]);
      if (entry) state.entry = entry;
      emit(state);
      reloadSoon(state);
    }
  });

  async function actFrom(account: AccountRecord, entry: TimelineEntry, action: PostAction): Promise<ActOutcome> {
    const token = await tokenOf(account);
    if (account.network === 'threads') {
      const mediaId = threadsTargetFor(entry, account, accounts.list());
      if (mediaId === null) throw new BraidError('action.unavailable', NOT_ON_THREADS);
      return actOnThreads(threadsApi(options.fetch, account.server, token), account.id, mediaId, action, repostIds);
    }
    const target = mastodonTargetFor(entry, account);
    const statusId = target === null ? null : await statusIdFor(account, token, target);
    if (statusId === null) {
      throw new BraidError('action.unavailable', `This post has not reached ${new URL(account.server).host}, so ${account.handle} cannot act on it yet. Try again in a few minutes, or act from your Threads account.`);
    }
    const facts = await actOnMastodon(mastodonClient(account.server, token), account.server, statusId, action);
    return { ...(facts.favourited === null ? {} : { liked: facts.favourited }), ...(facts.reblogged === null ? {} : { reposted: facts.reblogged }) };
  }

  /** What the action should have moved, if the re-read counts have not caught up yet. */
  function countsAfterAct(before: InteractionsView, after: InteractionsView, account: AccountRecord, action: PostAction, outcome: ActOutcome): InteractionCounts {
    const metric = action === 'like' || action === 'unlike' ? 'likes' : 'reposts';
    const was = before.viewer.find((v) => v.accountId === account.id)?.[metric === 'likes' ? 'liked' : 'reposted'] ?? null;
    const is = metric === 'likes' ? outcome.liked : outcome.reposted;
    if (was === null || is === undefined || was === is) return after.counts;
    return adjustAfterAct(before.counts, after.counts, metric, account.network === 'threads' ? 'threads' : 'fediverse', is ? 1 : -1);
  }

  return {
    open(groupId) {
      const entry = readEntry(groupId);
      let state = views.get(groupId);
      if (state) {
        state.entry = entry;
        return snapshot(state);
      }
      state = newState(groupId, entry);
      views.set(groupId, state);
      const live = state;
      state.timer = setInterval(() => {
        if (!live.loading) void load(live);
      }, refreshMs);
      state.timer.unref?.();
      void load(state);
      return snapshot(state);
    },

    async refresh(groupId) {
      const entry = readEntry(groupId);
      const state = views.get(groupId) ?? newState(groupId, entry);
      state.entry = entry;
      await load(state);
      return snapshot(state);
    },

    close,

    async act({ groupId, accountId, action }) {
      const account = accounts.get(accountId);
      if (!account) throw new BraidError('account.unknown', 'That account is no longer linked to Braid.');
      const entry = readEntry(groupId);
      const state = views.get(groupId) ?? newState(groupId, entry);
      state.entry = entry;
      // What the user saw before acting: the baseline the re-read counts are checked against.
      if (state.loading) await state.loading;
      else if (state.generation === 0) await load(state);
      const before = snapshot(state);
      const outcome = await actFrom(account, entry, action);
      await load(state);
      const after = snapshot(state);
      const seen = after.viewer.find((v) => v.accountId === accountId) ?? { accountId, liked: null, reposted: null, unavailable: null };
      const viewer: ViewerState = { ...seen, ...outcome, unavailable: null };
      const counts = countsAfterAct(before, after, account, action, outcome);
      state.acted = { generation: state.generation, counts, viewer };
      emit(state);
      return { viewer, counts };
    },

    streamed(accountId, event) {
      if (views.size === 0) return;
      const ids = streamedIds(event);
      if (ids.length === 0) return;
      for (const state of views.values()) {
        const shown = mastodonIdsOf(state, accountId);
        if (ids.some((id) => shown.has(id))) reloadSoon(state);
      }
    },

    stop() {
      stopWatching();
      for (const groupId of [...views.keys()]) close(groupId);
    },
  };
}
