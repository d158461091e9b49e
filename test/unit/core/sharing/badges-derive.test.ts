/**
 * The badges of every copy on a card, derived from the servers' word and looked-up facts:
 * the server's word wins, a federated copy on the card shows the post reached the Fediverse,
 * an author who does not share makes the post "not shared", the user's own account follows its
 * sharing settings, and nothing unknown ever reads as shared.
 */
import { describe, expect, it } from 'vitest';
import type { OwnSharing, StoredFact } from '../../../../electron/core/sharing/badges';
import {
  actorRefOf,
  buildBadgeWorld,
  deriveEntrySharing,
  factId,
  factRefsOf,
  HOW,
  isFederatedCopy,
  ownAccountOf,
  type BadgeWorld,
} from '../../../../electron/core/sharing/badges';
import { canonicalKey } from '../../../../electron/core/timeline/text';
import { entry, federatedCopy, mastodonPost, ME_MASTODON, ME_THREADS, T0, THREADS_SERVER, threadsCopy } from './fixtures';

function world(options: { own?: OwnSharing | null; mastodon?: boolean; now?: number } = {}): BadgeWorld {
  return buildBadgeWorld({
    accounts: options.mastodon === false ? [ME_THREADS] : [ME_THREADS, ME_MASTODON],
    servers: [THREADS_SERVER],
    ownSharing: (id) => (id === ME_THREADS.id ? (options.own ?? null) : null),
    now: options.now ?? T0,
  });
}

/** Facts as the repository gives them, fresh for an hour unless `expiresAt` says otherwise. */
function facts(...list: (Pick<StoredFact, 'kind' | 'key' | 'state'> & Partial<StoredFact>)[]): Map<string, StoredFact> {
  return new Map(list.map((f) => [factId(f.kind, f.key), { how: `fact ${f.kind} ${f.state}`, checkedAt: T0, expiresAt: T0 + 3_600_000, ...f }]));
}

const ALICE = 'threads.net:alice';

