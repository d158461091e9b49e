/**
 * A card's interactions against the real sandbox over HTTP, through the core's dispatcher: a
 * shared Threads post that a Mastodon user favourites and answers shows one reply tree (Mona's
 * reply once, seen from both sides), counts split by origin and who liked it; a side that fails
 * keeps the other side's data; a card that is only on one network says what the other cannot do.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InteractionsView, type ActResult } from '@shared/interactions';
import type { TimelineEntry } from '@shared/timeline';
import { cardWith, eventually, sharedPostWithFediverseLikeAndReply, sideOf, startWorld, viewWhen, type World } from './support';

let w: World;
let card: TimelineEntry;
beforeAll(async () => {
  w = await startWorld();
  await sharedPostWithFediverseLikeAndReply(w, 'A shared post to talk about', 'Lovely, from Mastodon');
  card = await cardWith(w, 'A shared post to talk about');
}, 60_000);
afterAll(async () => {
  await w.close();
});

const bothReady = (view: InteractionsView): void => {
  expect(sideOf(view, 'threads').state).toBe('ready');
  expect(sideOf(view, 'mastodon').state).toBe('ready');
};

describe('a shared Threads post with a Fediverse like and reply', () => {
  it('answers at once with the card, then announces both sides as they land', async () => {
    expect(card.networks).toEqual(['threads', 'mastodon']);
    w.updates.length = 0;
    const first = (await w.h.call('interactions.open', { groupId: card.groupId })) as InteractionsView;
    expect(first.entry.groupId).toBe(card.groupId);
    expect(first.replies).toEqual([]);
    expect(first.sides.map((s) => [s.side, s.state, s.accountId])).toEqual([
      ['threads', 'loading', w.threadsAccount.id],
      ['mastodon', 'loading', w.mastodonAccount.id],
    ]);

    const view = await viewWhen(w, card.groupId, bothReady);
    // Events skip the dispatcher's output check: every announced view must still keep the contract.
    for (const update of w.updates) expect(() => InteractionsView.parse(update)).not.toThrow();
    // Progressive: the side that landed first was announced before the other was ready.
    expect(w.updates.filter((u) => u.groupId === card.groupId).length).toBeGreaterThanOrEqual(2);

    // Mona's reply is one node, seen from both sides, marked as from the Fediverse.
    expect(view.replies).toHaveLength(1);
    const node = view.replies[0];
    expect(node?.networks).toEqual(['threads', 'mastodon']);
    expect(node?.posts.every((post) => post.contentHtml.includes('Lovely, from Mastodon'))).toBe(true);
    expect(node).toMatchObject({ depth: 1, parentId: null, parentMissing: false });
    expect(Object.values(node?.sharing ?? {}).map((s) => s.post?.badge)).toEqual(['from-fediverse', 'from-fediverse']);

    // Counts split by origin, Mona's like counted once.
    expect(view.counts.likes).toEqual({ total: 1, threads: 0, fediverse: 1 });
    expect(view.counts.replies).toEqual({ total: 1, threads: 0, fediverse: 1 });
    expect(view.counts.reposts).toEqual({ total: 0, threads: 0, fediverse: 0 });
    expect(view.likedBy.people).toHaveLength(1);
    expect(view.likedBy.people[0]).toMatchObject({ origin: 'fediverse', author: { handle: `mona@${w.sandbox.mastodon.host}`, displayName: 'Mona' } });

    // Neither of the user's accounts has liked it yet; both could.
    expect(view.viewer).toEqual(
      expect.arrayContaining([
        { accountId: w.threadsAccount.id, liked: false, reposted: false, unavailable: null },
        { accountId: w.mastodonAccount.id, liked: false, reposted: false, unavailable: null },
      ]),
    );
    await w.h.call('interactions.close', { groupId: card.groupId });
  });

  it('keeps the Mastodon side when the Threads side fails, and the other way round', async () => {
    const threadsFault = w.sandbox.faults.add({ server: 'threads', path: '/v1.0/*/conversation', fault: { kind: 'status', status: 500 } });
    let view = (await w.h.call('interactions.refresh', { groupId: card.groupId })) as InteractionsView;
    w.sandbox.faults.remove(threadsFault.id);
    expect(sideOf(view, 'threads')).toMatchObject({ state: 'failed', message: expect.stringContaining('having trouble (HTTP 500)') as unknown });
    expect(sideOf(view, 'mastodon').state).toBe('ready');
    expect(view.replies.map((n) => n.networks)).toEqual([['mastodon']]);
    expect(view.likedBy.people.map((p) => p.origin)).toEqual(['fediverse']);

    const mastodonFault = w.sandbox.faults.add({ server: 'mastodon', path: '/api/v1/statuses/*/context', fault: { kind: 'status', status: 503 } });
    view = (await w.h.call('interactions.refresh', { groupId: card.groupId })) as InteractionsView;
    w.sandbox.faults.remove(mastodonFault.id);
    expect(sideOf(view, 'mastodon')).toMatchObject({ state: 'failed', message: expect.stringContaining('503') as unknown });
    expect(sideOf(view, 'threads').state).toBe('ready');
    expect(view.replies.map((n) => n.networks)).toEqual([['threads']]);
    expect(view.counts.likes).toEqual({ total: 1, threads: 0, fediverse: 1 });
  });

  it('likes, reposts and undoes both from the Threads account through the extension and the Graph API', async () => {
    const like = (await w.h.call('interactions.act', { groupId: card.groupId, accountId: w.threadsAccount.id, action: 'like' })) as ActResult;
    expect(like.viewer).toMatchObject({ accountId: w.threadsAccount.id, liked: true, unavailable: null });
    expect(like.counts.likes).toEqual({ total: 2, threads: 1, fediverse: 1 });

    const repost = (await w.h.call('interactions.act', { groupId: card.groupId, accountId: w.threadsAccount.id, action: 'repost' })) as ActResult;
    expect(repost.viewer).toMatchObject({ liked: true, reposted: true });
    expect(repost.counts.reposts.threads).toBe(1);

    const unrepost = (await w.h.call('interactions.act', { groupId: card.groupId, accountId: w.threadsAccount.id, action: 'unrepost' })) as ActResult;
    expect(unrepost.viewer.reposted).toBe(false);
    expect(unrepost.counts.reposts.threads).toBe(0);
    const unlike = (await w.h.call('interactions.act', { groupId: card.groupId, accountId: w.threadsAccount.id, action: 'unlike' })) as ActResult;
    expect(unlike.viewer.liked).toBe(false);
    expect(unlike.counts.likes).toEqual({ total: 1, threads: 0, fediverse: 1 });
  });

  it('announces the new state to an open view after acting', async () => {
    await w.h.call('interactions.open', { groupId: card.groupId });
    await viewWhen(w, card.groupId, bothReady);
    w.updates.length = 0;
    await w.h.call('interactions.act', { groupId: card.groupId, accountId: w.mastodonAccount.id, action: 'repost' });
    const view = await viewWhen(w, card.groupId, (v) => expect(v.viewer.find((s) => s.accountId === w.mastodonAccount.id)?.reposted).toBe(true));
    expect(view.counts.reposts.fediverse).toBe(1);
    expect(view.repostedBy.people.map((p) => p.author.handle)).toEqual([`braid_demo@${w.sandbox.mastodon.host}`]);
    await w.h.call('interactions.act', { groupId: card.groupId, accountId: w.mastodonAccount.id, action: 'unrepost' });
    await w.h.call('interactions.close', { groupId: card.groupId });
  });
});

