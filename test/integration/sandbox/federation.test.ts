/**
 * Federation between the two sandbox servers, observed only through their public APIs, the
 * way Braid observes real servers: Threads Graph API on one side, Mastodon's REST API on the
 * other, ActivityPub deliveries between them over HTTP.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../sandbox/index.ts';
import type { ThreadsUserRef } from '../../sandbox/threads/admin.ts';

interface MastodonStatus {
  id: string;
  uri: string;
  url: string | null;
  content: string;
  in_reply_to_id: string | null;
  account: { acct: string; url: string };
  reblog: MastodonStatus | null;
}

let sandbox: Sandbox;
let alice: ThreadsUserRef;
let carol: ThreadsUserRef;
let aliceToken: string;
let monaToken: string;

async function json<T>(response: Response | Promise<Response>, status = 200): Promise<T> {
  const r = await response;
  const body = await r.text();
  expect(r.status, body).toBe(status);
  return JSON.parse(body) as T;
}

/** Publish a text post through the Graph API: container, then publish (Meta's two steps). */
async function publish(token: string, text: string, extra: Record<string, string> = {}): Promise<string> {
  const query = new URLSearchParams({ media_type: 'TEXT', text, access_token: token, ...extra });
  const container = await json<{ id: string }>(fetch(`${sandbox.threads.origin}/v1.0/me/threads?${query}`, { method: 'POST' }));
  const published = await json<{ id: string }>(
    fetch(`${sandbox.threads.origin}/v1.0/me/threads_publish?creation_id=${container.id}&access_token=${token}`, { method: 'POST' }),
  );
  return published.id;
}

async function permalinkOf(mediaId: string, token: string): Promise<string> {
  const media = await json<{ permalink: string }>(fetch(`${sandbox.threads.origin}/v1.0/${mediaId}?fields=id,permalink&access_token=${token}`));
  return media.permalink;
}

const mastodon = (path: string, init: RequestInit = {}): Promise<Response> =>
  fetch(`${sandbox.mastodon.origin}${path}`, { ...init, headers: { authorization: `Bearer ${monaToken}`, ...init.headers } });

async function monaHome(): Promise<MastodonStatus[]> {
  return json<MastodonStatus[]>(mastodon('/api/v1/timelines/home?limit=40'));
}

beforeEach(async () => {
  sandbox = await startSandbox({ seed: false });
  alice = sandbox.threads.admin.createUser({ username: 'alice', password: 'pw-alice', sharing: true, age: 30 });
  carol = sandbox.threads.admin.createUser({ username: 'carol', password: 'pw-carol', sharing: false, age: 30 });
  aliceToken = sandbox.threads.admin.createToken(alice.id);
  const mona = sandbox.mastodon.admin.createAccount({ username: 'mona', password: 'pw-mona' });
  monaToken = sandbox.mastodon.admin.createToken(mona.id, ['read', 'write', 'follow']);
  await sandbox.mastodon.admin.followRemote(mona.id, `alice@${sandbox.threads.host}`);
  await sandbox.federation.idle();
});

afterEach(async () => {
  await sandbox.stop();
});

