/**
 * Finds the stored copy a new post is a copy of (docs/ARCHITECTURE.md, Cross-posts). Rules,
 * strongest first; the first that matches decides, and the match says which one it was so the
 * UI can explain the merge:
 *   activitypub-id   — the same ActivityPub id;
 *   permalink        — one copy's URL is the other's URL or id (a Mastodon `url` that is the
 *                      Threads permalink);
 *   threads-post-id  — a Mastodon status of a Threads-domain account whose id ends in the id of a
 *                      Threads post Braid has, by the same person;
 *   same-author-text — the same person posting the same text on another network (or home
 *                      server) within a short window: manual cross-posting.
 * Pure: it only reads through the store's indexed look-ups.
 */
import type { Network } from '@shared/model';
import type { CrossPostRule } from '@shared/timeline';
import { hostKey } from './text';
import type { LinkCandidate, LinkFacts, LinkLookup, LinkMatch } from './types';

/** How far apart two manual cross-posts may be: people paste into the second app within minutes. */
export const CROSS_POST_WINDOW_MS = 10 * 60_000;

/** Shorter texts ("yes", "lol", "same") are said by everyone all the time: never merge on them. */
export const MIN_LINK_TEXT_LENGTH = 8;

export interface LinkSubject {
  postId: string;
  network: Network;
  /** Origin of the linked account's server the post came through. */
  server: string;
  link: LinkFacts;
  createdAtMs: number;
}

/** Where a copy lives: the host of its own id or URL (the author's server), else the account's server. */
function homeOf(copy: { link: LinkFacts; server: string }): string {
  const key = copy.link.uriKey ?? copy.link.urlKey;
  if (key !== null) return key.split('/')[0] as string;
  try {
    return hostKey(new URL(copy.server).host);
  } catch {
    return copy.server;
  }
}

/** The candidate nearest in time wins; ties go to the smaller post id so results are stable. */
function closest(subject: LinkSubject, candidates: readonly LinkCandidate[], rule: CrossPostRule): LinkMatch | null {
  let best: LinkCandidate | undefined;
  for (const c of candidates) {
    if (!best) best = c;
    else {
      const d = Math.abs(c.createdAtMs - subject.createdAtMs) - Math.abs(best.createdAtMs - subject.createdAtMs);
      if (d < 0 || (d === 0 && c.postId < best.postId)) best = c;
    }
  }
  return best ? { groupId: best.groupId, rule, postId: best.postId } : null;
}

function byIdentity(subject: LinkSubject, lookup: LinkLookup): LinkMatch | null {
  const { uriKey, urlKey } = subject.link;
  const keys = [...new Set([uriKey, urlKey].filter((k): k is string => k !== null))];
  if (keys.length === 0) return null;
  const found = lookup.byUriOrUrl(keys).filter((c) => c.postId !== subject.postId);
  const sameId = found.filter((c) => uriKey !== null && c.link.uriKey === uriKey);
  if (sameId.length > 0) return closest(subject, sameId, 'activitypub-id');
  // Either direction, so the result does not depend on which copy was stored first.
  const samePage = found.filter(
    (c) =>
      (urlKey !== null && (c.link.urlKey === urlKey || c.link.uriKey === urlKey)) ||
      (uriKey !== null && c.link.urlKey === uriKey),
  );
  return closest(subject, samePage, 'permalink');
}

function byThreadsPostId(subject: LinkSubject, lookup: LinkLookup): LinkMatch | null {
  const id = subject.link.threadsPostId;
  if (id === null) return null;
  const samePerson = (c: LinkCandidate): boolean => c.postId !== subject.postId && c.link.personKey === subject.link.personKey;
  const found = lookup.byThreadsPostId(id).filter(samePerson);
  // A Mastodon copy names a Threads post; a Threads post is named by Mastodon copies.
  const matches =
    subject.network === 'mastodon'
      ? found.filter((c) => c.network === 'threads' && c.remoteId === id)
      : found.filter((c) => c.network === 'mastodon' && c.link.threadsPostId === id);
  return closest(subject, matches, 'threads-post-id');
}

function bySameAuthorText(subject: LinkSubject, lookup: LinkLookup, windowMs: number): LinkMatch | null {
  const { text, personKey, threadsPostId } = subject.link;
  // A person known only as a Mastodon account has no posts on another network to join (a
  // Fediverse reply shown on the Threads side joins its original by permalink instead).
  if ([...text].length < MIN_LINK_TEXT_LENGTH || personKey === '' || personKey.startsWith('mastodon:')) return null;
  const home = homeOf(subject);
  const from = subject.createdAtMs - windowMs;
  const to = subject.createdAtMs + windowMs;
  const matches = lookup.byPersonBetween(personKey, from, to, text).filter((c) => {
    if (c.postId === subject.postId || c.link.personKey !== personKey || c.link.text !== text) return false;
    if (c.createdAtMs < from || c.createdAtMs > to) return false;
    if (homeOf(c) !== home) return true;
    // Same home server: two posts by one account there are two posts, however alike; and a
    // federated copy of one Threads post is not a copy of another one.
    if (c.network === subject.network) return false;
    return threadsPostId === null || c.link.threadsPostId === null || c.link.threadsPostId === threadsPostId;
  });
  return closest(subject, matches, 'same-author-text');
}

/** The group a new copy joins, and why; null when it is a post of its own. */
export function findCrossPost(subject: LinkSubject, lookup: LinkLookup, options: { windowMs?: number } = {}): LinkMatch | null {
  return (
    byIdentity(subject, lookup) ??
    byThreadsPostId(subject, lookup) ??
    bySameAuthorText(subject, lookup, options.windowMs ?? CROSS_POST_WINDOW_MS)
  );
}
