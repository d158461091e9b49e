/**
 * Sharing badges for the timeline: `decorate` fills each card's `sharing` from SQLite in one
 * query and queues what is missing; the background prober (prober.ts) looks it up within each
 * server's limits, stores it, and announces the cards that wanted it as one `timeline.updated`.
 * A read never waits for the network. This file is the wiring of facts repo, prober and events;
 * the queue and its pacing live in prober.ts, the judging of a card in badges.ts.
 *
 * Wiring in app.ts (before `createTimelineReader`; one SharingAccountsRepo shared with createAccountSharing):
 *   const sharingAccounts = createSharingAccountsRepo(db, onCorrupt);
 *   const badges = createSharingBadges({ db, fetch: options.fetch, now, log, events, accounts,
 *     threadsServers: threadsServersRepo, secrets, ownSharing: (id) => sharingAccounts.get(id)?.status ?? null });
 *   const reader = createTimelineReader(db, { decorate: (entries) => badges.decorate(entries) });
 *   createAccountSharing({ ..., repo: sharingAccounts, afterChange: (id) => badges.forgetAccount(id) });
 *   close(): badges.stop() before closeDatabase(db). (The prober's searches keep their own budgets: the sync's are private.)
 */
import type { TimelineEntry } from '@shared/timeline';
import { accountTokenKey } from '../accounts/tokens';
import type { AccountsRepo } from '../db/accounts-repo';
import type { Db } from '../db/open';
import type { ThreadsServersRepo } from '../db/threads-servers-repo';
import type { CoreEvents } from '../events';
import type { Logger } from '../log';
import type { Fetch } from '../net/http';
import type { SecretStore } from '../secrets/secret-store';
import { buildBadgeWorld, deriveEntrySharing, factRefsOf, type OwnSharing } from './badges';
import { createSharingFactsRepo } from './facts-repo';
import { SharingProber, type ProbePacing } from './prober';

const HOUR = 60 * 60_000;

export interface SharingBadgesOptions {
  db: Db;
  fetch: Fetch;
  now: () => number;
  log: Logger;
  events: CoreEvents;
  accounts: AccountsRepo;
  threadsServers: ThreadsServersRepo;
  /** Where the Mastodon account's token is (accountTokenKey). */
  secrets: SecretStore;
  /** The user's own Threads accounts' sharing, as the sharing service last found it; null when never checked. */
  ownSharing: (accountId: string) => OwnSharing | null;
  pacing?: Partial<ProbePacing>;
}

export interface SharingBadges {
  /** Fills `sharing` on each entry in place; never waits for the network. */
  decorate(entries: TimelineEntry[]): void;
  /** The user's sharing of this Threads account changed: re-derive its posts and tell their cards. */
  forgetAccount(accountId: string): void;
  /** Resolves when no look-up waits or runs and no update is pending (tests). */
  settled(): Promise<void>;
  stop(): void;
}

/** Facts expired longer than this are deleted when Braid starts. */
const PURGE_AFTER_MS = 7 * 24 * HOUR;

export function createSharingBadges(options: SharingBadgesOptions): SharingBadges {
  const { db, now, log, events, accounts, threadsServers } = options;
  const facts = createSharingFactsRepo(db);
  const changed = (groupIds: string[]): void => {
    if (groupIds.length > 0) events.emit('timeline.updated', { newer: 0, older: 0, olderGroupIds: [], changedGroupIds: groupIds, removedGroupIds: [] });
  };
  const prober = new SharingProber({
    facts,
    fetch: options.fetch,
    now,
    log,
    onLanded: changed,
    tokenFor: (accountId) => options.secrets.get(accountTokenKey(accountId)),
    ...(options.pacing ? { pacing: options.pacing } : {}),
  });
  try {
    facts.purgeExpired(now() - PURGE_AFTER_MS);
  } catch (error) {
    log.warn('sharing', 'could not purge old sharing facts', error);
  }

  return {
    decorate(entries) {
      if (entries.length === 0) return;
      try {
        const world = buildBadgeWorld({ accounts: accounts.list(), servers: threadsServers.list(), ownSharing: options.ownSharing, now: now() });
        const known = facts.read(entries.flatMap((entry) => factRefsOf(entry, world)));
        for (const entry of entries) {
          const { sharing, wants } = deriveEntrySharing(entry, world, known);
          entry.sharing = sharing;
          for (const ref of wants) prober.enqueue(ref, entry.groupId);
        }
      } catch (error) {
        // Badges are a hint: a card without them still reads.
        log.warn('sharing', 'could not work out the sharing badges of a page', error);
      }
    },
    forgetAccount(accountId) {
      const account = accounts.get(accountId);
      if (!account || account.network !== 'threads') return;
      const host = new URL(account.server).host.toLowerCase();
      // Author ids are `threads:<api host>:<user id>` (or the username when the server gave no owner).
      const { keys, groupIds } = facts.forgetPostsBy([`threads:${host}:${account.remoteId}`, `threads:${host}:${account.handle}`]);
      prober.forget('post', keys);
      // The author badge comes from ownSharing at every read: only the cards need telling.
      changed(groupIds.sort((a, b) => Number(a) - Number(b)));
    },
    settled: () => prober.settled(),
    stop: () => prober.stop(),
  };
}