describe('Threads → Mastodon', () => {
  it("delivers a sharing user's new post to her Mastodon followers as a remote status that points back to Threads", async () => {
    const mediaId = await publish(aliceToken, 'Hello, Fediverse! #threads');
    const permalink = await permalinkOf(mediaId, aliceToken);
    await sandbox.federation.idle();

    const copy = (await monaHome()).find((status) => status.url === permalink);
    expect(copy, 'the federated copy in the follower’s home timeline').toBeDefined();
    expect(copy?.account.acct).toBe(`alice@${sandbox.threads.host}`);
    expect(copy?.uri).toBe(`${sandbox.threads.origin}/ap/users/${alice.id}/post/${mediaId}/`);
    expect(copy?.content).toContain('Hello, Fediverse!');
    // The ActivityPub id dereferences to the Note on the Threads side.
    const note = await json<{ id: string; url: string; type: string }>(fetch(copy?.uri ?? '', { headers: { accept: 'application/activity+json' } }));
    expect(note).toMatchObject({ id: copy?.uri, url: permalink, type: 'Note' });
  });

  it("never lets a non-sharing user's post leave the Threads server", async () => {
    const carolToken = sandbox.threads.admin.createToken(carol.id);
    const mediaId = await publish(carolToken, 'Only for Threads');
    const permalink = await permalinkOf(mediaId, carolToken);
    await sandbox.federation.idle();

    expect(sandbox.federation.deliveries().filter((d) => d.type === 'Create')).toHaveLength(0);
    const search = await json<{ statuses: unknown[]; accounts: unknown[] }>(mastodon(`/api/v2/search?q=${encodeURIComponent(permalink)}&resolve=true`));
    expect(search.statuses).toHaveLength(0);
    const handle = await json<{ accounts: unknown[] }>(mastodon(`/api/v2/search?q=${encodeURIComponent(`@carol@${sandbox.threads.host}`)}&resolve=true`));
    expect(handle.accounts).toHaveLength(0);
  });

  it('finds a shared post and a sharing profile with search resolve=true', async () => {
    const mediaId = await publish(aliceToken, 'Find me by URL');
    const permalink = await permalinkOf(mediaId, aliceToken);
    const byUrl = await json<{ statuses: MastodonStatus[] }>(mastodon(`/api/v2/search?q=${encodeURIComponent(permalink)}&resolve=true&type=statuses`));
    expect(byUrl.statuses.map((s) => s.url)).toEqual([permalink]);
    const byHandle = await json<{ accounts: { acct: string }[] }>(mastodon(`/api/v2/search?q=${encodeURIComponent(`@alice@${sandbox.threads.host}`)}&resolve=true&type=accounts`));
    expect(byHandle.accounts.map((a) => a.acct)).toEqual([`alice@${sandbox.threads.host}`]);
  });

  it('threads replies under their parent on the Mastodon side', async () => {
    const rootId = await publish(aliceToken, 'A thread, part 1');
    const replyId = await publish(aliceToken, 'part 2', { reply_to_id: rootId });
    await sandbox.federation.idle();
    const home = await monaHome();
    const root = home.find((s) => s.uri.endsWith(`/post/${rootId}/`));
    const reply = home.find((s) => s.uri.endsWith(`/post/${replyId}/`));
    expect(root).toBeDefined();
    expect(reply?.in_reply_to_id).toBe(root?.id);
    const context = await json<{ descendants: MastodonStatus[] }>(mastodon(`/api/v1/statuses/${root?.id}/context`));
    expect(context.descendants.map((s) => s.id)).toContain(reply?.id);
  });

  it('waits for the configured delay before a post arrives', async () => {
    sandbox.federation.setDelay(300);
    const mediaId = await publish(aliceToken, 'Takes a moment');
    expect((await monaHome()).some((s) => s.uri.endsWith(`/post/${mediaId}/`))).toBe(false);
    await sandbox.federation.idle();
    expect((await monaHome()).some((s) => s.uri.endsWith(`/post/${mediaId}/`))).toBe(true);
  });

  it('retries a delivery the receiving server refused with 503', async () => {
    sandbox.faults.add({ server: 'mastodon', method: 'POST', path: '/inbox', times: 1, fault: { kind: 'status', status: 503 } });
    sandbox.faults.add({ server: 'mastodon', method: 'POST', path: '/users/*/inbox', times: 1, fault: { kind: 'status', status: 503 } });
    const mediaId = await publish(aliceToken, 'Eventually delivered');
    await sandbox.federation.idle();
    const create = sandbox.federation.deliveries().find((d) => d.type === 'Create');
    expect(create).toMatchObject({ ok: true, attempts: 2 });
    expect((await monaHome()).some((s) => s.uri.endsWith(`/post/${mediaId}/`))).toBe(true);
  });

  it('removes the copies from Mastodon when sharing is turned off with removal', async () => {
    const first = await publish(aliceToken, 'Shared one');
    const second = await publish(aliceToken, 'Shared two');
    await sandbox.federation.idle();
    const copies = (await monaHome()).filter((s) => s.uri.endsWith(`/post/${first}/`) || s.uri.endsWith(`/post/${second}/`));
    expect(copies).toHaveLength(2);

    sandbox.threads.admin.setSharing(alice.id, false, { removeSharedPosts: true });
    await sandbox.federation.idle();
    for (const copy of copies) expect((await mastodon(`/api/v1/statuses/${copy.id}`)).status).toBe(404);
    expect((await monaHome()).filter((s) => copies.some((c) => c.id === s.id))).toHaveLength(0);
    // And she is no longer discoverable.
    const webfinger = await fetch(`${sandbox.threads.origin}/.well-known/webfinger?resource=acct:alice@${sandbox.threads.host}`);
    expect(webfinger.status).toBe(404);
  });

  it('keeps the copies when sharing is turned off without removal, but sends nothing new', async () => {
    const before = await publish(aliceToken, 'Shared before');
    await sandbox.federation.idle();
    sandbox.threads.admin.setSharing(alice.id, false);
    const after = await publish(aliceToken, 'Not shared');
    await sandbox.federation.idle();
    const home = await monaHome();
    expect(home.some((s) => s.uri.endsWith(`/post/${before}/`))).toBe(true);
    expect(home.some((s) => s.uri.endsWith(`/post/${after}/`))).toBe(false);
  });
});