describe('a Threads copy', () => {
  it("takes the server's word for the post, whatever was looked up", () => {
    const shared = threadsCopy('alice', { sharedToFediverse: true });
    const notShared = threadsCopy('alice', { sharedToFediverse: false });
    const known = facts({ kind: 'actor', key: ALICE, state: 'not-shared' }, { kind: 'post', key: canonicalKey(notShared.url) as string, state: 'shared' });
    const card = entry('1', [shared]);
    expect(deriveEntrySharing(card, world(), known).sharing[shared.id]?.post).toEqual({ badge: 'shared', how: HOW.serverShared });
    const other = deriveEntrySharing(entry('2', [notShared, federatedCopy(notShared)]), world(), known);
    expect(other.sharing[notShared.id]?.post).toEqual({ badge: 'not-shared', how: HOW.serverNotShared });
    // The server said: no post look-up is asked for.
    expect(other.wants.some((ref) => ref.kind === 'post')).toBe(false);
  });

  it('reads a federated copy on the same card as shared, and badges that copy as from the Fediverse', () => {
    const post = threadsCopy('alice');
    const copy = federatedCopy(post);
    const { sharing, wants } = deriveEntrySharing(entry('1', [post, copy]), world(), new Map());
    expect(sharing[post.id]?.post).toEqual({ badge: 'shared', how: HOW.copyReached });
    // Before WebFinger answers, the copy is evidence enough that the author shares.
    expect(sharing[post.id]?.author).toEqual({ badge: 'shared', how: HOW.authorByCopy });
    expect(sharing[copy.id]).toEqual({ post: { badge: 'from-fediverse', how: HOW.federatedCopy }, author: { badge: 'shared', how: HOW.federatedAuthor } });
    expect(wants.map((ref) => `${ref.kind}|${ref.key}`)).toEqual([`actor|${ALICE}`]);
  });

  it('lets a fresh WebFinger "not shared" win over an old federated copy for the author', () => {
    const post = threadsCopy('alice');
    const { sharing } = deriveEntrySharing(entry('1', [post, federatedCopy(post)]), world(), facts({ kind: 'actor', key: ALICE, state: 'not-shared', how: 'no WebFinger' }));
    expect(sharing[post.id]?.author).toEqual({ badge: 'not-shared', how: 'no WebFinger' });
    expect(sharing[post.id]?.post?.badge).toBe('shared');
  });

  it('reads a post of an author who does not share as not shared, without searching for it', () => {
    const post = threadsCopy('carol');
    const { sharing, wants } = deriveEntrySharing(entry('1', [post]), world(), facts({ kind: 'actor', key: 'threads.net:carol', state: 'not-shared', how: 'carol has no WebFinger' }));
    expect(sharing[post.id]).toEqual({ post: { badge: 'not-shared', how: HOW.authorNotSharing }, author: { badge: 'not-shared', how: 'carol has no WebFinger' } });
    expect(wants).toEqual([]);
  });

  it('asks WebFinger first, and searches for the post only once the author is known to share', () => {
    const post = threadsCopy('alice');
    const first = deriveEntrySharing(entry('1', [post]), world(), new Map());
    expect(first.sharing[post.id]).toEqual({ post: { badge: 'unknown', how: HOW.checkingPost }, author: { badge: 'unknown', how: HOW.checkingAuthor } });
    expect(first.wants).toEqual([{ kind: 'actor', key: ALICE, origin: 'https://www.threads.net', domain: 'threads.net', username: 'alice' }]);

    const second = deriveEntrySharing(entry('1', [post]), world(), facts({ kind: 'actor', key: ALICE, state: 'shared', how: 'alice shares' }));
    expect(second.sharing[post.id]?.author).toEqual({ badge: 'shared', how: 'alice shares' });
    expect(second.sharing[post.id]?.post).toEqual({ badge: 'unknown', how: HOW.checkingPost });
    expect(second.wants).toEqual([
      { kind: 'post', key: canonicalKey(post.url), permalink: post.url, searcher: { accountId: ME_MASTODON.id, server: ME_MASTODON.server } },
    ]);
  });

  it.each([
    ['shared', 'shared'],
    ['not-shared', 'not-shared'],
    ['unknown', 'unknown'],
  ] as const)('shows a looked-up post fact %s as %s, with its own tooltip', (state, expected) => {
    const post = threadsCopy('alice');
    const known = facts({ kind: 'actor', key: ALICE, state: 'shared' }, { kind: 'post', key: canonicalKey(post.url) as string, state, how: `searched: ${state}` });
    const { sharing, wants } = deriveEntrySharing(entry('1', [post]), world(), known);
    expect(sharing[post.id]?.post).toEqual({ badge: expected, how: `searched: ${state}` });
    expect(wants).toEqual([]);
  });

  it('treats expired facts as missing: shown as being checked, and asked for again', () => {
    const post = threadsCopy('alice');
    const expired = facts({ kind: 'actor', key: ALICE, state: 'shared', expiresAt: T0 - 1 }, { kind: 'post', key: canonicalKey(post.url) as string, state: 'shared', expiresAt: T0 });
    const { sharing, wants } = deriveEntrySharing(entry('1', [post]), world(), expired);
    expect(sharing[post.id]?.author).toEqual({ badge: 'unknown', how: HOW.checkingAuthor });
    expect(sharing[post.id]?.post?.badge).toBe('unknown');
    expect(wants.map((ref) => ref.kind)).toEqual(['actor']);
  });

  it('shows a failed check as unknown with its reason, and still searches for the post', () => {
    const post = threadsCopy('alice');
    const reason = 'Braid could not check: www.threads.net is having trouble (HTTP 502).';
    const { sharing, wants } = deriveEntrySharing(entry('1', [post]), world(), facts({ kind: 'actor', key: ALICE, state: 'unknown', how: reason }));
    expect(sharing[post.id]?.author).toEqual({ badge: 'unknown', how: reason });
    expect(wants.map((ref) => ref.kind)).toEqual(['post']);
  });

  it('never shows shared when nothing says so', () => {
    const states = [undefined, 'unknown', 'not-shared'] as const;
    for (const actor of states) {
      for (const postState of states) {
        for (const own of [false, true]) {
          const post = own ? threadsCopy('me', { ownerId: ME_THREADS.remoteId }) : threadsCopy('alice');
          const list = [];
          if (actor && !own) list.push({ kind: 'actor' as const, key: ALICE, state: actor });
          if (postState) list.push({ kind: 'post' as const, key: canonicalKey(post.url) as string, state: postState });
          for (const ownState of [null, 'unknown', 'disabled', 'ineligible'] as const) {
            const { sharing } = deriveEntrySharing(entry('1', [post]), world({ own: ownState }), facts(...list));
            expect(sharing[post.id]?.post?.badge, `${actor} ${postState} ${own} ${ownState}`).not.toBe('shared');
            expect(sharing[post.id]?.author?.badge, `${actor} ${postState} ${own} ${ownState}`).not.toBe('shared');
          }
        }
      }
    }
  });

  it('says why it cannot search without a linked Mastodon account, or without a permalink', () => {
    const post = threadsCopy('alice');
    const known = facts({ kind: 'actor', key: ALICE, state: 'shared' });
    const noMastodon = deriveEntrySharing(entry('1', [post]), world({ mastodon: false }), known);
    expect(noMastodon.sharing[post.id]?.post).toEqual({ badge: 'unknown', how: HOW.noSearcher });
    expect(noMastodon.wants).toEqual([]);
    const noLink = threadsCopy('alice', { url: null });
    const without = deriveEntrySharing(entry('2', [noLink]), world(), known);
    expect(without.sharing[noLink.id]?.post).toEqual({ badge: 'unknown', how: HOW.noPermalink });
    expect(without.wants).toEqual([]);
  });

  it('shows a Fediverse reply as from the Fediverse, with no look-up', () => {
    const reply = threadsCopy('mara@mastodon.example', { fromFediverse: true, profileUrl: null });
    const { sharing, wants } = deriveEntrySharing(entry('1', [reply]), world(), new Map());
    expect(sharing[reply.id]?.post).toEqual({ badge: 'from-fediverse', how: HOW.fediverseReply });
    expect(sharing[reply.id]?.author?.badge).toBe('from-fediverse');
    expect(sharing[reply.id]?.author?.how).toBe('Posts from mara@mastodon.example on the Fediverse, not on Threads.');
    expect(wants).toEqual([]);
  });
});

