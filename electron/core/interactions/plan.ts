/**
 * Which linked account reads each side of a card, and which post an account acts on. Pure.
 * - Threads: the account whose copy is on the card (any account on that server can act on it,
 *   media ids being server-wide); a card without a Threads copy has no Threads side.
 * - Mastodon: the account whose copy is on the card; else the first linked Mastodon account,
 *   which finds the federated copy by the Threads permalink.
 */
import type { Post, TimelineEntry } from '@shared/timeline';
import type { AccountRecord } from '../db/accounts-repo';

export type SidePlan<T> = ({ kind: 'read'; account: AccountRecord } & T) | { kind: 'unavailable'; accountId: string | null; message: string };

export type ThreadsPlan = SidePlan<{ rootId: string }>;
export type MastodonPlan = SidePlan<{ target: MastodonTarget; sameObject: boolean }>;

/** A status id on the account's own server, or a link its search can resolve to one. */
export type MastodonTarget = { statusId: string } | { link: string };

export const NOT_ON_THREADS = 'Threads cannot act on posts that are not on Threads.';

const usable = (account: AccountRecord | undefined): account is AccountRecord => account !== undefined && account.status !== 'needs-sign-in';

function accountOf(post: Post, accounts: readonly AccountRecord[]): AccountRecord | undefined {
  return accounts.find((account) => account.id === post.accountId);
}

/** Copies of one network, those of accounts that can still sign in first. */
function copies(entry: TimelineEntry, network: Post['network'], accounts: readonly AccountRecord[]): Post[] {
  const list = entry.posts.filter((post) => post.network === network);
  return [...list.filter((post) => usable(accountOf(post, accounts))), ...list.filter((post) => !usable(accountOf(post, accounts)))];
}

export function planThreads(entry: TimelineEntry, accounts: readonly AccountRecord[]): ThreadsPlan {
  const copy = copies(entry, 'threads', accounts)[0];
  const account = copy && accountOf(copy, accounts);
  if (copy && account) return { kind: 'read', account, rootId: copy.remoteId };
  const threadsAccount = accounts.find((a) => a.network === 'threads');
  if (!threadsAccount) return { kind: 'unavailable', accountId: null, message: 'Link a Threads account to see what happened to posts on Threads.' };
  return { kind: 'unavailable', accountId: threadsAccount.id, message: 'This post is not on Threads.' };
}

/** The link a Mastodon server can resolve to its own copy of the card's post. */
function linkOf(entry: TimelineEntry): string | null {
  const threads = entry.posts.find((post) => post.network === 'threads');
  if (threads) return threads.url ?? threads.uri;
  const other = entry.posts.find((post) => post.network === 'mastodon');
  return other ? (other.uri ?? other.url) : null;
}

export function planMastodon(entry: TimelineEntry, accounts: readonly AccountRecord[]): MastodonPlan {
  const copy = copies(entry, 'mastodon', accounts)[0];
  const owner = copy && accountOf(copy, accounts);
  // Copies joined only by same author and text are two posts, each with its own interactions.
  const sameObject = entry.rule !== 'same-author-text';
  if (copy && owner) return { kind: 'read', account: owner, target: { statusId: copy.remoteId }, sameObject };
  const mastodon = accounts.filter((a) => a.network === 'mastodon');
  const account = mastodon.find(usable) ?? mastodon[0];
  if (!account) return { kind: 'unavailable', accountId: null, message: 'Link a Mastodon account to see what happened to this post on the Fediverse.' };
  const link = linkOf(entry);
  if (link === null) return { kind: 'unavailable', accountId: account.id, message: 'This post has no link Braid could look up on your Mastodon server.' };
  return { kind: 'read', account, target: { link }, sameObject: true };
}

/** The Threads media id `account` acts on, or null when the card has no copy on its server. */
export function threadsTargetFor(entry: TimelineEntry, account: AccountRecord, accounts: readonly AccountRecord[]): string | null {
  const copy = entry.posts.find((post) => post.network === 'threads' && (post.accountId === account.id || accountOf(post, accounts)?.server === account.server));
  return copy ? copy.remoteId : null;
}

/** What `account` acts on: its own copy, else the card's post found through its server's search. */
export function mastodonTargetFor(entry: TimelineEntry, account: AccountRecord): MastodonTarget | null {
  const own = entry.posts.find((post) => post.network === 'mastodon' && post.accountId === account.id);
  if (own) return { statusId: own.remoteId };
  const link = linkOf(entry);
  return link === null ? null : { link };
}
