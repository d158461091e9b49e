/**
 * The user's own Threads account's Fediverse sharing, end to end against the sandbox over HTTP:
 * - api mode (the sandbox has Braid's sharing extension): carol (off, eligible) is checked,
 *   turned on — the sandbox's WebFinger then finds her and a new post of hers is shared — and
 *   turned off asking other servers to remove her posts, which Braid's stored copy follows;
 *   dan_private (private) is ineligible, with the fix, and turning sharing on is refused.
 * - guided mode (the same sandbox made to answer like graph.threads.net): grace is checked by
 *   WebFinger, turning sharing on points to Threads' settings, and `verify` sees the change made
 *   on the server (the sandbox admin playing Threads' settings page).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Account } from '@shared/model';
import type { SharingSettingsPage, SharingState, SharingVerification } from '@shared/sharing';
import type { TimelineUpdate } from '@shared/timeline';
import { passwordFor, startSandbox, type Sandbox } from '../../sandbox/index.ts';
import { allEntries, eventually, likeGraphThreadsNet, linkDemoThreads, timelineHarness, type Harness } from '../timeline/support';

const signIn = (username: string) => ({ username, password: passwordFor(username) });

/** What the sandbox's WebFinger says about a user right now. */
async function webFingerStatus(sandbox: Sandbox, username: string): Promise<number> {
  const url = new URL('/.well-known/webfinger', sandbox.threads.origin);
  url.searchParams.set('resource', `acct:${username}@${sandbox.threads.host}`);
  const response = await fetch(url);
  await response.body?.cancel();
  return response.status;
}

async function failure(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason as { code: string; message: string },
  );
  if (!error) throw new Error('expected the call to fail');
  return error;
}

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ posts: 120 });
}, 60_000);
afterAll(async () => {
  await sandbox.stop();
});

describe('api mode: the sandbox with the sharing extension', () => {
  let h: Harness;
  let carol: Account;
  let dan: Account;
  beforeAll(async () => {
    h = timelineHarness(sandbox, { sync: { streaming: false, backfillTarget: 50 } });
    carol = await linkDemoThreads(h, signIn('carol'));
    dan = await linkDemoThreads(h, signIn('dan_private'));
    await h.core.sync.settled();
    await h.core.sharing.settled();
  }, 60_000);
  afterAll(() => h.close());

  it("checks carol: off, both requirements met, in the server's own words", async () => {
    const state = (await h.call('sharing.check', { accountId: carol.id })) as SharingState;
    expect(state).toMatchObject({ mode: 'api', status: 'disabled', fediverseHandle: `@carol@${sandbox.threads.host}`, actorId: null, problem: null });
    expect(state.requirements.map((r) => [r.id, r.met])).toEqual([['public-profile', true], ['age-18', true]]);
    expect(state.how).toContain(`${sandbox.threads.host}'s sharing settings`);
    expect(await webFingerStatus(sandbox, 'carol')).toBe(404);
  });

  it('turns carol on: the sandbox shares her profile and a new post of hers', async () => {
    const state = (await h.call('sharing.enable', { accountId: carol.id, acceptWarnings: true })) as SharingState;
    expect(state).toMatchObject({ status: 'enabled', mode: 'api' });
    expect(state.actorId).toMatch(/\/ap\/users\/\d+\/$/);
    expect(await webFingerStatus(sandbox, 'carol')).toBe(200);
    const verified = (await h.call('sharing.verify', { accountId: carol.id, expect: 'enabled' })) as SharingVerification;
    expect(verified.confirmed).toBe(true);
    expect(verified.message).toBe(`Braid looked up @carol@${sandbox.threads.host} by WebFinger and found it: your profile is on the Fediverse.`);
    await h.core.sharing.settled();
    const listed = (await h.call('sharing.list')) as SharingState[];
    expect(listed.find((s) => s.accountId === carol.id)?.status).toBe('enabled');
  });

  it("turns carol off asking for removal: WebFinger stops finding her, and Braid's copy of her post is no longer shared", async () => {
    const carolUser = sandbox.threads.admin.findUser('carol');
    if (!carolUser) throw new Error('carol is not seeded');
    const post = sandbox.threads.admin.createPost(carolUser.id, { text: 'Hello, Fediverse, from Braid' });
    expect(post.activityPubId).toBeDefined();
    await h.call('sync.refresh');
    const sharedCopy = async () => (await allEntries(h, 'threads')).flatMap((e) => e.posts.map((p) => ({ groupId: e.groupId, p }))).find(({ p }) => p.remoteId === post.id);
    const before = await eventually(async () => {
      const found = await sharedCopy();
      expect(found?.p.sharedToFediverse).toBe(true);
      return found;
    });

    const emittedBefore = h.emitted.length;
    const state = (await h.call('sharing.disable', { accountId: carol.id, removeSharedPosts: true })) as SharingState;
    expect(state).toMatchObject({ status: 'disabled', actorId: null });
    expect(await webFingerStatus(sandbox, 'carol')).toBe(404);
    await h.core.sharing.settled();
    expect((await sharedCopy())?.p.sharedToFediverse).toBe(false);
    const redrawn = h.emitted
      .slice(emittedBefore)
      .filter((e): e is { name: string; payload: TimelineUpdate } => (e as { name?: string }).name === 'timeline.updated')
      .flatMap((e) => e.payload.changedGroupIds);
    expect(redrawn).toContain(before?.groupId);
  });

  it('shows dan_private as ineligible with the fix, and refuses to turn him on', async () => {
    const state = (await h.call('sharing.check', { accountId: dan.id })) as SharingState;
    expect(state.status).toBe('ineligible');
    const [profile, age] = state.requirements;
    expect(profile).toMatchObject({ id: 'public-profile', met: false });
    expect(profile?.detail).toContain('Settings → Privacy → Private profile off');
    expect(age).toMatchObject({ id: 'age-18', met: true });
    const error = await failure(h.call('sharing.enable', { accountId: dan.id, acceptWarnings: true }));
    expect(error.code).toBe('sharing.ineligible');
    expect(error.message).toContain('a public profile');
    expect(error.message).toContain('Private profile off');
  });

  it('refuses to turn sharing on without the acknowledgement', async () => {
    const error = await failure(h.call('sharing.enable', { accountId: carol.id, acceptWarnings: false }));
    expect(error.code).toBe('input.invalid');
    expect(await webFingerStatus(sandbox, 'carol')).toBe(404);
  });

  it('never lets a token out in logs, events or answers', () => {
    const tokens = h.secretsWritten.filter((value) => value.length > 8);
    expect(tokens.length).toBeGreaterThan(0);
    const everything = `${h.logLines.join('\n')}\n${JSON.stringify(h.emitted)}`;
    for (const token of tokens) expect(everything).not.toContain(token);
  });
});

