/**
 * The seed generator: the cast Braid's tests rely on, follows across the federation, and the
 * same Fediverse for the same seed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../sandbox/index.ts';

const started: Sandbox[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((sandbox) => sandbox.stop()));
});

async function seeded(seed: number, posts: number): Promise<Sandbox> {
  const sandbox = await startSandbox({ seed, posts });
  started.push(sandbox);
  return sandbox;
}

async function getJson<T>(url: string, token?: string): Promise<T> {
  const response = await fetch(url, token ? { headers: { authorization: `Bearer ${token}` } } : {});
  expect(response.status, `GET ${url}`).toBe(200);
  return (await response.json()) as T;
}

/** Texts of a Threads user's own posts, newest first (Graph API /me/threads). */
async function threadsTexts(sandbox: Sandbox, username: string): Promise<string[]> {
  const user = sandbox.threads.admin.findUser(username);
  if (!user) throw new Error(`no Threads user ${username}`);
  const token = sandbox.threads.admin.createToken(user.id);
  const page = await getJson<{ data: { text?: string }[] }>(`${sandbox.threads.origin}/v1.0/me/threads?fields=id,text&limit=100&access_token=${token}`);
  return page.data.map((post) => post.text ?? '');
}

/** Contents of the Mastodon server's local public timeline, newest first, without the ports. */
async function mastodonContents(sandbox: Sandbox): Promise<string[]> {
  const statuses = await getJson<{ content: string }[]>(`${sandbox.mastodon.origin}/api/v1/timelines/public?local=true&limit=40`);
  return statuses.map((status) => status.content.replace(/http:\/\/127\.0\.0\.1:\d+/g, 'ORIGIN'));
}

describe('seed generator', () => {
  it('creates the same posts for the same seed, and different ones for another seed', async () => {
    const [first, second, other] = [await seeded(7, 300), await seeded(7, 300), await seeded(8, 300)];
    expect(first.seeded?.counts).toEqual(second.seeded?.counts);
    const texts = await threadsTexts(first, 'alice');
    expect(texts.length).toBeGreaterThan(5);
    expect(await threadsTexts(second, 'alice')).toEqual(texts);
    expect(await mastodonContents(second)).toEqual(await mastodonContents(first));
    expect(await mastodonContents(other)).not.toEqual(await mastodonContents(first));
  });

  it('makes sharing Threads users discoverable from the Fediverse and keeps the others invisible', async () => {
    const sandbox = await seeded(42, 120);
    const webfinger = (username: string): Promise<number> =>
      fetch(`${sandbox.threads.origin}/.well-known/webfinger?resource=acct:${username}@${sandbox.threads.host}`).then((r) => r.status);
    expect(await webfinger('alice')).toBe(200);
    expect(await webfinger('braid_demo')).toBe(200);
    for (const notSharing of ['carol', 'dan_private', 'teen_taylor', 'grace']) expect(await webfinger(notSharing)).toBe(404);
  });

  it("fills the demo Mastodon user's home with federated Threads posts that point back to Threads", async () => {
    const sandbox = await seeded(42, 400);
    const demo = sandbox.mastodon.admin.findAccount('braid_demo');
    if (!demo) throw new Error('no demo account');
    const token = sandbox.mastodon.admin.createToken(demo.id, ['read']);
    const home = await getJson<{ uri: string; url: string | null; account: { acct: string }; reblog: unknown }[]>(
      `${sandbox.mastodon.origin}/api/v1/timelines/home?limit=40`,
      token,
    );
    const fromThreads = home.filter((status) => status.account.acct.endsWith(`@${sandbox.threads.host}`));
    expect(fromThreads.length).toBeGreaterThan(0);
    for (const status of fromThreads.filter((s) => s.reblog === null)) {
      expect(status.uri).toMatch(new RegExp(`^${sandbox.threads.origin}/ap/users/\\d+/post/\\d+/$`));
      expect(status.url).toMatch(new RegExp(`^${sandbox.threads.origin}/@[\\w.]+/post/[\\w-]{11}$`));
    }
    const authors = new Set(fromThreads.map((status) => status.account.acct.split('@')[0]));
    for (const author of authors) expect(['braid_demo', 'alice', 'bob.builds', 'frank.news']).toContain(author);
  });
});
