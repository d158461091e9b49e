/**
 * Counts split by origin (docs/interactions.md, "Counts"). Pure.
 *
 * The Threads part is what Threads counts natively (insights `likes`, `replies`, `reposts`,
 * `quotes`, or the likes extension's summary). The Fediverse part is, in order: Threads' own
 * `fediverse_*` metrics where the server offers them (it sees every Fediverse interaction that
 * reached the post); else what the Mastodon copy's server saw. The two are never added when the
 * Mastodon status is the federated copy of the Threads post — they count the same people — but
 * they are when the card joins two separate posts (a manual cross-post: same author, same text).
 * total = threads + fediverse where both are known, else whichever is known, else null.
 */
import type { CountSplit, InteractionCounts } from '@shared/interactions';

type Count = number | null;

/** What the Threads side reports; null where the server does not say (not offered, not the user's post). */
export interface ThreadsCounts {
  likes: Count;
  replies: Count;
  reposts: Count;
  quotes: Count;
  fediverseLikes: Count;
  fediverseReplies: Count;
  fediverseReposts: Count;
}

/** The Mastodon status's own counts: what that server saw. */
export interface MastodonCounts {
  likes: Count;
  reposts: Count;
  replies: Count;
  quotes: Count;
}

export interface CountsInput {
  threads: ThreadsCounts | null;
  mastodon: MastodonCounts | null;
  /** The Mastodon status is the Threads post's federated copy (not a separate post with the same text). */
  sameObject: boolean;
  /** Replies in the merged tree, where the side that sees them has finished loading (else null). */
  tree: { threads: Count; fediverse: Count };
}

export const NO_THREADS_COUNTS: ThreadsCounts = {
  likes: null,
  replies: null,
  reposts: null,
  quotes: null,
  fediverseLikes: null,
  fediverseReplies: null,
  fediverseReposts: null,
};

/** null + null = null; otherwise the known parts added. */
export function sumKnown(a: Count, b: Count): Count {
  return a === null && b === null ? null : (a ?? 0) + (b ?? 0);
}

export function split(threads: Count, fediverse: Count): CountSplit {
  return { total: sumKnown(threads, fediverse), threads, fediverse };
}

/** The Fediverse part from Threads' own metric and the Mastodon status's count (see the header). */
function fediversePart(fromThreads: Count, fromMastodon: Count, sameObject: boolean): Count {
  return sameObject ? (fromThreads ?? fromMastodon) : sumKnown(fromThreads, fromMastodon);
}

/**
 * Mastodon's replies_count also counts Threads replies that federated to it, and only direct
 * ones: the merged tree's Fediverse replies are the better stand-in once loaded. Two separate
 * posts (a manual cross-post) have separate Fediverse replies, all of them in the tree.
 */
function fediverseReplies(t: ThreadsCounts, m: MastodonCounts | null, input: CountsInput): Count {
  if (input.sameObject) return t.fediverseReplies ?? input.tree.fediverse ?? m?.replies ?? null;
  return input.tree.fediverse ?? sumKnown(t.fediverseReplies, m?.replies ?? null);
}

export function splitCounts(input: CountsInput): InteractionCounts {
  const t = input.threads ?? NO_THREADS_COUNTS;
  const m = input.mastodon;
  const same = input.sameObject;
  return {
    likes: split(t.likes, fediversePart(t.fediverseLikes, m?.likes ?? null, same)),
    reposts: split(t.reposts, fediversePart(t.fediverseReposts, m?.reposts ?? null, same)),
    replies: split(t.replies ?? input.tree.threads, fediverseReplies(t, m, input)),
    // Threads has no Fediverse quote metric; a Mastodon quote count is Fediverse by nature.
    quotes: split(t.quotes, m?.quotes ?? null),
  };
}

export type CountPart = 'threads' | 'fediverse';

/**
 * After an action the server confirmed, the count it changes may not have moved yet (a Mastodon
 * favourite reaches Threads' `fediverse_likes` only once it federates). When the re-read part is
 * unchanged from before the action, move it by the action's step so the view agrees with the
 * button; the next refresh shows the servers' own numbers again.
 */
export function adjustAfterAct(
  before: InteractionCounts,
  after: InteractionCounts,
  metric: 'likes' | 'reposts',
  part: CountPart,
  step: 1 | -1,
): InteractionCounts {
  const was = before[metric][part];
  const now = after[metric][part];
  if (was === null || now === null || now !== was) return after;
  const moved = Math.max(0, now + step);
  const other = part === 'threads' ? after[metric].fediverse : after[metric].threads;
  const next = part === 'threads' ? split(moved, other) : split(other, moved);
  return { ...after, [metric]: next };
}