describe("the user's own Threads posts", () => {
  it.each([
    ['enabled', 'shared', HOW.ownEnabled],
    ['disabled', 'not-shared', HOW.ownDisabled],
    ['ineligible', 'not-shared', HOW.ownIneligible],
    ['unknown', 'unknown', HOW.ownUnknown],
    [null, 'unknown', HOW.checkingOwn],
  ] as const)('follow the sharing settings for the author (%s → %s), with no WebFinger', (own, badge, how) => {
    const post = threadsCopy('me', { ownerId: ME_THREADS.remoteId });
    const { sharing, wants } = deriveEntrySharing(entry('1', [post]), world({ own }), new Map());
    expect(sharing[post.id]?.author).toEqual({ badge, how });
    expect(wants.some((ref) => ref.kind === 'actor')).toBe(false);
    if (own === 'disabled' || own === 'ineligible') {
      expect(sharing[post.id]?.post).toEqual({ badge: 'not-shared', how: HOW.ownNotSharing });
      expect(wants).toEqual([]);
    } else {
      expect(sharing[post.id]?.post?.badge).toBe('unknown');
      expect(wants.map((ref) => ref.kind)).toEqual(['post']);
    }
  });

  it("are the user's by account id, or by username when the server gave no owner", () => {
    const w = world();
    expect(ownAccountOf(threadsCopy('me', { ownerId: '1784' }), w)).toBe(ME_THREADS.id);
    expect(ownAccountOf(threadsCopy('ME', { ownerId: 'ME' }), w)).toBe(ME_THREADS.id);
    expect(ownAccountOf(threadsCopy('alice', { ownerId: '1785' }), w)).toBeNull();
    // Someone called "me" on another server is not the user.
    const elsewhere = threadsCopy('me', { ownerId: '1784' });
    elsewhere.author.id = 'threads:threads.example:1784';
    expect(ownAccountOf(elsewhere, w)).toBeNull();
  });

  it("still take the server's word for the post", () => {
    const post = threadsCopy('me', { ownerId: ME_THREADS.remoteId, sharedToFediverse: true });
    const { sharing } = deriveEntrySharing(entry('1', [post]), world({ own: 'disabled' }), new Map());
    expect(sharing[post.id]?.post).toEqual({ badge: 'shared', how: HOW.serverShared });
  });
});

