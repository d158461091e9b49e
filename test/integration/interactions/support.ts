/**
 * The world the interactions tests share: `braid_demo` shares on Threads, its Mastodon namesake
 * and Mona follow it from the Mastodon server; a core with both demo accounts linked through the
 * real sign-in pages. Helpers make the interactions a Mastodon user adds to a shared post.
 */
import { expect } from 'vitest';
import type { InteractionsView } from '@shared/interactions';
import type { Account } from '@shared/model';
import type { TimelineEntry } from '@shared/timeline';
import { DEMO_PASSWORD, DEMO_USERNAME, startSandbox, type Sandbox } from '../../sandbox/index.ts';
import { allEntries, eventually, linkDemoMastodon, linkDemoThreads, timelineHarness, type Harness } from '../timeline/support';

export { eventually };

export interface World {
  sandbox: Sandbox;
  h: Harness;
  threadsAccount: Account;
  mastodonAccount: Account;
  /** Ids on the sandbox servers. */
  threadsDemoId: string;
  mastodonDemoId: string;
  monaId: string;
  /** Views announced with `interactions.updated`, in order. */
  updates: InteractionsView[];
  close(): Promise<void>;
}

/** `fetch`: what the core calls the servers with (e.g. the sandbox looking like graph.threads.net). */
export async function startWorld(options: { fetch?: (sandbox: Sandbox) => typeof fetch; streaming?: boolean } = {}): Promise<World> {
  const sandbox = await startSandbox({ seed: false });
  const threadsDemo = sandbox.threads.admin.createUser({ username: DEMO_USERNAME, password: DEMO_PASSWORD, sharing: true, age: 30 });
  const mastodonDemo = sandbox.mastodon.admin.createAccount({ username: DEMO_USERNAME, password: DEMO_PASSWORD, displayName: 'Braid Demo' });
  const mona = sandbox.mastodon.admin.createAccount({ username: 'mona', password: 'mona-password', displayName: 'Mona' });
  await sandbox.mastodon.admin.followRemote(mona.id, `${DEMO_USERNAME}@${sandbox.threads.host}`);
  await sandbox.mastodon.admin.followRemote(mastodonDemo.id, `${DEMO_USERNAME}@${sandbox.threads.host}`);
  await sandbox.federation.idle();
  const h = timelineHarness(sandbox, { sync: { streaming: options.streaming ?? false }, ...(options.fetch ? { fetch: options.fetch(sandbox) } : {}) });
  const updates: InteractionsView[] = [];
  h.core.events.on('interactions.updated', (view) => updates.push(view));
  const threadsAccount = await linkDemoThreads(h);
  const mastodonAccount = await linkDemoMastodon(h, sandbox);
  await h.core.sync.settled();
  return {
    sandbox,
    h,
    threadsAccount,
    mastodonAccount,
    threadsDemoId: threadsDemo.id,
    mastodonDemoId: mastodonDemo.id,
    monaId: mona.id,
    updates,
    async close() {
      h.close();
      await sandbox.stop();
    },
  };
}

/** A post by the demo user on Threads, federated; Mona favourites and answers its Mastodon copy. */
export async function sharedPostWithFediverseLikeAndReply(w: World, text: string, replyText: string): Promise<{ permalink: string; mediaId: string; copyId: string }> {
  const { sandbox } = w;
  const post = sandbox.threads.admin.createPost(w.threadsDemoId, { text });
  await sandbox.federation.idle();
  const copyId = await sandbox.mastodon.admin.resolveRemoteStatus(post.permalink);
  if (!copyId) throw new Error('the shared post did not reach the Mastodon server');
  sandbox.mastodon.admin.favourite(w.monaId, copyId);
  sandbox.mastodon.admin.createStatus(w.monaId, { text: `@${DEMO_USERNAME}@${sandbox.threads.host} ${replyText}`, inReplyToId: copyId });
  await sandbox.federation.idle();
  return { permalink: post.permalink, mediaId: post.id, copyId };
}

/** The card whose first copy contains `text`, once the sync has brought it. */
export async function cardWith(w: World, text: string): Promise<TimelineEntry> {
  return eventually(async () => {
    await w.h.call('sync.refresh');
    const card = (await allEntries(w.h)).find((entry) => entry.posts.some((post) => post.contentHtml.includes(text)));
    expect(card, `a card with "${text}"`).toBeDefined();
    return card as TimelineEntry;
  });
}

/** The latest announced view of a card once `check` passes on it. */
export function viewWhen(w: World, groupId: string, check: (view: InteractionsView) => void): Promise<InteractionsView> {
  return eventually(() => {
    const view = w.updates.filter((update) => update.groupId === groupId).at(-1);
    expect(view, 'an interactions.updated for the card').toBeDefined();
    check(view as InteractionsView);
    return view as InteractionsView;
  });
}

export function sideOf(view: InteractionsView, side: 'threads' | 'mastodon'): InteractionsView['sides'][number] {
  const state = view.sides.find((s) => s.side === side);
  if (!state) throw new Error(`no ${side} side`);
  return state;
}

/** The Graph API as a test user sees it (for checking what the server recorded). */
export async function threadsGet(w: World, path: string, userId = w.threadsDemoId): Promise<Record<string, unknown>> {
  const token = w.sandbox.threads.admin.createToken(userId);
  const response = await fetch(`${w.sandbox.threads.origin}/v1.0/${path}`, { headers: { authorization: `Bearer ${token}` } });
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}
