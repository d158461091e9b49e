import { describe, expect, it } from 'vitest';
import { CROSS_POST_WINDOW_MS, findCrossPost, MIN_LINK_TEXT_LENGTH, type LinkSubject } from '../../../../electron/core/timeline/link';
import { normalizeMastodonStatus } from '../../../../electron/core/timeline/normalize-mastodon';
import { normalizeThreadsMedia } from '../../../../electron/core/timeline/normalize-threads';
import { selfKeyOf } from '../../../../electron/core/timeline/people';
import type { FeedItem, LinkCandidate, LinkLookup, NormalizeContext } from '../../../../electron/core/timeline/types';
import { mastodonAccount, mastodonCtx, mastodonStatus, threadsCtx, threadsMedia } from './fixtures';

/** The store's look-ups over an array, counting calls so tests can see which rules ran. */
function memoryLookup(stored: readonly LinkCandidate[]): LinkLookup & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    byUriOrUrl(keys) {
      calls.push('byUriOrUrl');
      return stored.filter((c) => (c.link.uriKey !== null && keys.includes(c.link.uriKey)) || (c.link.urlKey !== null && keys.includes(c.link.urlKey)));
    },
    byThreadsPostId(id) {
      calls.push('byThreadsPostId');
      return stored.filter((c) => c.link.threadsPostId === id);
    },
    byPersonBetween(personKey, fromMs, toMs, _text) {
      calls.push('byPersonBetween');
      return stored.filter((c) => c.link.personKey === personKey && c.createdAtMs >= fromMs && c.createdAtMs <= toMs);
    },
  };
}

function subjectOf(item: FeedItem, ctx: NormalizeContext): LinkSubject {
  const { post, link } = item.post;
  return { postId: post.id, network: post.network, server: ctx.server, link, createdAtMs: Date.parse(post.createdAt) };
}

function stored(item: FeedItem, ctx: NormalizeContext, groupId = `g-${item.post.post.id}`): LinkCandidate {
  return { ...subjectOf(item, ctx), groupId, remoteId: item.post.post.remoteId };
}

const T0 = Date.parse('2026-11-02T10:00:00Z');
const at = (ms: number): string => new Date(ms).toISOString();
const metaAt = (ms: number): string => at(ms).replace(/\.\d{3}Z$/, '+0000');

const tCtx = threadsCtx();
const mCtx = mastodonCtx();
const aliceOnMastodon = mastodonAccount({ id: '110', username: 'alice', acct: 'alice@threads.net', url: 'https://www.threads.net/@alice', fields: [] });

/** Alice's Threads post, as her own Threads account sees it. */
const threadsPost = (overrides: Record<string, unknown> = {}): FeedItem => normalizeThreadsMedia(threadsMedia(overrides), tCtx);
/** The copy of it that federated to the user's Mastodon account. */
const federatedCopy = (overrides: Record<string, unknown> = {}, ctx = mCtx): FeedItem =>
  normalizeMastodonStatus(
    mastodonStatus({
      id: '113500000000000001',
      account: aliceOnMastodon,
      uri: 'https://threads.net/ap/users/17841400000000001/post/18028743095012345/',
      url: 'https://www.threads.net/@alice/post/C0dExAmPlE1',
      content: '<p>Morning walk by the river</p>',
      createdAt: '2026-11-02T10:00:01.000Z',
      ...overrides,
    }),
    ctx,
  );