describe('cards on one network', () => {
  it('has a Mastodon-only card’s Threads side unavailable, and refuses to act on it from Threads', async () => {
    const { admin } = w.sandbox.mastodon;
    admin.follow(w.mastodonDemoId, w.monaId);
    admin.createStatus(w.monaId, { text: 'Only on Mastodon, this one' });
    const only = await cardWith(w, 'Only on Mastodon, this one');
    expect(only.networks).toEqual(['mastodon']);
    const view = (await w.h.call('interactions.refresh', { groupId: only.groupId })) as InteractionsView;
    expect(sideOf(view, 'threads')).toMatchObject({ state: 'unavailable', message: 'This post is not on Threads.' });
    expect(sideOf(view, 'mastodon').state).toBe('ready');
    expect(view.viewer.find((v) => v.accountId === w.threadsAccount.id)?.unavailable).toBe('Threads cannot act on posts that are not on Threads.');
    await expect(w.h.call('interactions.act', { groupId: only.groupId, accountId: w.threadsAccount.id, action: 'like' })).rejects.toMatchObject({
      code: 'action.unavailable',
    });
  });

  it('says an unknown card is unknown', async () => {
    await expect(w.h.call('interactions.open', { groupId: '999999' })).rejects.toMatchObject({ code: 'post.unknown' });
  });
});

describe('acting from the Mastodon account on a Threads-only card', () => {
  it('finds the federated copy by the permalink and favourites it there', async () => {
    // Someone the demo user follows on Threads whom nobody on the Mastodon server follows.
    const { admin } = w.sandbox.threads;
    const zoe = admin.createUser({ username: 'zoe.solo', password: 'zoe-password', sharing: true, age: 30 });
    admin.follow(w.threadsDemoId, zoe.id);
    const post = admin.createPost(zoe.id, { text: 'Nobody on Mastodon follows me yet' });
    const only = await cardWith(w, 'Nobody on Mastodon follows me yet');
    expect(only.networks).toEqual(['threads']);

    const result = (await w.h.call('interactions.act', { groupId: only.groupId, accountId: w.mastodonAccount.id, action: 'like' })) as ActResult;
    expect(result.viewer).toMatchObject({ accountId: w.mastodonAccount.id, liked: true, unavailable: null });
    expect(result.counts.likes.fediverse).toBe(1);

    // The Mastodon server has the favourite, and it reached Threads as a Fediverse like.
    const copyId = await w.sandbox.mastodon.admin.resolveRemoteStatus(post.permalink);
    const favouritedBy = (await (await fetch(`${w.sandbox.mastodon.origin}/api/v1/statuses/${copyId ?? ''}/favourited_by`)).json()) as { acct: string }[];
    expect(favouritedBy.map((a) => a.acct)).toEqual(['braid_demo']);
    await w.sandbox.federation.idle();
    await eventually(async () => {
      const view = (await w.h.call('interactions.refresh', { groupId: only.groupId })) as InteractionsView;
      expect(sideOf(view, 'mastodon').state).toBe('ready');
      expect(view.likedBy.people.map((p) => [p.origin, p.author.handle])).toEqual([['fediverse', `braid_demo@${w.sandbox.mastodon.host}`]]);
    });
  });
});
