/**
 * The Mastodon sandbox against the real masto.js v8, unchanged: OAuth through the HTML pages
 * with PKCE, verify_credentials, home timeline paging both ways, posting, favourites, context,
 * search with resolve against a fake remote server, and the user stream.
 */
import { createOAuthAPIClient, createRestAPIClient, createStreamingAPIClient, type mastodon } from 'masto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { authorizeInBrowser, startFakeRemote, startTestMastodon, type FakeRemote, type TestMastodon } from '../../sandbox/mastodon/test-support.ts';

let sandbox: TestMastodon;
let remote: FakeRemote;
let aliceToken: string;
let alice: mastodon.rest.Client;
let bobId: string;
const bobStatusIds: string[] = [];

beforeAll(async () => {
  sandbox = await startTestMastodon();
  remote = await startFakeRemote();
  const { admin } = sandbox.server;
  admin.createAccount({ username: 'alice', password: 'alice-pw', displayName: 'Alice' });
  bobId = admin.createAccount({ username: 'bob', password: 'bob-pw' }).id;
  const start = sandbox.clock.now() - 3_600_000;
  for (let i = 0; i < 45; i += 1) bobStatusIds.push(admin.createStatus(bobId, { text: `bob post ${i}`, createdAt: start + i * 1000 }));
  bobStatusIds.reverse(); // newest first, like a timeline
});

afterAll(async () => {
  await remote.close();
  await sandbox.stop();
});

