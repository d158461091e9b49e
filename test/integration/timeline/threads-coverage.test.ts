/**
 * Against a server like graph.threads.net — no following feed, no Braid extension fields —
 * the Threads part of the timeline is the user's own posts, replies and mentions, sync says
 * so, and federated copies still join their Threads post, by permalink.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AccountSync } from '@shared/timeline';
import { startSandbox, type Sandbox } from '../../sandbox/index.ts';
import { allEntries, likeGraphThreadsNet, linkDemoMastodon, linkDemoThreads, timelineHarness, type Harness } from './support';

let sandbox: Sandbox;
let h: Harness;
beforeAll(async () => {
  sandbox = await startSandbox({ posts: 600 });
  h = timelineHarness(sandbox, { fetch: likeGraphThreadsNet(sandbox.threads.origin), sync: { streaming: false } });
  await linkDemoThreads(h);
  await linkDemoMastodon(h, sandbox);
  await h.core.sync.settled();
}, 60_000);
afterAll(async () => {
  h.close();
  await sandbox.stop();
});

it("says the Threads part is the user's own posts, replies and mentions", async () => {
  const [threads] = (await h.call('sync.status')) as AccountSync[];
  expect(threads?.coverage).toBe('own-posts');
  expect(threads?.state).toBe('idle');
  const entries = await allEntries(h, 'threads');
  expect(entries.length).toBeGreaterThan(0);
  for (const entry of entries) {
    const copy = entry.posts.find((p) => p.network === 'threads');
    const own = copy?.author.handle === 'braid_demo' || entry.boostedBy.some((b) => b.author.handle === 'braid_demo');
    const mentions = copy?.contentHtml.includes('@braid_demo');
    expect(own || mentions, copy?.contentHtml).toBe(true);
  }
  expect(h.logLines.some((line) => line.includes('has no following feed'))).toBe(true);
});

it('still joins federated copies to their Threads post, by permalink', async () => {
  const cross = await allEntries(h, 'cross-posted');
  expect(cross.length).toBeGreaterThan(0);
  for (const entry of cross) {
    expect(entry.networks).toEqual(['threads', 'mastodon']);
    expect(['permalink', 'threads-post-id', 'same-author-text']).toContain(entry.rule);
    const threadsCopy = entry.posts.find((p) => p.network === 'threads');
    expect(threadsCopy?.uri).toBeNull();
  }
});
