/**
 * The Mastodon sandbox's half of federation against a fake remote server: WebFinger, actor and
 * Note documents, inbox handling (with hostile HTML sanitized), and the Follow / Like / Undo /
 * Create deliveries it sends.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sanitizeHtml } from '../../sandbox/mastodon/sanitize.ts';
import { startFakeRemote, startTestMastodon, type FakeRemote, type TestMastodon } from '../../sandbox/mastodon/test-support.ts';

const PUBLIC = 'https://www.w3.org/ns/activitystreams#Public';
let sandbox: TestMastodon;
let remote: FakeRemote;
let token: string;
let localId: string;

const api = (path: string, init: RequestInit = {}): Promise<Response> =>
  fetch(`${sandbox.server.origin}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...init.headers } });
const json = async <T>(r: Promise<Response>): Promise<T> => (await (await r).json()) as T;
const inbox = (activity: unknown, path = '/inbox'): Promise<Response> =>
  fetch(`${sandbox.server.origin}${path}`, { method: 'POST', headers: { 'content-type': 'application/activity+json' }, body: JSON.stringify(activity) });
const note = (id: string, content: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  id: `${remote.origin}/ap/notes/${id}`, type: 'Note', attributedTo: remote.actorId('carol'), content, published: new Date(sandbox.clock.now()).toISOString(), url: `${remote.origin}/@carol/${id}`, to: [PUBLIC], ...extra,
});
const create = (object: Record<string, unknown>): Record<string, unknown> => ({ id: `${object.id as string}#create`, type: 'Create', actor: remote.actorId('carol'), object, to: [PUBLIC] });

beforeAll(async () => {
  sandbox = await startTestMastodon();
  remote = await startFakeRemote();
  localId = sandbox.server.admin.createAccount({ username: 'lena', password: 'pw', displayName: 'Lena' }).id;
  token = sandbox.server.admin.createToken(localId);
});
afterAll(async () => {
  await remote.close();
  await sandbox.stop();
});

describe('sanitizing remote HTML', () => {
  it.each([
    ['<p>hi<script>alert(1)</script></p>', '<p>hi</p>'],
    ['<img src=x onerror="alert(1)">text', 'text'],
    ['<a href="javascript:alert(1)" onclick="x()">x</a>', '<a rel="nofollow noopener" target="_blank">x</a>'],
    ['<a href="java&#x09;script:alert(1)">x</a>', '<a rel="nofollow noopener" target="_blank">x</a>'],
    ['<a href="https://ok.example/?a=1&amp;b=2" style="color:red" class="u-url mention evil">@x</a>', '<a href="https://ok.example/?a=1&amp;b=2" rel="nofollow noopener" target="_blank" class="u-url mention">@x</a>'],
    ['<p>a<p>b', '<p>a</p><p>b</p>'],
    ['<span class="h-card"><b>bold</b> <iframe src="https://x">inner</iframe>end', '<span class="h-card">bold end</span>'],
    ['<p>1 &lt; 2 & 3 > 2</p><!-- secret -->', '<p>1 &lt; 2 &amp; 3 &gt; 2</p>'],
    ['<style>p{}</style><svg><script>x</script></svg><p onmouseover=x>ok<br>line</p>', '<p>ok<br />line</p>'],
    ['<p title="a>b">x</p></span></a>', '<p>x</p>'],
  ])('sanitizes %s', (input, expected) => {
    expect(sanitizeHtml(input)).toBe(expected);
  });
});

describe('Mastodon side of federation', () => {
  it('answers WebFinger, the actor and a status as a Note', async () => {
    const { host, origin } = sandbox.server;
    const wf = await fetch(`${origin}/.well-known/webfinger?resource=acct:lena@${host}`);
    expect(wf.headers.get('content-type')).toContain('application/jrd+json');
    expect(await wf.json()).toMatchObject({ subject: `acct:lena@${host}`, links: expect.arrayContaining([{ rel: 'self', type: 'application/activity+json', href: `${origin}/users/lena` }]) as unknown });
    expect((await fetch(`${origin}/.well-known/webfinger?resource=acct:nobody@${host}`)).status).toBe(404);
    const actor = await json<Record<string, unknown>>(fetch(`${origin}/users/lena`, { headers: { accept: 'application/activity+json' } }));
    expect(actor).toMatchObject({ id: `${origin}/users/lena`, type: 'Person', inbox: `${origin}/users/lena/inbox`, endpoints: { sharedInbox: `${origin}/inbox` }, preferredUsername: 'lena' });
    const statusId = sandbox.server.admin.createStatus(localId, { text: 'federated hello' });
    const noteDoc = await json<Record<string, unknown>>(fetch(`${origin}/users/lena/statuses/${statusId}`, { headers: { accept: 'application/activity+json' } }));
    expect(noteDoc).toMatchObject({ id: `${origin}/users/lena/statuses/${statusId}`, url: `${origin}/@lena/${statusId}`, attributedTo: `${origin}/users/lena`, content: '<p>federated hello</p>', to: [PUBLIC] });
  });

  it('stores a hostile remote post sanitized and answers inbox errors like Mastodon', async () => {
    const hostile = note('evil', '<p onclick="steal()">Hi <script>document.cookie</script><a href="javascript:alert(1)">click</a> <img src=x onerror=alert(1)></p>');
    expect((await inbox(create(hostile))).status).toBe(202);
    const [status] = await json<{ content: string; account: { acct: string; note: string }; uri: string; url: string }[]>(api('/api/v1/timelines/public?remote=true'));
    expect(status?.content).toBe('<p>Hi <a rel="nofollow noopener" target="_blank">click</a> </p>');
    expect(status?.account.acct).toBe(`carol@${remote.host}`);
    expect(status?.account.note).toBe('<p>bio</p>');
    expect(status?.uri).toBe(hostile.id);
    expect(status?.url).toBe(`${remote.origin}/@carol/evil`);
    const malformed = await fetch(`${sandbox.server.origin}/inbox`, { method: 'POST', headers: { 'content-type': 'application/activity+json' }, body: '{"type":' });
    expect(malformed.status).toBe(400);
    expect((await inbox({ id: 'x', type: 'Move', actor: remote.actorId('carol') })).status).toBe(202);
  });

  it('follows a remote account, receives its posts at home and sends Like, Undo, Create and Delete', async () => {
    const [carol] = (await json<{ accounts: { id: string }[] }>(api(`/api/v2/search?q=${encodeURIComponent(`@carol@${remote.host}`)}&resolve=true`))).accounts;
    const relationship = await json<{ following: boolean }>(api(`/api/v1/accounts/${carol?.id}/follow`, { method: 'POST', body: '{}' }));
    expect(relationship.following).toBe(true);
    await sandbox.federation.idle();
    expect(remote.received.at(-1)).toMatchObject({ type: 'Follow', actor: `${sandbox.server.origin}/users/lena`, object: remote.actorId('carol') });

    const post = note('n2', '<p>for my followers</p>');
    await inbox(create(post), '/users/lena/inbox');
    const home = await json<{ id: string; uri: string }[]>(api('/api/v1/timelines/home'));
    const stored = home.find((s) => s.uri === post.id);
    expect(stored).toBeDefined();

    await api(`/api/v1/statuses/${stored?.id}/favourite`, { method: 'POST' });
    await api(`/api/v1/statuses/${stored?.id}/unfavourite`, { method: 'POST' });
    const reply = await json<{ id: string }>(api('/api/v1/statuses', { method: 'POST', body: JSON.stringify({ status: `@carol@${remote.host} nice`, in_reply_to_id: stored?.id }) }));
    await api(`/api/v1/statuses/${reply.id}`, { method: 'DELETE' });
    await sandbox.federation.idle();
    const types = remote.received.slice(-4).map((a) => a.type);
    expect(types).toEqual(['Like', 'Undo', 'Create', 'Delete']);
    const [like, undo, createReply] = remote.received.slice(-4);
    expect(like).toMatchObject({ object: post.id });
    expect(undo).toMatchObject({ object: { type: 'Like', object: post.id } });
    expect(createReply).toMatchObject({ object: { inReplyTo: post.id, attributedTo: `${sandbox.server.origin}/users/lena` } });

    expect((await inbox({ id: `${post.id as string}#delete`, type: 'Delete', actor: remote.actorId('carol'), object: { id: post.id, type: 'Tombstone' } })).status).toBe(202);
    expect((await api(`/api/v1/statuses/${stored?.id}`)).status).toBe(404);
  });

  it('turns remote Like, Announce and replies into notifications', async () => {
    const mine = sandbox.server.admin.createStatus(localId, { text: 'like me' });
    const uri = `${sandbox.server.origin}/users/lena/statuses/${mine}`;
    await inbox({ id: `${remote.origin}/ap/likes/1`, type: 'Like', actor: remote.actorId('dave'), object: uri });
    await inbox({ id: `${remote.origin}/ap/announces/1`, type: 'Announce', actor: remote.actorId('dave'), object: uri, to: [PUBLIC] });
    // From dave, whom lena does not follow: Mastodon notifies her but keeps it out of her home.
    const reply = note('r1', '<p>a reply</p>', { inReplyTo: uri, attributedTo: remote.actorId('dave'), url: `${remote.origin}/@dave/r1` });
    await inbox({ ...create(reply), actor: remote.actorId('dave') });
    const notes = await json<{ type: string; account: { acct: string }; status?: { uri: string } }[]>(api('/api/v1/notifications?limit=3'));
    expect(notes.map((n) => n.type)).toEqual(['mention', 'reblog', 'favourite']);
    expect(notes[0]?.status?.uri).toBe(reply.id);
    const home = await json<{ uri: string }[]>(api('/api/v1/timelines/home?limit=40'));
    expect(home.map((s) => s.uri)).not.toContain(reply.id);
    const status = await json<{ favourites_count: number; reblogs_count: number; replies_count: number }>(api(`/api/v1/statuses/${mine}`));
    expect(status).toMatchObject({ favourites_count: 1, reblogs_count: 1, replies_count: 1 });
    await inbox({ id: `${remote.origin}/ap/undo/1`, type: 'Undo', actor: remote.actorId('dave'), object: { id: `${remote.origin}/ap/announces/1`, type: 'Announce', actor: remote.actorId('dave'), object: uri } });
    expect((await json<{ reblogs_count: number }>(api(`/api/v1/statuses/${mine}`))).reblogs_count).toBe(0);
  });
});