describe('masto.js against the Mastodon sandbox', () => {
  it('registers an app and signs in through the OAuth pages with PKCE', async () => {
    const anonymous = createRestAPIClient({ url: sandbox.server.origin });
    const app = await anonymous.v1.apps.create({ clientName: 'Braid test', redirectUris: 'http://127.0.0.1:4000/callback', scopes: 'read write follow' });
    expect(app.clientId).toBeTruthy();
    expect(app.clientSecret).toBeTruthy();
    const verifier = 'v'.repeat(20) + Math.random().toString(36).slice(2).padEnd(30, 'x');
    // Loopback redirect on another port is allowed (RFC 8252 §7.3).
    const redirectUri = 'http://127.0.0.1:53123/callback';
    const { location, consentPage } = await authorizeInBrowser({
      origin: sandbox.server.origin,
      clientId: app.clientId!,
      redirectUri,
      scope: 'read write follow',
      state: 'xyz-state',
      verifier,
      username: 'alice',
      password: 'alice-pw',
    });
    expect(consentPage).toContain('Braid test');
    expect(consentPage).toContain('write');
    const url = new URL(location!);
    expect(url.origin + url.pathname).toBe(redirectUri);
    expect(url.searchParams.get('state')).toBe('xyz-state');
    const code = url.searchParams.get('code')!;
    const oauth = createOAuthAPIClient({ url: sandbox.server.origin });
    // masto's typed params lack code_verifier; extra keys are still sent (snake_cased).
    const params = { grantType: 'authorization_code' as const, clientId: app.clientId!, clientSecret: app.clientSecret!, redirectUri, code, codeVerifier: verifier };
    const token = await oauth.token.create(params);
    expect(token.tokenType).toBe('Bearer');
    expect(token.scope).toBe('read write follow');
    aliceToken = token.accessToken;
    alice = createRestAPIClient({ url: sandbox.server.origin, accessToken: aliceToken });
  });

  it('verifies credentials', async () => {
    const me = await alice.v1.accounts.verifyCredentials();
    expect(me.username).toBe('alice');
    expect(me.acct).toBe('alice');
    expect(me.displayName).toBe('Alice');
    expect(me.source.privacy).toBe('public');
  });

  it('follows and pages the home timeline both ways', async () => {
    const relationship = await alice.v1.accounts.$select(bobId).follow();
    expect(relationship.following).toBe(true);
    const pages: string[][] = [];
    for await (const page of alice.v1.timelines.home.list({ limit: 20 })) pages.push(page.map((s) => s.id));
    expect(pages.map((p) => p.length)).toEqual([20, 20, 5, 0]);
    expect(pages.flat()).toEqual(bobStatusIds);
    // min_id: the page immediately newer than the cursor, newest first.
    const newer = await alice.v1.timelines.home.list({ minId: bobStatusIds[10], limit: 5 });
    expect(newer.map((s) => s.id)).toEqual(bobStatusIds.slice(5, 10));
    // Going "prev" from the oldest page walks back up to the newest post.
    const upward: string[] = [];
    for await (const page of alice.v1.timelines.home.list({ minId: bobStatusIds[30], limit: 10 }).setDirection('prev')) upward.push(...page.map((s) => s.id));
    expect(upward.sort()).toEqual(bobStatusIds.slice(0, 30).sort());
  });

  it('posts, favourites and reads the context', async () => {
    const root = await alice.v1.statuses.create({ status: 'Hello @bob, see #Braid https://example.com/a/long/path/that/keeps/going', visibility: 'public' });
    expect(root.content).toContain('<span class="h-card" translate="no"><a href="');
    expect(root.content).toContain('class="u-url mention">@<span>bob</span></a></span>');
    expect(root.content).toContain('class="mention hashtag" rel="tag">#<span>Braid</span></a>');
    expect(root.content).toContain('<a href="https://example.com/a/long/path/that/keeps/going" target="_blank" rel="nofollow noopener" translate="no">');
    expect(root.mentions.map((m) => m.acct)).toEqual(['bob']);
    expect(root.tags.map((t) => t.name)).toEqual(['braid']);
    const bob = createRestAPIClient({ url: sandbox.server.origin, accessToken: sandbox.server.admin.createToken(bobId) });
    const reply = await bob.v1.statuses.create({ status: '@alice hi back', inReplyToId: root.id });
    expect(reply.inReplyToId).toBe(root.id);
    const faved = await bob.v1.statuses.$select(root.id).favourite();
    expect(faved.favourited).toBe(true);
    expect(faved.favouritesCount).toBe(1);
    const context = await alice.v1.statuses.$select(reply.id).context.fetch();
    expect(context.ancestors.map((s) => s.id)).toEqual([root.id]);
    const down = await alice.v1.statuses.$select(root.id).context.fetch();
    expect(down.descendants.map((s) => s.id)).toEqual([reply.id]);
    const notifications = await alice.v1.notifications.list();
    expect(notifications.map((n) => n.type).sort()).toEqual(['favourite', 'mention']);
  });

  it('resolves a remote account and post through search', async () => {
    const noteId = `${remote.origin}/ap/notes/1`;
    remote.addNote({ id: noteId, type: 'Note', attributedTo: remote.actorId('carol'), content: '<p>Remote hello</p>', published: new Date().toISOString(), url: `${remote.origin}/@carol/1`, to: ['https://www.w3.org/ns/activitystreams#Public'] });
    const nothing = await alice.v2.search.list({ q: noteId });
    expect(nothing.statuses).toEqual([]);
    const accounts = await alice.v2.search.list({ q: `@carol@${remote.host}`, resolve: true });
    expect(accounts.accounts.map((a) => a.acct)).toEqual([`carol@${remote.host}`]);
    const found = await alice.v2.search.list({ q: noteId, resolve: true });
    expect(found.statuses[0]?.uri).toBe(noteId);
    expect(found.statuses[0]?.url).toBe(`${remote.origin}/@carol/1`);
    expect(found.statuses[0]?.account.acct).toBe(`carol@${remote.host}`);
    const unknown = await alice.v2.search.list({ q: `@nobody@${remote.host}`, resolve: true });
    expect(unknown.accounts).toEqual([]);
  });

  it('streams an update on the user stream when a followed account posts', async () => {
    const instance = await alice.v2.instance.fetch();
    expect(instance.configuration.urls.streaming).toBe(sandbox.server.origin.replace('http', 'ws'));
    const streaming = createStreamingAPIClient({ streamingApiUrl: instance.configuration.urls.streaming, accessToken: aliceToken, retry: false });
    const subscription = streaming.user.subscribe();
    const iterator = subscription[Symbol.asyncIterator]();
    const first = iterator.next();
    // masto.js backs off before its first connection attempt; wait for the server to see the subscription.
    await vi.waitFor(() => expect(sandbox.server.admin.streamSubscriptions()).toContain('user'), { timeout: 5000, interval: 20 });
    const id = sandbox.server.admin.createStatus(bobId, { text: 'live from bob' });
    const event = (await first).value as mastodon.streaming.Event;
    expect(event.event).toBe('update');
    expect(event.payload).toMatchObject({ id, content: '<p>live from bob</p>' });
    subscription.unsubscribe();
    streaming.close();
  });
});
