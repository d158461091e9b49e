/**
 * An open view follows Mastodon streaming: a reply that reaches the user's home stream is in the
 * view within seconds, long before the view's own 30 s reload, and without the timeline naming
 * the card. The core is wired as the app wires it (app.ts: sync → interactions).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { InteractionsView } from '@shared/interactions';
import { DEMO_USERNAME } from '../../sandbox/index.ts';
import { cardWith, eventually, sharedPostWithFediverseLikeAndReply, startWorld, type World } from './support';

let w: World;
beforeAll(async () => {
  w = await startWorld({ streaming: true });
  // The demo Mastodon account follows Mona, so her replies to a post it follows reach its home stream.
  w.sandbox.mastodon.admin.follow(w.mastodonDemoId, w.monaId);
  await eventually(() => expect(w.sandbox.mastodon.admin.streamSubscriptions().length).toBeGreaterThan(0));
}, 60_000);
afterAll(async () => {
  await w.close();
});

it('shows a reply that arrives over Mastodon streaming without waiting for the 30 s reload', async () => {
  const { copyId } = await sharedPostWithFediverseLikeAndReply(w, 'A post followed over streaming', 'First, before opening');
  const card = await cardWith(w, 'A post followed over streaming');
  const opened = (await w.h.call('interactions.open', { groupId: card.groupId })) as InteractionsView;
  expect(opened.groupId).toBe(card.groupId);
  const latest = (): InteractionsView | undefined => w.updates.filter((view) => view.groupId === card.groupId).at(-1);
  await eventually(() => expect(latest()?.replies.some((node) => node.posts.some((post) => post.contentHtml.includes('First, before opening')))).toBe(true));
  const before = w.updates.length;
  const started = Date.now();

  w.sandbox.mastodon.admin.createStatus(w.monaId, { text: `@${DEMO_USERNAME}@${w.sandbox.threads.host} Second, while it is open`, inReplyToId: copyId });
  await eventually(
    () => expect(latest()?.replies.some((node) => node.posts.some((post) => post.contentHtml.includes('Second, while it is open')))).toBe(true),
    15_000,
  );
  expect(w.updates.length).toBeGreaterThan(before);
  // The view's own reload is every 30 s; this came from the stream.
  expect(Date.now() - started).toBeLessThan(20_000);
  await w.h.call('interactions.close', { groupId: card.groupId });
}, 40_000);
