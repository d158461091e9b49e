/**
 * The InteractionsView of a card from what each side has loaded so far: one reply tree, counts
 * split by origin, who liked and reposted, each side's state and each account's own state.
 * Pure: the service calls it every time a side (or a page of one) lands.
 */
import type { InteractionsView, Interactor, SideState, ViewerState } from '@shared/interactions';
import type { Network } from '@shared/model';
import type { TimelineEntry } from '@shared/timeline';
import type { AccountRecord } from '../db/accounts-repo';
import type { BadgeWorld } from '../sharing/badges';
import { replySharing, treeReplyCounts } from './context';
import { splitCounts, type MastodonCounts } from './counts';
import { keysOf, mergeReplyTree } from './merge';
import type { MastodonSideData } from './mastodon-side';
import { mergePeople } from './people';
import { NOT_ON_THREADS, threadsTargetFor } from './plan';
import { threadsCountsOf, type ThreadsSideData } from './threads-side';

export interface SideSlot<T> {
  state: SideState['state'];
  /** The linked account that reads this side; null when none can. */
  accountId: string | null;
  message: string | null;
  /** What has landed so far (kept while a refresh runs, and when a later load fails). */
  data: T | null;
}

export interface ViewParts {
  groupId: string;
  entry: TimelineEntry;
  threads: SideSlot<ThreadsSideData>;
  mastodon: SideSlot<MastodonSideData>;
  /** The Mastodon status is the Threads post's federated copy, not a separate post. */
  sameObject: boolean;
  accounts: readonly AccountRecord[];
  world: BadgeWorld;
  now: number;
}

function sideState(side: Network, slot: SideSlot<unknown>): SideState {
  return { side, state: slot.state, accountId: slot.accountId, message: slot.message };
}

function viewerOf(account: AccountRecord, parts: ViewParts): ViewerState {
  const blank = { accountId: account.id, liked: null, reposted: null };
  if (account.status === 'needs-sign-in') {
    return { ...blank, unavailable: account.statusMessage ?? `Sign in to ${account.handle} again to act from it.` };
  }
  if (account.network === 'threads') {
    if (threadsTargetFor(parts.entry, account, parts.accounts) === null) return { ...blank, unavailable: NOT_ON_THREADS };
    const data = parts.threads.accountId === account.id ? parts.threads.data : null;
    return { ...blank, liked: data?.liked ?? null, reposted: data?.reposted ?? null, unavailable: null };
  }
  const slot = parts.mastodon;
  if (slot.accountId !== account.id) return { ...blank, unavailable: null };
  // The post never reached this server: it has nothing to favourite or boost.
  if (slot.state === 'unavailable') return { ...blank, unavailable: slot.message };
  return { ...blank, liked: slot.data?.status.favourited ?? null, reposted: slot.data?.status.reblogged ?? null, unavailable: null };
}

/**
 * The Mastodon status's counts as a stand-in for the Fediverse part: its server also counts
 * Threads users whose likes and reposts federated to it, which Threads already counts as its
 * own. Where Braid read the whole list of who did it, only the people not on Threads count.
 */
export function mastodonFediverseCounts(side: MastodonSideData): MastodonCounts {
  // Only a list as long as the server's count is the whole list (a failed or cut read is not).
  const fediverse = (people: readonly Interactor[], more: boolean, count: number | null): number | null =>
    more || count === null || people.length < count ? count : people.filter((person) => person.origin === 'fediverse').length;
  return {
    ...side.status.counts,
    likes: fediverse(side.favouritedBy, side.favouritedMore, side.status.counts.likes),
    reposts: fediverse(side.rebloggedBy, side.rebloggedMore, side.status.counts.reposts),
  };
}

export function buildView(parts: ViewParts): InteractionsView {
  const threads = parts.threads.data;
  const mastodon = parts.mastodon.data;
  const cardOnThreads = parts.entry.networks.includes('threads');
  const replies = mergeReplyTree({
    rootIds: { threads: threads?.rootId ?? null, mastodon: mastodon?.statusId ?? null },
    posts: [...(threads?.replies ?? []), ...(mastodon?.replies ?? [])],
    cardKeys: new Set(parts.entry.posts.flatMap(keysOf)),
    sharingOf: (posts) => replySharing(posts, parts.world, cardOnThreads),
  });
  const tree = treeReplyCounts(replies, parts.world);
  const threadsDone = parts.threads.state === 'ready' && threads?.complete === true;
  // Fediverse replies are all in the tree once Mastodon's context is in, or once Threads (with
  // the extension, which marks them) has given the whole conversation.
  const fediverseDone = parts.mastodon.state === 'ready' || (threadsDone && threads.extension);
  const counts = splitCounts({
    threads: threads ? threadsCountsOf(threads) : null,
    mastodon: mastodon ? mastodonFediverseCounts(mastodon) : null,
    sameObject: parts.sameObject,
    tree: { threads: threadsDone ? tree.threads : null, fediverse: fediverseDone ? tree.fediverse : null },
  });
  return {
    groupId: parts.groupId,
    entry: parts.entry,
    replies,
    counts,
    likedBy: mergePeople([
      { people: threads?.likedBy ?? [], more: threads?.likedMore ?? false },
      { people: mastodon?.favouritedBy ?? [], more: mastodon?.favouritedMore ?? false },
    ]),
    repostedBy: mergePeople([{ people: mastodon?.rebloggedBy ?? [], more: mastodon?.rebloggedMore ?? false }]),
    sides: [sideState('threads', parts.threads), sideState('mastodon', parts.mastodon)],
    viewer: parts.accounts.map((account) => viewerOf(account, parts)),
    updatedAt: new Date(parts.now).toISOString(),
  };
}
