/**
 * Braid's extensions on the Threads-like server and its federation surface: the following feed,
 * Fediverse sharing state, WebFinger / actor / Note visibility, and the inboxes (Follow → Accept,
 * Fediverse likes and replies with their extension fields and split counts, Delete on removal).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { form, startFakeFediverse, startTestThreads, type FakeFediverse, type TestThreads } from '../../sandbox/threads/test-support.ts';

let t: TestThreads;
let fedi: FakeFediverse;

beforeAll(async () => {
  t = await startTestThreads();
  fedi = await startFakeFediverse();
});
afterAll(async () => {
  await t.stop();
  await fedi.close();
});

async function body(response: Response | Promise<Response>): Promise<Record<string, unknown>> {
  return (await (await response).json()) as Record<string, unknown>;
}

function inboxPost(path: string, activity: Record<string, unknown>): Promise<Response> {
  return fetch(`${t.server.origin}${path}`, { method: 'POST', headers: { 'content-type': 'application/activity+json' }, body: JSON.stringify(activity) });
}

describe('following feed (extension)', () => {
  it('merges the posts and reposts of followed people, newest first, cursor paged', async () => {
    const { admin } = t.server;
    const reader = admin.createUser({ username: 'reader', password: 'pw' });
    const a = admin.createUser({ username: 'feed_a', password: 'pw' });
    const b = admin.createUser({ username: 'feed_b', password: 'pw' });
    const stranger = admin.createUser({ username: 'stranger', password: 'pw' });
    admin.follow(reader.id, a.id);
    admin.follow(reader.id, b.id);
    const start = t.clock.now() - 100_000;
    const expected: string[] = [];
    for (let i = 0; i < 12; i += 1) {
      expected.push(admin.createPost(i % 2 ? a.id : b.id, { text: `feed ${i}`, createdAt: start + i * 1000 }).id);
      admin.createPost(stranger.id, { text: `noise ${i}`, createdAt: start + i * 1000 + 500 });
    }
    const strangerPost = admin.createPost(stranger.id, { text: 'reposted', createdAt: start + 20_000 });
    expected.push(admin.repost(a.id, strangerPost.id, start + 21_000));
    // Replies are not feed items.
    admin.createPost(a.id, { text: 'a reply', replyToId: strangerPost.id, createdAt: start + 22_000 });
    const token = admin.createToken(reader.id);
    const seen: string[] = [];
    let path: string | undefined = '/v1.0/me/braid_following_feed?fields=id,media_type,username&limit=5';
    while (path) {
      const page = (await body(t.graph(path, token))) as { data: { id: string }[]; paging?: { next?: string } };
      seen.push(...page.data.map((p) => p.id));
      path = page.paging?.next?.slice(t.server.origin.length);
    }
    expect(seen).toEqual(expected.reverse());
  });
});

describe('Fediverse sharing (extension)', () => {
  it('reports ineligibility with reasons and refuses to enable', async () => {
    const { admin } = t.server;
    const young = admin.createUser({ username: 'young', password: 'pw', age: 16, isPrivate: true });
    const token = admin.createToken(young.id);
    expect(await body(t.graph('/v1.0/me/braid_fediverse_sharing', token))).toMatchObject({ status: 'ineligible', ineligible_reasons: ['private_profile', 'under_18'] });
    const refused = await t.graph('/v1.0/me/braid_fediverse_sharing', token, form({ enabled: 'true', accept_warnings: 'true' }));
    expect(refused.status).toBe(400);
    expect(await body(refused)).toMatchObject({ error: { code: 100, message: expect.stringContaining('private_profile') as unknown } });
  });

  it('needs the warnings acknowledged, then answers WebFinger only while sharing', async () => {
    const { admin } = t.server;
    const user = admin.createUser({ username: 'sharer', password: 'pw' });
    const token = admin.createToken(user.id);
    const webfinger = (): Promise<Response> => fetch(`${t.server.origin}/.well-known/webfinger?resource=acct:sharer@${t.server.host}`);
    expect((await webfinger()).status).toBe(404);
    expect(await body(t.graph('/v1.0/me/braid_fediverse_sharing', token))).toMatchObject({ status: 'disabled', fediverse_handle: `@sharer@${t.server.host}` });
    const noAck = await t.graph('/v1.0/me/braid_fediverse_sharing', token, form({ enabled: 'true' }));
    expect(noAck.status).toBe(400);
    expect(await body(noAck)).toMatchObject({ error: { message: expect.stringContaining('accept_warnings') as unknown } });
    expect(await body(t.graph('/v1.0/me/braid_fediverse_sharing', token, form({ enabled: 'true', accept_warnings: 'true' })))).toMatchObject({ status: 'enabled' });
    const found = await webfinger();
    expect(found.status).toBe(200);
    expect(found.headers.get('content-type')).toContain('application/jrd+json');
    const jrd = (await found.json()) as { links: { rel: string; href: string }[] };
    expect(jrd.links).toContainEqual(expect.objectContaining({ rel: 'self', href: user.actorId }));
    const actor = await body(fetch(user.actorId, { headers: { accept: 'application/activity+json' } }));
    expect(actor).toMatchObject({ type: 'Person', preferredUsername: 'sharer', inbox: `${user.actorId}inbox`, endpoints: { sharedInbox: `${t.server.origin}/ap/inbox` } });
    // Going private turns sharing off.
    admin.setPrivate(user.id, true);
    expect((await webfinger()).status).toBe(404);
    expect((await fetch(user.actorId)).status).toBe(404);
    // RFC 7033: no resource is a bad request.
    expect((await fetch(`${t.server.origin}/.well-known/webfinger`)).status).toBe(400);
  });

  it('needs threads_content_publish to change the setting', async () => {
    const user = t.server.admin.createUser({ username: 'readonly', password: 'pw' });
    const basic = t.server.admin.createToken(user.id, { scopes: ['threads_basic'] });
    expect((await body(t.graph('/v1.0/me/braid_fediverse_sharing', basic))).status).toBe('disabled');
    const refused = await t.graph('/v1.0/me/braid_fediverse_sharing', basic, form({ enabled: 'true', accept_warnings: 'true' }));
    expect(refused.status).toBe(403);
    expect(await body(refused)).toMatchObject({ error: { code: 10 } });
  });
});

describe('likes and follows (extension)', () => {
  it('pages the likes list with checked cursors and refuses to like a repost', async () => {
    const { admin } = t.server;
    const author = admin.createUser({ username: 'liked', password: 'pw' });
    const post = admin.createPost(author.id, { text: 'like me twice' });
    for (const name of ['liker_a', 'liker_b', 'liker_c']) admin.like(admin.createUser({ username: name, password: 'pw' }).id, post.id);
    const token = admin.createToken(author.id);
    type Likes = { data: { username: string }[]; paging?: { next?: string; previous?: string } };
    const first = (await body(t.graph(`/v1.0/${post.id}/braid_likes?limit=2`, token))) as unknown as Likes;
    expect(first.data).toHaveLength(2);
    expect(first.paging?.previous).toBeUndefined();
    const second = (await body(t.graph((first.paging?.next as string).slice(t.server.origin.length), token))) as unknown as Likes;
    expect(second.data).toHaveLength(1);
    expect(second.paging?.next).toBeUndefined();
    const back = (await body(t.graph((second.paging?.previous as string).slice(t.server.origin.length), token))) as unknown as Likes;
    expect(back.data).toEqual(first.data);
    // A forged negative offset used to answer the end of the list.
    const forged = await t.graph(`/v1.0/${post.id}/braid_likes?after=${Buffer.from('offset:-1').toString('base64url')}`, token);
    expect(forged.status).toBe(400);
    const repost = admin.repost(author.id, post.id);
    expect(await body(t.graph(`/v1.0/${repost}/braid_like`, token, { method: 'POST' }))).toMatchObject({ error: { code: 100 } });
  });

  it('does not show a repost of a private post to someone who cannot see the original', async () => {
    const { admin } = t.server;
    const secret = admin.createUser({ username: 'secretive', password: 'pw', isPrivate: true });
    const friend = admin.createUser({ username: 'friend', password: 'pw' });
    const outsider = admin.createUser({ username: 'outsider', password: 'pw' });
    admin.follow(friend.id, secret.id);
    admin.follow(outsider.id, friend.id);
    const hidden = admin.createPost(secret.id, { text: 'followers only' });
    const repost = admin.repost(friend.id, hidden.id);
    const shown = admin.createPost(friend.id, { text: 'public' });
    const token = admin.createToken(outsider.id);
    expect((await body(t.graph('/v1.0/me/braid_following_feed', token))).data).toEqual([{ id: shown.id }]);
    expect(await body(t.graph(`/v1.0/${repost}?fields=reposted_post`, token))).toMatchObject({ error: { code: 100, error_subcode: 33 } });
  });
});

describe('federation', () => {
  it('accepts a Fediverse follower, sends it new posts, and removes them when sharing stops with removal', async () => {
    const { admin } = t.server;
    const user = admin.createUser({ username: 'federated', password: 'pw', sharing: true });
    const follower = fedi.actorId('mara');
    const follow = { id: `${follower}#follows/1`, type: 'Follow', actor: follower, object: user.actorId };
    expect((await inboxPost(`/ap/users/${user.id}/inbox`, follow)).status).toBe(202);
    await t.federation.idle();
    expect(fedi.received.at(-1)?.activity).toMatchObject({ type: 'Accept', actor: user.actorId, object: { id: follow.id } });

    const token = admin.createToken(user.id);
    const container = await body(t.graph('/v1.0/me/threads', token, form({ media_type: 'TEXT', text: 'Hello Fediverse' })));
    const published = await body(t.graph(`/v1.0/me/threads_publish?creation_id=${container.id as string}`, token, { method: 'POST' }));
    await t.federation.idle();
    const create = fedi.received.at(-1);
    expect(create?.inbox).toBe(`${fedi.origin}/inbox`);
    const note = create?.activity.object as Record<string, unknown>;
    expect(create?.activity.type).toBe('Create');
    expect(note).toMatchObject({ type: 'Note', id: `${user.actorId}post/${published.id as string}/`, attributedTo: user.actorId, content: '<p>Hello Fediverse</p>' });
    const media = await body(t.graph(`/v1.0/${published.id as string}?fields=is_shared_to_fediverse,activitypub_id`, token));
    expect(media).toMatchObject({ is_shared_to_fediverse: true, activitypub_id: note.id });
    // The permalink answers the Note to ActivityPub clients and HTML to browsers.
    const permalink = note.url as string;
    expect(await body(fetch(permalink, { headers: { accept: 'application/activity+json' } }))).toMatchObject({ id: note.id });
    expect((await fetch(permalink)).headers.get('content-type')).toContain('text/html');

    const before = fedi.received.length;
    expect(await body(t.graph('/v1.0/me/braid_fediverse_sharing', token, form({ enabled: 'false', remove_shared_posts: 'true' })))).toMatchObject({ status: 'disabled' });
    await t.federation.idle();
    expect(fedi.received.slice(before).map((r) => r.activity)).toEqual([expect.objectContaining({ type: 'Delete', object: { id: note.id, type: 'Tombstone' } })]);
    expect((await fetch(note.id as string, { headers: { accept: 'application/activity+json' } })).status).toBe(404);
  });

  it('records Fediverse likes and replies with the extension fields and split counts', async () => {
    const { admin } = t.server;
    const user = admin.createUser({ username: 'popular', password: 'pw', sharing: true });
    const fan = admin.createUser({ username: 'fan', password: 'pw' });
    const post = admin.createPost(user.id, { text: 'like me' });
    const noteId = post.activityPubId as string;
    admin.like(fan.id, post.id);
    const liker = fedi.actorId('liker');
    expect((await inboxPost('/ap/inbox', { id: `${liker}#likes/1`, type: 'Like', actor: liker, object: noteId })).status).toBe(202);
    const replier = fedi.actorId('replier');
    const replyNote = {
      id: `${replier}/statuses/1`,
      type: 'Note',
      attributedTo: replier,
      content: '<p>Hello from <b>Mastodon</b></p>',
      published: new Date().toISOString(),
      inReplyTo: noteId,
      url: `${fedi.origin}/@replier/1`,
      to: ['https://www.w3.org/ns/activitystreams#Public'],
    };
    await inboxPost('/ap/inbox', { id: `${replyNote.id}/activity`, type: 'Create', actor: replier, object: replyNote });
    // Malformed JSON is a 400; unknown activity types are accepted and ignored.
    expect((await fetch(`${t.server.origin}/ap/inbox`, { method: 'POST', headers: { 'content-type': 'application/activity+json' }, body: '{nope' })).status).toBe(400);
    expect((await inboxPost('/ap/inbox', { id: 'x', type: 'Move', actor: replier, object: 'y' })).status).toBe(202);

    const token = admin.createToken(user.id);
    const replies = await body(t.graph(`/v1.0/${post.id}/replies?fields=text,username,is_from_fediverse,fediverse_author,permalink`, token));
    expect(replies.data).toEqual([
      { id: expect.any(String) as unknown, text: 'Hello from Mastodon', username: `replier@${fedi.host}`, is_from_fediverse: true, fediverse_author: `replier@${fedi.host}`, permalink: replyNote.url },
    ]);
    const insights = await body(t.graph(`/v1.0/${post.id}/insights?metric=likes,fediverse_likes,replies,fediverse_replies`, token));
    expect((insights.data as { name: string; values: { value: number }[] }[]).map((d) => [d.name, d.values[0]?.value])).toEqual([
      ['likes', 1],
      ['fediverse_likes', 1],
      ['replies', 0],
      ['fediverse_replies', 1],
    ]);
    const likes = await body(t.graph(`/v1.0/${post.id}/braid_likes`, token));
    expect(likes.summary).toEqual({ total_count: 2, threads_likes: 1, fediverse_likes: 1 });
    expect(likes.data).toContainEqual(expect.objectContaining({ source: 'fediverse', fediverse_author: `liker@${fedi.host}` }));
    expect(likes.data).toContainEqual(expect.objectContaining({ source: 'threads', username: 'fan' }));

    // Undo Like and Delete of the reply take them away again.
    await inboxPost('/ap/inbox', { id: `${liker}#undo/1`, type: 'Undo', actor: liker, object: { id: `${liker}#likes/1`, type: 'Like', actor: liker, object: noteId } });
    await inboxPost('/ap/inbox', { id: `${replyNote.id}#delete`, type: 'Delete', actor: replier, object: { id: replyNote.id, type: 'Tombstone' } });
    expect((await body(t.graph(`/v1.0/${post.id}/braid_likes`, token))).summary).toEqual({ total_count: 1, threads_likes: 1, fediverse_likes: 0 });
    expect((await body(t.graph(`/v1.0/${post.id}/replies`, token))).data).toEqual([]);
  });

  it('sends Delete on removal also to followers who came after the post went out', async () => {
    const { admin } = t.server;
    const user = admin.createUser({ username: 'early', password: 'pw', sharing: true });
    const post = admin.createPost(user.id, { text: 'before anyone followed' });
    const late = fedi.actorId('late');
    await inboxPost('/ap/inbox', { id: `${late}#follows/1`, type: 'Follow', actor: late, object: user.actorId });
    await t.federation.idle();
    const before = fedi.received.length;
    admin.setSharing(user.id, false, { removeSharedPosts: true });
    await t.federation.idle();
    expect(fedi.received.slice(before).map((r) => r.activity)).toEqual([expect.objectContaining({ type: 'Delete', object: { id: post.activityPubId, type: 'Tombstone' } })]);
  });

  it('counts only shared posts in the outbox and takes no Fediverse replies once the author stops sharing', async () => {
    const { admin } = t.server;
    const user = admin.createUser({ username: 'stopper', password: 'pw' });
    admin.createPost(user.id, { text: 'not shared' });
    admin.setSharing(user.id, true);
    const post = admin.createPost(user.id, { text: 'shared' });
    const outbox = await body(fetch(`${user.actorId}outbox`, { headers: { accept: 'application/activity+json' } }));
    expect(outbox.totalItems).toBe(1);
    const replier = fedi.actorId('persistent');
    const note = (n: number, inReplyTo: string): Record<string, unknown> => ({
      id: `${replier}/statuses/${n}`, type: 'Create', actor: replier,
      object: { id: `${replier}/statuses/${n}`, type: 'Note', attributedTo: replier, content: `<p>reply ${n}</p>`, published: new Date().toISOString(), inReplyTo, to: ['https://www.w3.org/ns/activitystreams#Public'] },
    });
    await inboxPost('/ap/inbox', note(1, post.activityPubId as string));
    admin.setSharing(user.id, false);
    // A reply to the accepted Fediverse reply would join a conversation that is no longer shared.
    await inboxPost('/ap/inbox', note(2, `${replier}/statuses/1`));
    const token = admin.createToken(user.id);
    expect((await body(t.graph(`/v1.0/${post.id}/conversation?fields=text`, token))).data).toEqual([{ id: expect.any(String) as unknown, text: 'reply 1' }]);
    // Oversized activities are refused before they are read.
    const huge = await fetch(`${t.server.origin}/ap/inbox`, { method: 'POST', headers: { 'content-type': 'application/activity+json' }, body: 'x'.repeat(300 * 1024) });
    expect(huge.status).toBe(413);
  });

  it('keeps a non-sharing user\'s content off the Fediverse', async () => {
    const { admin } = t.server;
    const quiet = admin.createUser({ username: 'quiet', password: 'pw' });
    const post = admin.createPost(quiet.id, { text: 'just for Threads' });
    expect(post.activityPubId).toBeUndefined();
    const before = fedi.received.length;
    await inboxPost('/ap/inbox', { id: `${fedi.actorId('x')}#f`, type: 'Follow', actor: fedi.actorId('x'), object: quiet.actorId });
    await t.federation.idle();
    expect(fedi.received.length).toBe(before);
    expect((await fetch(`${quiet.actorId}post/${post.id}/`, { headers: { accept: 'application/activity+json' } })).status).toBe(404);
    expect((await fetch(post.permalink, { headers: { accept: 'application/activity+json' } })).status).toBe(404);
  });
});
