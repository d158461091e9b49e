/**
 * The user's own Threads accounts' Fediverse sharing (docs/sharing.md, "Your own account").
 *
 * Two modes per account, found by asking once per run of the core:
 * - `api`: the server has Braid's extension `GET|POST /me/braid_fediverse_sharing`
 *   (docs/threads-api.md): Braid reads the state and its requirements, and turns it on and off.
 * - `guided`: the server lacks it (graph.threads.net): the user changes sharing on Threads' own
 *   settings page, and Braid observes the result by WebFinger, which answers only for profiles
 *   that share (PROTOCOLS.md, Threads federation).
 * What Braid cannot find out is `unknown` with a `problem`, never a guess; a failed check keeps
 * the state stored before it.
 * This file is the stateful service (server calls, storing, background work); the shapes of a
 * state, the requirement texts and the error wording are pure and live in account-state.ts.
 */
import { BraidError } from '@shared/errors';
import type { TimelineUpdate } from '@shared/timeline';
import type {
  DisableSharingInput,
  EnableSharingInput,
  SharingMode,
  SharingSettingsPage,
  SharingState,
  SharingVerification,
  VerifySharingInput,
} from '@shared/sharing';
import type { z } from 'zod';
import { accountTokenKey } from '../accounts/tokens';
import type { OpenExternal } from '../auth/shell-hooks';
import type { AccountRecord, AccountsRepo } from '../db/accounts-repo';
import type { SharingAccountsRepo } from '../db/sharing-accounts-repo';
import type { ThreadsServersRepo } from '../db/threads-servers-repo';
import type { TimelineWriter } from '../db/timeline-write';
import type { CoreEvents } from '../events';
import type { Logger } from '../log';
import { asRecord, type Fetch } from '../net/http';
import { graphRequest, isNotOffered } from '../networks/threads/graph';
import type { SecretStore } from '../secrets/secret-store';
import { afterWebFinger, apiState, changeError, confirmedBy, failed, guidedOnlyError, neverChecked, sameState, verifyMessage, type Target } from './account-state';
import { fediverseHandle, sharingSettingsUrl, threadsWebOf } from './threads-web';
import { webFinger, type WebFingerResult } from './webfinger';

export interface AccountSharingOptions {
  accounts: AccountsRepo;
  threadsServers: ThreadsServersRepo;
  secrets: SecretStore;
  repo: SharingAccountsRepo;
  writer: Pick<TimelineWriter, 'setSharedFlags'>;
  events: CoreEvents;
  log: Logger;
  fetch: Fetch;
  now: () => number;
  /** Electron: opens Threads' settings page in the system browser. */
  openExternal?: OpenExternal;
  /** Asks the sync for new posts, so a post published right after the change shows up soon. */
  refreshSync?: () => Promise<unknown>;
  /**
   * Runs whenever an account's stored sharing status changes (its first state included), however
   * it was found: the flow, a guided verify, a background check. The badge module re-judges the
   * account here. Its failure is logged, never the caller's.
   */
  afterChange?: (accountId: string) => void | Promise<void>;
  /** WebFinger's timeout (default: the network layer's 10 s). */
  webFingerTimeoutMs?: number;
}

const SHARING_PATH = 'me/braid_fediverse_sharing';
/** One page of each, newest first: the posts whose cards a person is likely to be looking at. */
const OWN_POST_FEEDS = ['me/threads', 'me/replies'] as const;
const FLAG_PAGE = '50';

/** An edge this server (or this sign-in) does not offer: for the sharing extension, guided mode. */
class NotOffered extends BraidError {
  constructor(host: string, path: string) {
    super('network.server-error', `${host} does not offer ${path} to Braid's sign-in.`);
  }
}

