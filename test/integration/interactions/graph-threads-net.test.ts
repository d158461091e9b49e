/**
 * Against a Threads server without Braid's extensions (the sandbox answering like
 * graph.threads.net: "nonexisting field" for the extension fields and the `braid_*` edges), the
 * view still joins a Fediverse reply seen from both sides — by its permalink — and says what
 * Threads cannot do.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { InteractionsView } from '@shared/interactions';
import { likeGraphThreadsNet } from '../timeline/support';
import { cardWith, sharedPostWithFediverseLikeAndReply, sideOf, startWorld, type World } from './support';

let w: World;
beforeAll(async () => {
  w = await startWorld({ fetch: (sandbox) => likeGraphThreadsNet(sandbox.threads.origin) });
}, 60_000);
afterAll(async () => {
  await w.close();
});

it('asks again without the extension fields, joins the reply by permalink, and has no Threads likes API', async () => {
  await sharedPostWithFediverseLikeAndReply(w, 'Posted where the API is plain', 'A reply from afar');
  const card = await cardWith(w, 'Posted where the API is plain');
  const view = (await w.h.call('interactions.refresh', { groupId: card.groupId })) as InteractionsView;
  expect(sideOf(view, 'threads').state).toBe('ready');
  expect(sideOf(view, 'mastodon').state).toBe('ready');

  expect(view.replies).toHaveLength(1);
  const node = view.replies[0];
  expect(node?.networks).toEqual(['threads', 'mastodon']);
  // No `activitypub_id` without the extension: the permalink joined them.
  expect(node?.posts[0]?.uri).toBeNull();
  expect(Object.values(node?.sharing ?? {}).map((s) => s.post?.badge)).toEqual(['from-fediverse', 'from-fediverse']);
  expect(view.counts.replies).toEqual({ total: 1, threads: 0, fediverse: 1 });

  // No braid_likes: who liked comes from Mastodon alone, and the Threads account's like is unknown.
  expect(view.likedBy.people.map((p) => p.origin)).toEqual(['fediverse']);
  expect(view.viewer.find((v) => v.accountId === w.threadsAccount.id)?.liked).toBeNull();
  await expect(w.h.call('interactions.act', { groupId: card.groupId, accountId: w.threadsAccount.id, action: 'like' })).rejects.toMatchObject({
    code: 'action.unavailable',
    message: expect.stringContaining('This Threads server has no API for likes') as unknown,
  });
});
