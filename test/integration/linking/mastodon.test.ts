/**
 * Linking a Mastodon account against the sandbox's Mastodon server over real HTTP: its real
 * login and consent pages, the loopback listener, PKCE, the keychain, revocation, and every
 * failure a person can run into on the way.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Account } from '@shared/model';
import type { LinkFlow } from '@shared/linking';
import { accountTokenKey } from '../../../electron/core/accounts/tokens';
import { startSandbox, type Sandbox } from '../../sandbox/index.ts';
import { answerMastodon, startHarness, visit, type Harness } from './support';

let sandbox: Sandbox;
let h: Harness;
const ada = { username: 'ada', password: 'ada-password' };

beforeAll(async () => {
  sandbox = await startSandbox({ seed: false });
  sandbox.mastodon.admin.createAccount({ ...ada, displayName: 'Ada Lovelace' });
  sandbox.mastodon.admin.createAccount({ username: 'grace', password: 'grace-password', displayName: 'Grace Hopper' });
});
afterAll(() => sandbox.stop());
afterEach(() => h?.close());

const begin = (instance: string, method?: 'loopback' | 'paste') =>
  h.call('accounts.beginLink', { network: 'mastodon', instance, ...(method ? { method } : {}) }) as Promise<LinkFlow>;

async function link(who = ada, started?: LinkFlow): Promise<Account> {
  const flow = started ?? (await begin(sandbox.mastodon.origin));
  const { location } = await answerMastodon(flow.authorizeUrl, who);
  expect(location).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback\?code=/);
  const page = await visit(location ?? '');
  expect(page.body).toContain('You can close this tab');
  const done = await h.nextUpdate(flow.id, ['linked', 'failed']);
  expect(done.error).toBeUndefined();
  return done.account as Account;
}

async function tokenOf(account: Account): Promise<string> {
  const token = await h.secrets.get(accountTokenKey(account.id));
  if (!token) throw new Error('no token in the keychain');
  return token;
}

async function verify(token: string): Promise<number> {
  const response = await fetch(`${sandbox.mastodon.origin}/api/v1/accounts/verify_credentials`, { headers: { authorization: `Bearer ${token}` } });
  await response.body?.cancel();
  return response.status;
}

describe('linking a Mastodon account', () => {
  it('signs in through the real pages, returns to the loopback listener, and keeps the token in the keychain only', async () => {
    h = startHarness();
    const flow = await begin(sandbox.mastodon.origin);
    expect(flow).toMatchObject({ network: 'mastodon', method: 'loopback', serverName: sandbox.mastodon.host, openedExternally: false });
    const authorize = new URL(flow.authorizeUrl);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('state')).toMatch(/^[\w-]{43}$/);
    expect(authorize.searchParams.get('redirect_uri')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);

    const account = await link(ada, flow);
    expect(account).toMatchObject({ network: 'mastodon', handle: `ada@${sandbox.mastodon.host}`, displayName: 'Ada Lovelace', status: 'ok' });
    expect(await h.call('accounts.list')).toEqual([account]);
    expect(await verify(await tokenOf(account))).toBe(200);
    expect(h.updates.filter((u) => u.flowId === flow.id).map((u) => u.phase)).toEqual(['waiting', 'exchanging', 'linked']);
  });

  it('accepts a bare host, an https URL with a slash, and a handle for the same server', async () => {
    h = startHarness();
    const host = sandbox.mastodon.host;
    for (const typed of [`http://${host}/`, `@ada@${host}`, `ada@${host}`, `http://${host}/@ada`]) {
      const flow = await begin(typed);
      expect(flow.server, typed).toBe(sandbox.mastodon.origin);
      await h.call('accounts.cancelLink', { flowId: flow.id });
    }
  });

  it('registers Braid once per instance and reuses the registration', async () => {
    h = startHarness();
    const before = (await h.secrets.keys()).length;
    await h.call('accounts.cancelLink', { flowId: (await begin(sandbox.mastodon.origin)).id });
    const clientId = new URL((await begin(sandbox.mastodon.origin)).authorizeUrl).searchParams.get('client_id');
    const again = new URL((await begin(sandbox.mastodon.origin)).authorizeUrl).searchParams.get('client_id');
    expect(again).toBe(clientId);
    expect((await h.secrets.keys()).length).toBe(before + 1);
  });

  it('links several accounts on one instance, and signing in again keeps one row', async () => {
    h = startHarness();
    const first = await link();
    const second = await link({ username: 'grace', password: 'grace-password' });
    const again = await link();
    expect(again.id).toBe(first.id);
    const list = (await h.call('accounts.list')) as Account[];
    expect(list.map((a) => a.handle).sort()).toEqual([`ada@${sandbox.mastodon.host}`, `grace@${sandbox.mastodon.host}`]);
    expect(second.id).not.toBe(first.id);
  });

  it('finishes with a pasted out-of-band code, and refuses the same code a second time', async () => {
    h = startHarness();
    const flow = await begin(sandbox.mastodon.origin, 'paste');
    expect(new URL(flow.authorizeUrl).searchParams.get('redirect_uri')).toBe('urn:ietf:wg:oauth:2.0:oob');
    const { oobCode } = await answerMastodon(flow.authorizeUrl, ada);
    const account = (await h.call('accounts.completeLink', { flowId: flow.id, code: ` ${oobCode ?? ''} ` })) as Account;
    expect(account.handle).toBe(`ada@${sandbox.mastodon.host}`);

    const second = await begin(sandbox.mastodon.origin, 'paste');
    await expect(h.call('accounts.completeLink', { flowId: second.id, code: oobCode })).rejects.toMatchObject({
      code: 'link.code-rejected',
      message: expect.stringContaining('already used') as string,
    });
    // A refused paste leaves the sign-in open for another try.
    const { oobCode: fresh } = await answerMastodon(second.authorizeUrl, ada);
    await expect(h.call('accounts.completeLink', { flowId: second.id, code: fresh })).resolves.toMatchObject({ id: account.id });
  });

  it('says so when the user presses Deny', async () => {
    h = startHarness();
    const flow = await begin(sandbox.mastodon.origin);
    const { location } = await answerMastodon(flow.authorizeUrl, { ...ada, deny: true });
    expect(location).toContain('error=access_denied');
    const page = await visit(location ?? '');
    expect(page.body).toContain('did not give Braid access');
    const done = await h.nextUpdate(flow.id, ['linked', 'failed']);
    expect(done.error).toMatchObject({ code: 'link.denied', message: expect.stringContaining('chose not to give Braid access') as string });
    expect(await h.call('accounts.list')).toEqual([]);
  });

  it('rejects a callback whose state does not match (possible CSRF) and links nothing', async () => {
    h = startHarness();
    const flow = await begin(sandbox.mastodon.origin);
    const redirect = new URL(new URL(flow.authorizeUrl).searchParams.get('redirect_uri') ?? '');
    const { location } = await answerMastodon(flow.authorizeUrl, ada);
    const forged = new URL(location ?? '');
    forged.searchParams.set('state', 'attacker-chosen-state');
    expect(forged.origin).toBe(redirect.origin);
    const page = await visit(forged.href);
    expect(page.status).toBe(400);
    expect(page.body).toContain('does not belong to the sign-in Braid started');
    const done = await h.nextUpdate(flow.id, ['linked', 'failed']);
    expect(done).toMatchObject({ phase: 'failed', error: { code: 'link.state-mismatch' } });
    expect(await h.call('accounts.list')).toEqual([]);
    // The listener is gone: the genuine answer cannot be replayed into it afterwards.
    await expect(fetch(location ?? '')).rejects.toThrow();
  });

  it('refuses a pasted address with another state', async () => {
    h = startHarness();
    const flow = await begin(sandbox.mastodon.origin);
    const { location } = await answerMastodon(flow.authorizeUrl, ada);
    const forged = (location ?? '').replace(/state=[^&]+/, 'state=not-ours');
    await expect(h.call('accounts.completeLink', { flowId: flow.id, code: forged })).rejects.toMatchObject({ code: 'link.state-mismatch' });
  });

  it('gives up after the timeout with a clear message', async () => {
    h = startHarness({ linkTimeoutMs: 150 });
    const flow = await begin(sandbox.mastodon.origin);
    const done = await h.nextUpdate(flow.id, ['failed']);
    expect(done.error).toMatchObject({ code: 'link.timed-out', message: expect.stringContaining('Start linking again') as string });
    await expect(h.call('accounts.completeLink', { flowId: flow.id, code: 'whatever-code' })).rejects.toMatchObject({ code: 'link.unknown-flow' });
  });

  it('marks an account whose token was revoked on the server as needing sign-in, and keeps it', async () => {
    h = startHarness();
    const account = await link();
    sandbox.mastodon.admin.revokeToken(await tokenOf(account));
    const [checked] = (await h.call('accounts.recheck')) as Account[];
    expect(checked).toMatchObject({ id: account.id, status: 'needs-sign-in', statusMessage: expect.stringContaining('Sign in again') as string });

    // One click: relink the same account, which comes back ok with the same id.
    const flow = (await h.call('accounts.relink', { accountId: account.id })) as LinkFlow;
    const { location } = await answerMastodon(flow.authorizeUrl, ada);
    await visit(location ?? '');
    const done = await h.nextUpdate(flow.id, ['linked', 'failed']);
    expect(done.account).toMatchObject({ id: account.id, status: 'ok' });
  });

  it('signing in again as someone else is refused, and their new token revoked', async () => {
    const issued: string[] = [];
    h = startHarness({
      fetch: async (input, init) => {
        const response = await fetch(input, init);
        if (new URL(input instanceof Request ? input.url : input).pathname === '/oauth/token') issued.push(((await response.clone().json()) as { access_token: string }).access_token);
        return response;
      },
    });
    const account = await link();
    sandbox.mastodon.admin.revokeToken(await tokenOf(account));
    await h.call('accounts.recheck');
    const flow = (await h.call('accounts.relink', { accountId: account.id })) as LinkFlow;
    const { location } = await answerMastodon(flow.authorizeUrl, { username: 'grace', password: 'grace-password' });
    await visit(location ?? '');
    const done = await h.nextUpdate(flow.id, ['linked', 'failed']);
    expect(done.error).toMatchObject({ code: 'link.wrong-account', message: expect.stringContaining(`You signed in as @grace@${sandbox.mastodon.host}`) as string });
    const list = (await h.call('accounts.list')) as Account[];
    expect(list).toEqual([expect.objectContaining({ id: account.id, status: 'needs-sign-in' })]);
    expect(issued).toHaveLength(2);
    await expect.poll(() => verify(issued[1] ?? '')).toBe(401);
  });

  it('unlinking revokes the token on the server and deletes it from the keychain', async () => {
    h = startHarness();
    const account = await link();
    const token = await tokenOf(account);
    const result = await h.call('accounts.unlink', { accountId: account.id });
    expect(result).toMatchObject({ revoked: true, message: expect.stringContaining('revoked') as string });
    expect(await verify(token)).toBe(401);
    expect(await h.secrets.get(accountTokenKey(account.id))).toBeNull();
    expect(await h.call('accounts.list')).toEqual([]);
  });

  it('still unlinks locally when the server cannot be reached, and says what to do', async () => {
    h = startHarness();
    const account = await link();
    sandbox.faults.add({ server: 'mastodon', method: 'POST', path: '/oauth/revoke', fault: { kind: 'status', status: 503 } });
    try {
      const result = await h.call('accounts.unlink', { accountId: account.id });
      expect(result).toMatchObject({ revoked: false, message: expect.stringContaining('Authorized apps') as string });
      expect(await h.call('accounts.list')).toEqual([]);
    } finally {
      sandbox.faults.clear();
    }
  });

  it('explains a malformed answer while signing in, and links nothing', async () => {
    h = startHarness();
    const flow = await begin(sandbox.mastodon.origin);
    sandbox.faults.add({ server: 'mastodon', method: 'POST', path: '/oauth/token', fault: { kind: 'malformed-json' }, times: 1 });
    try {
      const { location } = await answerMastodon(flow.authorizeUrl, ada);
      await visit(location ?? '');
      const done = await h.nextUpdate(flow.id, ['linked', 'failed']);
      expect(done.error).toMatchObject({ code: 'network.bad-response', message: expect.stringContaining('could not read') as string });
      expect(await h.call('accounts.list')).toEqual([]);
    } finally {
      sandbox.faults.clear();
    }
  });

  it('keeps an account whose server sends an HTML page instead of JSON, marked offline with the reason', async () => {
    h = startHarness();
    const account = await link();
    sandbox.faults.add({ server: 'mastodon', path: '/api/v1/accounts/verify_credentials', fault: { kind: 'html' } });
    try {
      const [checked] = (await h.call('accounts.recheck')) as Account[];
      expect(checked).toMatchObject({ id: account.id, status: 'offline', statusMessage: expect.stringContaining('could not read') as string });
      expect(await h.secrets.get(accountTokenKey(account.id))).not.toBeNull();
    } finally {
      sandbox.faults.clear();
    }
    const [again] = (await h.call('accounts.recheck')) as Account[];
    expect(again).toMatchObject({ id: account.id, status: 'ok', statusMessage: null });
  });
});
