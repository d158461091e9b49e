import { describe, expect, it } from 'vitest';
import { adjustAfterAct, NO_THREADS_COUNTS, splitCounts, type CountsInput } from '../../../../electron/core/interactions/counts';

const noTree = { threads: null, fediverse: null };
const input = (over: Partial<CountsInput>): CountsInput => ({ threads: null, mastodon: null, sameObject: true, tree: noTree, ...over });

describe('splitting counts by origin', () => {
  it('uses Threads’ own Fediverse metrics where the server offers them, and never adds the Mastodon copy’s on top', () => {
    const counts = splitCounts(
      input({
        threads: { ...NO_THREADS_COUNTS, likes: 30, fediverseLikes: 12, reposts: 4, fediverseReposts: 2, replies: 7, fediverseReplies: 3, quotes: 1 },
        // The Mastodon server saw some of the same Fediverse likes: a subset, not more.
        mastodon: { likes: 5, reposts: 1, replies: 9, quotes: null },
      }),
    );
    expect(counts.likes).toEqual({ total: 42, threads: 30, fediverse: 12 });
    expect(counts.reposts).toEqual({ total: 6, threads: 4, fediverse: 2 });
    expect(counts.replies).toEqual({ total: 10, threads: 7, fediverse: 3 });
    expect(counts.quotes).toEqual({ total: 1, threads: 1, fediverse: null });
  });

  it('lets the Mastodon copy’s counts stand in for the Fediverse part where Threads gives none (graph.threads.net)', () => {
    const counts = splitCounts(input({ threads: { ...NO_THREADS_COUNTS, likes: 30, reposts: 4 }, mastodon: { likes: 12, reposts: 3, replies: 2, quotes: 1 } }));
    expect(counts.likes).toEqual({ total: 42, threads: 30, fediverse: 12 });
    expect(counts.reposts).toEqual({ total: 7, threads: 4, fediverse: 3 });
    expect(counts.quotes).toEqual({ total: 1, threads: null, fediverse: 1 });
  });

  it('says null where no server says, and a total of what is known', () => {
    expect(splitCounts(input({})).likes).toEqual({ total: null, threads: null, fediverse: null });
    // Someone else's post on Meta: no insights, the Fediverse side only.
    expect(splitCounts(input({ threads: NO_THREADS_COUNTS, mastodon: { likes: 3, reposts: 0, replies: null, quotes: null } })).likes).toEqual({ total: 3, threads: null, fediverse: 3 });
    // No Mastodon account: the Threads side only.
    expect(splitCounts(input({ threads: { ...NO_THREADS_COUNTS, likes: 8 } })).likes).toEqual({ total: 8, threads: 8, fediverse: null });
    // Zero is a number, not "unknown".
    expect(splitCounts(input({ threads: { ...NO_THREADS_COUNTS, likes: 0, fediverseLikes: 0 } })).likes).toEqual({ total: 0, threads: 0, fediverse: 0 });
  });

  it('adds both Fediverse counts when the card joins two separate posts (a manual cross-post)', () => {
    const counts = splitCounts(input({ sameObject: false, threads: { ...NO_THREADS_COUNTS, likes: 10, fediverseLikes: 2 }, mastodon: { likes: 5, reposts: null, replies: null, quotes: null } }));
    expect(counts.likes).toEqual({ total: 17, threads: 10, fediverse: 7 });
  });

  it('counts replies from the merged tree where the servers do not say', () => {
    const counts = splitCounts(input({ threads: NO_THREADS_COUNTS, mastodon: { likes: 0, reposts: 0, replies: 9, quotes: null }, tree: { threads: 4, fediverse: 3 } }));
    // Mastodon's 9 also counts the Threads replies that federated to it: the tree's 3 stands in.
    expect(counts.replies).toEqual({ total: 7, threads: 4, fediverse: 3 });
  });
});

describe('after an action', () => {
  const before = splitCounts(input({ threads: { ...NO_THREADS_COUNTS, likes: 3, fediverseLikes: 1 } }));

  it('moves the part a confirmed action changes when the servers have not counted it yet', () => {
    const after = adjustAfterAct(before, before, 'likes', 'fediverse', 1);
    expect(after.likes).toEqual({ total: 5, threads: 3, fediverse: 2 });
  });

  it('trusts the servers once their count moved, and never goes below zero or guesses a null', () => {
    const moved = splitCounts(input({ threads: { ...NO_THREADS_COUNTS, likes: 3, fediverseLikes: 2 } }));
    expect(adjustAfterAct(before, moved, 'likes', 'fediverse', 1)).toEqual(moved);
    const zero = splitCounts(input({ threads: { ...NO_THREADS_COUNTS, likes: 0 } }));
    expect(adjustAfterAct(zero, zero, 'likes', 'threads', -1).likes).toEqual({ total: 0, threads: 0, fediverse: null });
    expect(adjustAfterAct(zero, zero, 'reposts', 'threads', 1)).toEqual(zero);
  });
});