describe('a Mastodon copy', () => {
  it('has no sharing badge when it is a Fediverse post of its own', () => {
    const post = mastodonPost();
    const { sharing, wants } = deriveEntrySharing(entry('1', [post]), world(), new Map());
    expect(sharing[post.id]).toEqual({ post: null, author: null });
    expect(wants).toEqual([]);
  });

  it('is a federated copy when its author is on a Threads host (ports and www. included)', () => {
    const sandbox = buildBadgeWorld({
      accounts: [],
      servers: [{ ...THREADS_SERVER, id: 'sandbox', preset: 'sandbox', apiBase: 'http://127.0.0.1:4100', authorizeUrl: 'http://127.0.0.1:4100/oauth/authorize' }],
      ownSharing: () => null,
      now: T0,
    });
    expect(isFederatedCopy(federatedCopy(threadsCopy('alice'), '127.0.0.1:4100'), sandbox)).toBe(true);
    expect(isFederatedCopy(federatedCopy(threadsCopy('alice'), '127.0.0.1:4101'), sandbox)).toBe(false);
    expect(isFederatedCopy(federatedCopy(threadsCopy('alice'), 'threads.com'), world())).toBe(true);
    expect(isFederatedCopy(federatedCopy(threadsCopy('alice'), 'www.threads.net'), world())).toBe(true);
    expect(isFederatedCopy(mastodonPost('alice@mastodon.social'), world())).toBe(false);
  });
});

describe('who WebFinger is asked about', () => {
  it("is the author's handle on their profile URL's web host", () => {
    const w = world();
    expect(actorRefOf(threadsCopy('Alice', { profileUrl: 'https://www.threads.com/@Alice' }), w)).toEqual({
      kind: 'actor',
      key: 'threads.net:alice',
      origin: 'https://www.threads.com',
      domain: 'threads.com',
      username: 'Alice',
    });
    expect(actorRefOf(threadsCopy('bob', { profileUrl: 'http://127.0.0.1:4100/@bob' }), w)).toMatchObject({ key: '127.0.0.1:4100:bob', origin: 'http://127.0.0.1:4100', domain: '127.0.0.1:4100' });
  });

  it("falls back to the account's Threads server without a profile URL, and gives up on odd handles", () => {
    const w = world();
    expect(actorRefOf(threadsCopy('bob', { profileUrl: null }), w)).toMatchObject({ key: 'threads.net:bob', origin: 'https://www.threads.net', domain: 'threads.net' });
    expect(actorRefOf(threadsCopy('bob@evil.example/x', { profileUrl: null }), w)).toBeNull();
  });

  it('every fact a page may need is named up front, for one batched read', () => {
    const a = threadsCopy('alice');
    const own = threadsCopy('me', { ownerId: ME_THREADS.remoteId });
    const said = threadsCopy('bob', { sharedToFediverse: true });
    const refs = factRefsOf(entry('1', [a, federatedCopy(a)]), world())
      .concat(factRefsOf(entry('2', [own]), world()))
      .concat(factRefsOf(entry('3', [said]), world()))
      .map((ref) => `${ref.kind}|${ref.key}`);
    expect(refs).toEqual([`actor|${ALICE}`, `post|${canonicalKey(a.url)}`, `post|${canonicalKey(own.url)}`, 'actor|threads.net:bob']);
  });
});