describe('Mastodon → Threads', () => {
  async function federatedCopy(text: string): Promise<{ mediaId: string; status: MastodonStatus }> {
    const mediaId = await publish(aliceToken, text);
    await sandbox.federation.idle();
    const status = (await monaHome()).find((s) => s.uri.endsWith(`/post/${mediaId}/`));
    if (!status) throw new Error('the post did not federate');
    return { mediaId, status };
  }

  const post = (path: string): Promise<Response> => mastodon(path, { method: 'POST' });

  async function insights(mediaId: string): Promise<Record<string, number>> {
    const metrics = 'likes,replies,reposts,fediverse_likes,fediverse_replies,fediverse_reposts';
    const body = await json<{ data: { name: string; values: { value: number }[] }[] }>(
      fetch(`${sandbox.threads.origin}/v1.0/${mediaId}/insights?metric=${metrics}&access_token=${aliceToken}`),
    );
    return Object.fromEntries(body.data.map((metric) => [metric.name, metric.values[0]?.value ?? -1]));
  }

  it('turns Mastodon favourites, boosts and replies into Fediverse interactions, counted apart from Threads ones', async () => {
    const { mediaId, status } = await federatedCopy('Tell me your favourite bird');
    const bob = sandbox.threads.admin.createUser({ username: 'bob', password: 'pw-bob', age: 30 });
    sandbox.threads.admin.like(bob.id, mediaId);
    await json(post(`/api/v1/statuses/${status.id}/favourite`));
    await json(post(`/api/v1/statuses/${status.id}/reblog`));
    await json(
      mastodon('/api/v1/statuses', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ status: `@alice@${sandbox.threads.host} A robin!`, in_reply_to_id: status.id }),
      }),
    );
    await sandbox.federation.idle();

    expect(await insights(mediaId)).toMatchObject({ likes: 1, fediverse_likes: 1, fediverse_reposts: 1, fediverse_replies: 1, replies: 0 });
    const likes = await json<{ data: { source: string; fediverse_author?: string; username?: string }[]; summary: Record<string, number> }>(
      fetch(`${sandbox.threads.origin}/v1.0/${mediaId}/braid_likes?access_token=${aliceToken}`),
    );
    expect(likes.summary).toMatchObject({ total_count: 2, threads_likes: 1, fediverse_likes: 1 });
    expect(likes.data).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ source: 'fediverse', fediverse_author: `mona@${sandbox.mastodon.host}` }),
        expect.objectContaining({ source: 'threads', username: 'bob' }),
      ]),
    );
    const replies = await json<{ data: { text?: string; is_from_fediverse?: boolean; fediverse_author?: string }[] }>(
      fetch(`${sandbox.threads.origin}/v1.0/${mediaId}/replies?fields=id,text,is_from_fediverse,fediverse_author&access_token=${aliceToken}`),
    );
    expect(replies.data).toEqual([expect.objectContaining({ is_from_fediverse: true, fediverse_author: `mona@${sandbox.mastodon.host}` })]);
    expect(replies.data[0]?.text).toContain('A robin!');
  });

  it('takes a Fediverse like and boost back when they are undone', async () => {
    const { mediaId, status } = await federatedCopy('Undo me');
    await json(post(`/api/v1/statuses/${status.id}/favourite`));
    await json(post(`/api/v1/statuses/${status.id}/reblog`));
    await sandbox.federation.idle();
    expect(await insights(mediaId)).toMatchObject({ fediverse_likes: 1, fediverse_reposts: 1 });
    await json(post(`/api/v1/statuses/${status.id}/unfavourite`));
    await json(post(`/api/v1/statuses/${status.id}/unreblog`));
    await sandbox.federation.idle();
    expect(await insights(mediaId)).toMatchObject({ fediverse_likes: 0, fediverse_reposts: 0 });
  });
});