export function createAccountSharing(options: AccountSharingOptions) {
  const { accounts, repo, events, log, now } = options;
  /** Found on the first call per account in this run of the core; a restarted core asks again. */
  const modes = new Map<string, SharingMode>();
  /** Accounts whose start-up check has begun, and the Threads accounts seen last (to notice unlinks). */
  const checkedOnce = new Set<string>();
  let known = new Set<string>();
  const pending = new Set<Promise<void>>();
  const closing = new AbortController();
  let stopped = false;
  let unsubscribe: (() => void) | undefined;

  // ---- accounts and targets ----

  function targetOf(account: AccountRecord): Target {
    const server = options.threadsServers.get(account.threadsServerId ?? 'threads');
    const web = threadsWebOf({ authorizeUrl: server?.authorizeUrl ?? account.server, apiBase: account.server });
    return { account, apiBase: account.server, host: new URL(account.server).host, web, handle: fediverseHandle(account.handle, web) };
  }

  function requireThreads(accountId: string): Target {
    const account = accounts.get(accountId);
    if (!account) throw new BraidError('account.unknown', 'No linked account has that id. It may have been unlinked.');
    if (account.network !== 'threads') {
      throw new BraidError('sharing.not-threads', `@${account.handle} is a Mastodon account: it is on the Fediverse already. Sharing to the Fediverse is a Threads setting.`);
    }
    return targetOf(account);
  }

  function threadsAccounts(): AccountRecord[] {
    return accounts.list().filter((account) => account.network === 'threads');
  }

  async function tokenOf(target: Target): Promise<string> {
    const token = await options.secrets.get(accountTokenKey(target.account.id));
    if (!token) throw new BraidError('account.needs-sign-in', `Braid has no sign-in for @${target.account.handle} in the system keychain. Sign in again.`);
    return token;
  }

  // ---- states ----

  function problemOf(target: Target, error: unknown): string {
    if (error instanceof BraidError) return error.message;
    log.error('sharing', `checking @${target.account.handle} failed unexpectedly`, error);
    return `Braid could not check @${target.account.handle}'s sharing. Details are in Braid's log.`;
  }

  function list(): SharingState[] {
    return threadsAccounts().map((account) => {
      const target = targetOf(account);
      return repo.get(account.id) ?? neverChecked(target, modes.get(account.id) ?? 'guided');
    });
  }

  /**
   * Stores a state and tells the renderer, when it differs from what is stored; when the status
   * itself changed, runs the afterChange hook.
   */
  function commit(state: SharingState): void {
    if (stopped) return;
    const before = repo.get(state.accountId);
    if (before && sameState(before, state)) return;
    repo.save(state, now());
    events.emit('sharing.changed', list());
    // The hook starts at once (the badges follow the event); background() logs its failure.
    if (before?.status !== state.status && options.afterChange) {
      const afterChange = options.afterChange;
      background(`re-judging the badges of ${state.accountId} after its sharing changed`, async () => {
        await afterChange(state.accountId);
      });
    }
  }

  // ---- the server ----

  async function graph(target: Target, path: string, step: string, extra: { method?: 'GET' | 'POST'; params?: Record<string, string> } = {}) {
    return graphRequest({
      fetch: options.fetch,
      apiBase: target.apiBase,
      path,
      token: await tokenOf(target),
      step,
      signal: closing.signal,
      ...extra,
      explain: (status, error) => (extra.method === 'POST' ? changeError(target, status, error) : isNotOffered(status, error) ? new NotOffered(target.host, path) : undefined),
    });
  }

  /** The extension's answer, or null on a server without it (and the mode remembered either way). */
  async function probe(target: Target): Promise<Record<string, unknown> | null> {
    try {
      const body = await graph(target, SHARING_PATH, 'reading Fediverse sharing');
      modes.set(target.account.id, 'api');
      return body;
    } catch (error) {
      if (!(error instanceof NotOffered)) throw error;
      if (modes.get(target.account.id) !== 'guided') log.info('sharing', `${target.host} has no Fediverse sharing API; @${target.account.handle} uses guided mode`);
      modes.set(target.account.id, 'guided');
      return null;
    }
  }

  async function modeOf(target: Target): Promise<SharingMode> {
    const known = modes.get(target.account.id);
    if (known) return known;
    return (await probe(target)) ? 'api' : 'guided';
  }

  function lookUp(target: Target): Promise<WebFingerResult> {
    const { origin, domain } = target.web;
    const username = target.account.handle.replace(/^@/, '');
    return webFinger(options.fetch, { origin, domain, username, timeoutMs: options.webFingerTimeoutMs, signal: closing.signal }, now);
  }

  async function observe(target: Target): Promise<SharingState> {
    if (modes.get(target.account.id) !== 'guided') {
      const body = await probe(target);
      if (body) return apiState(target, body, now);
    }
    const result = await lookUp(target);
    if (result.state === 'unknown') throw new BraidError('network.unreachable', result.reason);
    return afterWebFinger(target, 'guided', neverChecked(target, 'guided'), result, now);
  }

  async function change(target: Target, params: Record<string, string>, step: string): Promise<SharingState> {
    if ((await modeOf(target)) === 'guided') throw guidedOnlyError(target);
    let body: Record<string, unknown>;
    try {
      body = await graph(target, SHARING_PATH, step, { method: 'POST', params });
    } catch (error) {
      if (error instanceof BraidError && error.code === 'sharing.guided-only') modes.set(target.account.id, 'guided');
      // The server just said why: let the settings screen show the requirements too.
      if (error instanceof BraidError && error.code === 'sharing.ineligible') background(`re-checking @${target.account.handle}`, () => check(target.account.id));
      throw error;
    }
    const state = apiState(target, body, now);
    commit(state);
    background(`updating @${target.account.handle}'s posts after the change`, () => refreshAfterChange(target));
    return state;
  }

  // ---- after a change through the API: the stored posts' flags, the sync ----

  async function readSharedFlags(target: Target): Promise<Map<string, boolean>> {
    const flags = new Map<string, boolean>();
    for (const path of OWN_POST_FEEDS) {
      try {
        const page = await graph(target, path, 'reading which posts are shared', { params: { fields: 'id,is_shared_to_fediverse', limit: FLAG_PAGE } });
        for (const raw of Array.isArray(page.data) ? (page.data as unknown[]) : []) {
          const media = asRecord(raw);
          if (typeof media?.id === 'string' && typeof media.is_shared_to_fediverse === 'boolean') flags.set(media.id, media.is_shared_to_fediverse);
        }
      } catch (error) {
        // One feed missing (a scope not granted) still leaves the other's cards right.
        if (stopped) throw error;
        log.warn('sharing', `could not read ${path} of @${target.account.handle} after the change: ${problemOf(target, error)}`);
      }
    }
    return flags;
  }

  async function updateSharedFlags(target: Target): Promise<void> {
    const flags = await readSharedFlags(target);
    if (stopped) return;
    const changed = options.writer.setSharedFlags(target.account.id, flags);
    if (changed.size === 0) return;
    const update: TimelineUpdate = { newer: 0, older: 0, olderGroupIds: [], changedGroupIds: [...changed], removedGroupIds: [] };
    events.emit('timeline.updated', update);
  }

  /** Independent steps: one failing (logged) does not keep the other from running. */
  async function refreshAfterChange(target: Target): Promise<void> {
    const steps: [string, () => unknown][] = [
      ['updating the stored posts', () => updateSharedFlags(target)],
      ['refreshing the sync', () => options.refreshSync?.()],
    ];
    for (const [what, step] of steps) {
      if (stopped) return;
      try {
        await step();
      } catch (error) {
        if (!stopped) log.warn('sharing', `after changing @${target.account.handle}'s sharing: ${what} failed`, error);
      }
    }
  }

  // ---- background work ----

  function background(what: string, task: () => Promise<unknown>): void {
    if (stopped) return;
    const run = task()
      .then(() => undefined)
      .catch((error: unknown) => {
        if (!stopped) log.warn('sharing', `${what} failed`, error);
      })
      .finally(() => pending.delete(run));
    pending.add(run);
  }

  /** Checks Threads accounts not checked yet in this run; tells the renderer when one was unlinked. */
  function noticeAccounts(): void {
    const threads = threadsAccounts();
    const ids = new Set(threads.map((account) => account.id));
    const unlinked = [...known].filter((id) => !ids.has(id));
    known = ids;
    for (const id of unlinked) {
      modes.delete(id);
      checkedOnce.delete(id);
    }
    for (const account of threads) {
      if (checkedOnce.has(account.id) || account.status === 'needs-sign-in') continue;
      checkedOnce.add(account.id);
      background(`checking @${account.handle}'s Fediverse sharing`, () => check(account.id));
    }
    if (unlinked.length > 0) events.emit('sharing.changed', list());
  }

  // ---- the contract's methods ----

  async function check(accountId: string): Promise<SharingState> {
    const target = requireThreads(accountId);
    let state: SharingState;
    try {
      state = await observe(target);
    } catch (error) {
      if (stopped) throw error;
      state = failed(target, problemOf(target, error), modes.get(target.account.id), repo.get(target.account.id));
    }
    commit(state);
    return state;
  }

  return {
    /** Stored states of every linked Threads account; no network. */
    list,
    check,
    async enable(input: z.output<typeof EnableSharingInput>): Promise<SharingState> {
      const target = requireThreads(input.accountId);
      // The contract's literal already demands it; this guards callers that skip the dispatcher.
      if ((input.acceptWarnings as boolean) !== true) {
        throw new BraidError('sharing.needs-acknowledgement', "Turning sharing on needs you to accept Threads' warnings first.");
      }
      return change(target, { enabled: 'true', accept_warnings: 'true' }, 'turning on Fediverse sharing');
    },
    async disable(input: z.output<typeof DisableSharingInput>): Promise<SharingState> {
      const target = requireThreads(input.accountId);
      return change(target, { enabled: 'false', remove_shared_posts: String(input.removeSharedPosts) }, 'turning off Fediverse sharing');
    },
    async openSettings(accountId: string): Promise<SharingSettingsPage> {
      const url = sharingSettingsUrl(requireThreads(accountId).web);
      const openedExternally = options.openExternal ? await options.openExternal(url).catch(() => false) : false;
      return { url, openedExternally };
    },
    async verify(input: z.output<typeof VerifySharingInput>): Promise<SharingVerification> {
      const target = requireThreads(input.accountId);
      const stored = repo.get(target.account.id);
      const mode = modes.get(target.account.id) ?? stored?.mode ?? 'guided';
      const result = await lookUp(target);
      const state = afterWebFinger(target, mode, stored ?? neverChecked(target, mode), result, now);
      commit(state);
      const found = result.state === 'unknown' ? null : result.state === 'shared';
      return { state, confirmed: confirmedBy(result, input.expect), found, message: verifyMessage(target, result) };
    },
    /** The start-up check of every Threads account, and of each one linked later; never blocks. */
    start(): void {
      unsubscribe ??= events.on('accounts.changed', noticeAccounts);
      noticeAccounts();
    },
    stop(): void {
      stopped = true;
      unsubscribe?.();
      closing.abort(new BraidError('internal', 'Braid is closing.'));
    },
    /** Resolves once background work (checks, post flags, the hook) has finished: tests wait here. */
    async settled(): Promise<void> {
      while (pending.size > 0) await Promise.all([...pending]);
    },
  };
}

export type AccountSharing = ReturnType<typeof createAccountSharing>;