describe('findCrossPost', () => {
  it('exports its defaults', () => {
    expect(CROSS_POST_WINDOW_MS).toBe(600_000);
    expect(MIN_LINK_TEXT_LENGTH).toBe(8);
  });

  describe('activitypub-id', () => {
    it('links a federated copy to the Threads post with the same ActivityPub id, in both orders', () => {
      const original = threadsPost();
      const copy = federatedCopy();
      expect(findCrossPost(subjectOf(copy, mCtx), memoryLookup([stored(original, tCtx, 'g1')]))).toEqual({ groupId: 'g1', rule: 'activitypub-id', postId: 'acc-threads:18028743095012345' });
      expect(findCrossPost(subjectOf(original, tCtx), memoryLookup([stored(copy, mCtx, 'g2')]))).toEqual({ groupId: 'g2', rule: 'activitypub-id', postId: 'acc-masto:113500000000000001' });
    });

    it('links the same remote status seen through two Mastodon accounts on different servers', () => {
      const secondCtx = mastodonCtx({ accountId: 'acc-masto-2', server: 'https://hachyderm.io' });
      const seenHere = normalizeMastodonStatus(mastodonStatus(), mCtx);
      const seenThere = normalizeMastodonStatus(mastodonStatus({ id: '999', url: 'https://fosstodon.org/@bob/113456789000000001/' }), secondCtx);
      expect(findCrossPost(subjectOf(seenThere, secondCtx), memoryLookup([stored(seenHere, mCtx, 'g1')]))).toMatchObject({ groupId: 'g1', rule: 'activitypub-id' });
    });

    it('never matches a post with itself', () => {
      const copy = federatedCopy();
      expect(findCrossPost(subjectOf(copy, mCtx), memoryLookup([stored(copy, mCtx)]))).toBeNull();
    });
  });

  describe('permalink', () => {
    it('links a Mastodon url to the Threads permalink across www/no-www and http/https', () => {
      // graph.threads.net has no activitypub_id: only the permalink ties them.
      const original = threadsPost({ activitypub_id: undefined, permalink: 'https://www.threads.net/@alice/post/C0dExAmPlE1?xmt=AQGz' });
      const copy = federatedCopy({ url: 'http://threads.net/@alice/post/C0dExAmPlE1/', uri: 'https://threads.net/ap/users/alice/post/C0dExAmPlE1' });
      const lookup = memoryLookup([stored(original, tCtx, 'g1')]);
      expect(findCrossPost(subjectOf(copy, mCtx), lookup)).toEqual({ groupId: 'g1', rule: 'permalink', postId: 'acc-threads:18028743095012345' });
      expect(lookup.calls).toEqual(['byUriOrUrl']);
      expect(findCrossPost(subjectOf(original, tCtx), memoryLookup([stored(copy, mCtx, 'g2')]))).toMatchObject({ groupId: 'g2', rule: 'permalink' });
    });

    it("links a copy whose url is the other copy's ActivityPub id, whichever came first", () => {
      const original = threadsPost({ permalink: undefined });
      const copy = federatedCopy({ uri: 'https://mirror.example/objects/1', url: 'https://threads.net/ap/users/17841400000000001/post/18028743095012345/' });
      expect(findCrossPost(subjectOf(copy, mCtx), memoryLookup([stored(original, tCtx, 'g1')]))).toMatchObject({ groupId: 'g1', rule: 'permalink' });
      expect(findCrossPost(subjectOf(original, tCtx), memoryLookup([stored(copy, mCtx, 'g2')]))).toMatchObject({ groupId: 'g2', rule: 'permalink' });
    });

    it('does not link different posts of one author whose URLs only share a prefix', () => {
      const original = threadsPost({ activitypub_id: undefined });
      const copy = federatedCopy({ url: 'https://www.threads.net/@alice/post/C0dExAmPlE2', uri: 'https://threads.net/ap/users/alice/post/other', content: '<p>Something else entirely</p>' });
      expect(findCrossPost(subjectOf(copy, mCtx), memoryLookup([stored(original, tCtx)]))).toBeNull();
    });
  });

  describe('threads-post-id', () => {
    // A Threads post known only by id (no permalink, no AP id asked for) and a copy whose AP id
    // ends in that id.
    const copyOfBare = (): FeedItem => federatedCopy({ url: null, content: '<p>First post from the new phone, edited</p>' });
    const bareCtx = tCtx;
    const bareItem = (): FeedItem => normalizeThreadsMedia(threadsMedia({ permalink: undefined, activitypub_id: undefined, text: 'First post from the new phone' }), bareCtx);

    it('reads the Threads id from the copy’s ActivityPub id, in both orders', () => {
      const original = bareItem();
      const copy = copyOfBare();
      expect(copy.post.link.threadsPostId).toBe('18028743095012345');
      const lookup = memoryLookup([stored(original, bareCtx, 'g1')]);
      expect(findCrossPost(subjectOf(copy, mCtx), lookup)).toEqual({ groupId: 'g1', rule: 'threads-post-id', postId: 'acc-threads:18028743095012345' });
      expect(findCrossPost(subjectOf(original, bareCtx), memoryLookup([stored(copy, mCtx, 'g2')]))).toMatchObject({ groupId: 'g2', rule: 'threads-post-id' });
    });

    it('does not link a copy to a Threads post with that id by someone else', () => {
      const bobsPost = normalizeThreadsMedia(threadsMedia({ permalink: undefined, activitypub_id: undefined, username: 'bob', owner: { id: '2' } }), bareCtx);
      expect(findCrossPost(subjectOf(copyOfBare(), mCtx), memoryLookup([stored(bobsPost, bareCtx)]))).toBeNull();
    });

    it('does not read Threads ids from accounts on other servers', () => {
      const lookalike = normalizeMastodonStatus(mastodonStatus({ uri: 'https://blog.example/ap/users/1/post/18028743095012345/', url: null, content: '<p>x</p>' }), mCtx);
      expect(lookalike.post.link.threadsPostId).toBeNull();
      expect(findCrossPost(subjectOf(lookalike, mCtx), memoryLookup([stored(bareItem(), bareCtx)]))).toBeNull();
    });
  });

  describe('same-author-text', () => {
    // The user, linked on both networks, pastes the same words into both apps.
    const selfKeys = new Set([selfKeyOf({ network: 'threads', handle: 'me', server: 'https://graph.threads.net' }, 'www.threads.net'), selfKeyOf({ network: 'mastodon', handle: 'me@mastodon.social', server: 'https://mastodon.social' })]);
    const myT = threadsCtx({ selfKeys });
    const myM = mastodonCtx({ selfKeys });
    const me = mastodonAccount({ id: '1', username: 'me', acct: 'me', url: 'https://mastodon.social/@me', fields: [] });
    const onThreads = (ms: number, text = 'Shipping Braid 0.2 today, thank you all!', id = '18000000000000001'): FeedItem =>
      normalizeThreadsMedia(threadsMedia({ id, username: 'me', owner: { id: '17841400000000042' }, text, timestamp: metaAt(ms), permalink: `https://www.threads.net/@me/post/${id}`, activitypub_id: null }), myT);
    const onMastodon = (ms: number, text = 'Shipping Braid 0.2 today, thank you all!', id = '113600000000000001'): FeedItem =>
      normalizeMastodonStatus(
        mastodonStatus({ id, account: me, createdAt: at(ms), uri: `https://mastodon.social/users/me/statuses/${id}`, url: `https://mastodon.social/@me/${id}`, content: `<p>${text}</p>` }),
        myM,
      );

    it("links the user's own posts across networks within the window", () => {
      const threads = onThreads(T0);
      const mastodon = onMastodon(T0 + 3 * 60_000);
      expect(mastodon.post.link.personKey).toBe('self');
      expect(threads.post.link.personKey).toBe('self');
      expect(findCrossPost(subjectOf(mastodon, myM), memoryLookup([stored(threads, myT, 'g1')]))).toEqual({ groupId: 'g1', rule: 'same-author-text', postId: threads.post.post.id });
      expect(findCrossPost(subjectOf(threads, myT), memoryLookup([stored(mastodon, myM, 'g2')]))).toMatchObject({ groupId: 'g2', rule: 'same-author-text' });
    });

    it('does not link them outside the window, and honours a custom window', () => {
      const threads = onThreads(T0);
      const late = onMastodon(T0 + CROSS_POST_WINDOW_MS + 1);
      expect(findCrossPost(subjectOf(late, myM), memoryLookup([stored(threads, myT)]))).toBeNull();
      expect(findCrossPost(subjectOf(onMastodon(T0 + CROSS_POST_WINDOW_MS), myM), memoryLookup([stored(threads, myT)]))).not.toBeNull();
      expect(findCrossPost(subjectOf(onMastodon(T0 + 90_000), myM), memoryLookup([stored(threads, myT)]), { windowMs: 60_000 })).toBeNull();
    });

    it('does not link two different people who wrote the same words', () => {
      const alice = threadsPost({ text: 'Happy new year everyone!', timestamp: metaAt(T0) });
      const bob = normalizeMastodonStatus(mastodonStatus({ content: '<p>Happy new year everyone!</p>', createdAt: at(T0 + 1000) }), mCtx);
      expect(findCrossPost(subjectOf(bob, mCtx), memoryLookup([stored(alice, tCtx)]))).toBeNull();
      // Even when the store's index is sloppy and hands over someone else's post.
      const sloppy: LinkLookup = { byUriOrUrl: () => [], byThreadsPostId: () => [], byPersonBetween: () => [stored(alice, tCtx)] };
      expect(findCrossPost(subjectOf(bob, mCtx), sloppy)).toBeNull();
    });

    it('does not link short texts', () => {
      for (const text of ['yes', 'lol 😂', 'same!!']) {
        const threads = onThreads(T0, text);
        expect([...threads.post.link.text].length).toBeLessThan(MIN_LINK_TEXT_LENGTH);
        expect(findCrossPost(subjectOf(onMastodon(T0 + 1000, text), myM), memoryLookup([stored(threads, myT)])), text).toBeNull();
      }
      expect(findCrossPost(subjectOf(onMastodon(T0 + 1000, ''), myM), memoryLookup([stored(onThreads(T0, ''), myT)]))).toBeNull();
    });

    it('does not link different texts, or two posts by one account on one server', () => {
      expect(findCrossPost(subjectOf(onMastodon(T0 + 1000, 'Shipping Braid 0.3 today!'), myM), memoryLookup([stored(onThreads(T0), myT)]))).toBeNull();
      const first = onMastodon(T0, 'Good morning, Fediverse!', '1');
      const again = onMastodon(T0 + 60_000, 'Good morning, Fediverse!', '2');
      expect(findCrossPost(subjectOf(again, myM), memoryLookup([stored(first, myM)]))).toBeNull();
    });

    it('links posts of a person seen on Threads and through a verified Mastodon account', () => {
      const fields = [{ name: 'Threads', value: '<a href="https://www.threads.net/@alice" rel="me">threads.net/@alice</a>', verifiedAt: '2026-01-01T00:00:00Z' }];
      const ally = normalizeMastodonStatus(mastodonStatus({ account: mastodonAccount({ acct: 'ally@mastodon.social', fields }), content: '<p>Morning walk by the river</p>', createdAt: at(T0 + 120_000) }), mCtx);
      expect(findCrossPost(subjectOf(ally, mCtx), memoryLookup([stored(threadsPost(), tCtx, 'g1')]))).toMatchObject({ groupId: 'g1', rule: 'same-author-text' });
    });

    it('picks the copy closest in time when several match', () => {
      const candidates = [stored(onThreads(T0 - 8 * 60_000, undefined, '1'), myT, 'far'), stored(onThreads(T0 + 60_000, undefined, '2'), myT, 'near'), stored(onThreads(T0 - 4 * 60_000, undefined, '3'), myT, 'middle')];
      expect(findCrossPost(subjectOf(onMastodon(T0), myM), memoryLookup(candidates))).toMatchObject({ groupId: 'near' });
    });

    it('does not link the federated copy of one Threads post to another Threads post with the same text', () => {
      const earlier = threadsPost({ id: '18000000000000777', activitypub_id: 'https://threads.net/ap/users/17841400000000001/post/18000000000000777/', permalink: 'https://www.threads.net/@alice/post/Earlier', timestamp: metaAt(T0 - 60_000) });
      const copyOfLater = federatedCopy({ createdAt: at(T0) });
      expect(findCrossPost(subjectOf(copyOfLater, mCtx), memoryLookup([stored(earlier, tCtx)]))).toBeNull();
    });

    it('prefers a stronger rule over text when both match', () => {
      const original = threadsPost();
      const sameText = stored(threadsPost({ id: '18000000000000888', activitypub_id: null, permalink: 'https://www.threads.net/@alice/post/Other', timestamp: metaAt(T0 + 1000) }), tCtx, 'text-group');
      expect(findCrossPost(subjectOf(federatedCopy(), mCtx), memoryLookup([sameText, stored(original, tCtx, 'ap-group')]))).toMatchObject({ groupId: 'ap-group', rule: 'activitypub-id' });
    });
  });
});
