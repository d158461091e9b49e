/**
 * Live updates: Mastodon's streaming API brings new, edited and deleted posts as they happen;
 * a Threads post reaches the timeline once, whether through federation or the Threads poll;
 * the user's own manual cross-post joins the same card.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AccountSync, TimelineEntry, TimelineUpdate } from '@shared/timeline';
import { startSandbox, type Sandbox } from '../../sandbox/index.ts';
import { allEntries, eventually, linkDemoMastodon, linkDemoThreads, timelineHarness, type Harness } from './support';

let sandbox: Sandbox;
let h: Harness;
const updates: TimelineUpdate[] = [];
beforeAll(async () => {
  sandbox = await startSandbox({ posts: 300 });
  h = timelineHarness(sandbox, { sync: { backfillTarget: 80 } });
  h.core.events.on('timeline.updated', (update) => updates.push(update));
  await linkDemoMastodon(h, sandbox);
  await linkDemoThreads(h);
  await h.core.sync.settled();
  await eventually(async () => expect(((await h.call('sync.status')) as AccountSync[])[0]?.live).toBe(true));
}, 60_000);
afterAll(async () => {
  h.close();
  await sandbox.stop();
});

const seeded = () => {
  if (!sandbox.seeded) throw new Error('seeded sandbox expected');
  return sandbox.seeded;
};
const top = async (): Promise<TimelineEntry> => ((await h.call('timeline.page', { limit: 1 })) as { entries: TimelineEntry[] }).entries[0] as TimelineEntry;

it('shows a new Mastodon post within a second, then its edit, then its deletion', async () => {
  const mona = seeded().mastodonAccounts.mona?.id as string;
  updates.length = 0;
  const started = Date.now();
  const id = sandbox.mastodon.admin.createStatus(mona, { text: 'Live from the sandbox' });
  const entry = await eventually(async () => {
    const first = await top();
    expect(first.posts[0]?.remoteId).toBe(id);
    return first;
  }, 3000);
  expect(Date.now() - started).toBeLessThan(1000);
  expect(updates.some((u) => u.newer >= 1)).toBe(true);

  sandbox.mastodon.admin.editStatus(mona, id, { text: 'Live from the sandbox, edited' });
  await eventually(async () => {
    const [changed] = (await h.call('timeline.entries', { groupIds: [entry.groupId] })) as TimelineEntry[];
    expect(changed?.posts[0]?.contentHtml).toContain('edited');
    expect(changed?.posts[0]?.editedAt).not.toBeNull();
  });
  expect(updates.some((u) => u.changedGroupIds.includes(entry.groupId))).toBe(true);

  sandbox.mastodon.admin.deleteStatus(mona, id);
  await eventually(async () => expect(await h.call('timeline.entries', { groupIds: [entry.groupId] })).toEqual([]));
  expect(updates.some((u) => u.removedGroupIds.includes(entry.groupId))).toBe(true);
});

it('keeps a federated Threads post on one card whichever copy arrives first', async () => {
  const alice = seeded().threadsUsers.alice?.id as string;
  const post = sandbox.threads.admin.createPost(alice, { text: 'A shared Threads post about braiding timelines' });
  await sandbox.federation.idle();
  // The Mastodon copy comes first, over the stream.
  const card = await eventually(async () => {
    const first = await top();
    expect(first.networks).toEqual(['mastodon']);
    expect(first.posts[0]?.contentHtml).toContain('braiding timelines');
    return first;
  }, 3000);
  // The Threads poll then brings the original, which joins the same card.
  await h.call('sync.refresh');
  const [joined] = (await h.call('timeline.entries', { groupIds: [card.groupId] })) as TimelineEntry[];
  expect(joined?.networks).toEqual(['threads', 'mastodon']);
  expect(joined?.rule).toBe('activitypub-id');
  expect(joined?.posts[0]?.remoteId).toBe(post.id);
  const matching = (await allEntries(h)).filter((e) => e.posts.some((p) => p.contentHtml.includes('braiding timelines')));
  expect(matching).toHaveLength(1);
});

it("puts the user's own manual cross-post on the Threads post's card", async () => {
  const demoThreads = seeded().threadsUsers.braid_demo?.id as string;
  const demoMastodon = seeded().mastodonAccounts.braid_demo?.id as string;
  const text = 'Posting this on both networks by hand, the old-fashioned way';
  sandbox.threads.admin.createPost(demoThreads, { text });
  await sandbox.federation.idle();
  sandbox.mastodon.admin.createStatus(demoMastodon, { text });
  await h.call('sync.refresh');
  await eventually(async () => {
    const cards = (await allEntries(h)).filter((e) => e.posts.some((p) => p.contentHtml.includes('old-fashioned')));
    expect(cards).toHaveLength(1);
    // The Threads post, its federated copy, and the hand-made Mastodon post.
    expect(cards[0]?.posts).toHaveLength(3);
    expect(cards[0]?.networks).toEqual(['threads', 'mastodon']);
  });
});

it('does not join two posts with the same text by different people', async () => {
  const mona = seeded().mastodonAccounts.mona?.id as string;
  const ned = seeded().mastodonAccounts.ned?.id as string;
  const text = 'Exactly the same words from two different people';
  sandbox.mastodon.admin.createStatus(mona, { text });
  sandbox.mastodon.admin.createStatus(ned, { text });
  await eventually(async () => {
    const cards = (await allEntries(h)).filter((e) => e.posts.some((p) => p.contentHtml.includes('two different people')));
    expect(cards).toHaveLength(2);
  });
});

it("tells Mastodon's markers API where the user stopped reading", async () => {
  const entries = await allEntries(h, 'mastodon');
  // A cross-posted card: the Mastodon copy's own time differs from the card's (federation took a moment).
  const reading = (entries.find((e) => e.networks.length === 2 && e.boostedBy.length === 0) ?? entries[5]) as TimelineEntry;
  const copy = reading.posts.find((p) => p.network === 'mastodon');
  await h.call('timeline.savePosition', { groupId: reading.groupId, sortAt: reading.sortAt, offset: 12, filter: 'mastodon' });
  expect(await h.call('timeline.position')).toEqual({ groupId: reading.groupId, sortAt: reading.sortAt, offset: 12, filter: 'mastodon' });
  const [account] = (await h.call('accounts.list')) as { id: string }[];
  const token = (await h.secrets.get(`account:${account?.id ?? ''}:token`)) as string;
  await eventually(async () => {
    const markers = (await (await fetch(`${sandbox.mastodon.origin}/api/v1/markers?timeline[]=home`, { headers: { authorization: `Bearer ${token}` } })).json()) as {
      home?: { last_read_id: string };
    };
    expect(markers.home?.last_read_id).toBe(copy?.remoteId);
  });
});
