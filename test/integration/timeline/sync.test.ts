/**
 * The merged timeline against the seeded sandbox: both demo accounts linked through the real
 * sign-in pages, a first sync, and the cards it makes.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AccountSync, TimelinePage } from '@shared/timeline';
import { startSandbox, type Sandbox } from '../../sandbox/index.ts';
import { allEntries, linkDemoMastodon, linkDemoThreads, timelineHarness, type Harness } from './support';

let sandbox: Sandbox;
let h: Harness;
beforeAll(async () => {
  sandbox = await startSandbox({ posts: 600 });
  h = timelineHarness(sandbox);
  await linkDemoMastodon(h, sandbox);
  await linkDemoThreads(h);
  await h.core.sync.settled();
}, 60_000);
afterAll(async () => {
  h.close();
  await sandbox.stop();
});

it('syncs both accounts and shows each shared Threads post once, with both networks', async () => {
  const status = (await h.call('sync.status')) as AccountSync[];
  expect(status.map((s) => s.state)).toEqual(['idle', 'idle']);
  const entries = await allEntries(h);
  expect(entries.length).toBeGreaterThan(100);
  const cross = entries.filter((e) => e.networks.length === 2);
  expect(cross.length).toBeGreaterThan(5);
  for (const entry of cross) {
    expect(entry.rule).toBe('activitypub-id');
    expect(entry.posts[0]?.network).toBe('threads');
  }
  // No Threads post appears on two cards.
  const seen = new Map<string, string>();
  for (const entry of entries) {
    for (const post of entry.posts) {
      if (!post.uri) continue;
      expect(seen.get(post.uri) ?? entry.groupId, post.uri).toBe(entry.groupId);
      seen.set(post.uri, entry.groupId);
    }
  }
  // Newest first.
  const times = entries.map((e) => Date.parse(e.sortAt));
  expect([...times].sort((a, b) => b - a)).toEqual(times);
});

it('says the timeline is complete once every feed has as much as Braid keeps, even where the server has more', async () => {
  const small = timelineHarness(sandbox, { sync: { backfillTarget: 60 } });
  try {
    await linkDemoMastodon(small, sandbox);
    await linkDemoThreads(small);
    await small.core.sync.settled();
    const page = (await small.call('timeline.page', { limit: 10 })) as TimelinePage;
    expect(page.complete).toBe(true);
    const status = (await small.call('sync.status')) as AccountSync[];
    for (const account of status) expect(account.backfilled).toBeGreaterThanOrEqual(Math.min(60, account.backfillTarget));
  } finally {
    small.close();
  }
});

it('does not fetch a stored repost and its original again on every refresh', async () => {
  const alice = sandbox.seeded?.threadsUsers.alice;
  const bob = sandbox.seeded?.threadsUsers['bob.builds'];
  if (!alice || !bob) throw new Error('the seeded sandbox has alice and bob.builds');
  // The newest item of the following feed is a repost: each refresh (`since` its second) sees it again.
  const original = sandbox.threads.admin.createPost(bob.id, { text: 'Worth a repost, once' });
  sandbox.threads.admin.repost(alice.id, original.id);
  const originals: string[] = [];
  const counting: typeof fetch = (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (url.origin === sandbox.threads.origin && url.pathname === `/v1.0/${original.id}`) originals.push(url.pathname);
    return fetch(input, init);
  };
  const fresh = timelineHarness(sandbox, { fetch: counting, sync: { backfillTarget: 60 } });
  try {
    await linkDemoThreads(fresh);
    await fresh.core.sync.settled();
    expect(originals).toHaveLength(1);
    await fresh.call('sync.refresh');
    await fresh.call('sync.refresh');
    expect(originals).toHaveLength(1);
  } finally {
    fresh.close();
  }
});