describe('guided mode: the sandbox answering like graph.threads.net', () => {
  let h: Harness;
  let grace: Account;
  beforeAll(async () => {
    h = timelineHarness(sandbox, { fetch: likeGraphThreadsNet(sandbox.threads.origin, { extensionFields: 'allowed' }), sync: false });
    grace = await linkDemoThreads(h, signIn('grace'));
    await h.core.sharing.settled();
  }, 60_000);
  afterAll(() => h.close());

  it('checks grace by WebFinger and was already checked once in the background', async () => {
    const listed = (await h.call('sharing.list')) as SharingState[];
    expect(listed.find((s) => s.accountId === grace.id)).toMatchObject({ mode: 'guided', status: 'disabled' });
    const state = (await h.call('sharing.check', { accountId: grace.id })) as SharingState;
    expect(state).toMatchObject({ mode: 'guided', status: 'disabled', settingsUrl: `${sandbox.threads.origin}/settings/account/fediverse` });
    expect(state.how).toContain(`WebFinger for @grace@${sandbox.threads.host} answered not found`);
    expect(state.requirements.every((r) => r.met === null)).toBe(true);
  });

  it("points to Threads' settings page instead of changing sharing itself", async () => {
    const error = await failure(h.call('sharing.enable', { accountId: grace.id, acceptWarnings: true }));
    expect(error.code).toBe('sharing.guided-only');
    const page = (await h.call('sharing.openSettings', { accountId: grace.id })) as SharingSettingsPage;
    expect(page).toEqual({ url: `${sandbox.threads.origin}/settings/account/fediverse`, openedExternally: false });
  });

  it('verifies the change the user made on the server, both ways', async () => {
    const graceUser = sandbox.threads.admin.findUser('grace');
    if (!graceUser) throw new Error('grace is not seeded');
    const handle = `@grace@${sandbox.threads.host}`;

    const early = (await h.call('sharing.verify', { accountId: grace.id, expect: 'enabled' })) as SharingVerification;
    expect(early.confirmed).toBe(false);
    expect(early.message).toBe(`Braid looked up ${handle} by WebFinger and did not find it: sharing looks off.`);

    sandbox.threads.admin.setSharing(graceUser.id, true);
    const on = (await h.call('sharing.verify', { accountId: grace.id, expect: 'enabled' })) as SharingVerification;
    expect(on.confirmed).toBe(true);
    expect(on.state).toMatchObject({ mode: 'guided', status: 'enabled', actorId: graceUser.actorId });
    const changed = h.emitted.filter((e) => (e as { name?: string }).name === 'sharing.changed').at(-1) as { payload: SharingState[] } | undefined;
    expect(changed?.payload.find((s) => s.accountId === grace.id)?.status).toBe('enabled');

    sandbox.threads.admin.setSharing(graceUser.id, false);
    const off = (await h.call('sharing.verify', { accountId: grace.id, expect: 'disabled' })) as SharingVerification;
    expect(off.confirmed).toBe(true);
    expect(off.state.status).toBe('disabled');
    expect(off.message).toBe(`Braid looked up ${handle} by WebFinger and did not find it: sharing looks off.`);
  });
});
