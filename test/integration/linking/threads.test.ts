/**
 * Linking a Threads account against the sandbox's Threads-like server over real HTTP: the
 * sandbox preset, the login and consent pages, code → short-lived → long-lived token, refresh
 * once the sandbox clock passes 24 h, and the ways it fails.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { LinkFlow, ThreadsServer } from '@shared/linking';
import type { Account } from '@shared/model';
import { accountTokenKey } from '../../../electron/core/accounts/tokens';
import type { AuthWindowOpener } from '../../../electron/core/auth/shell-hooks';
import { SANDBOX_THREADS_APP } from '../../../electron/core/networks/threads/presets';
import { startSandbox, THREADS_APP, type Sandbox } from '../../sandbox/index.ts';
import { answerThreads, startHarness, visit, type Harness } from './support';

let sandbox: Sandbox;
let h: Harness;
const lin = { username: 'lin', password: 'lin-password' };
const HOUR = 60 * 60_000;

beforeAll(async () => {
  sandbox = await startSandbox({ seed: false });
  sandbox.threads.admin.createUser({ ...lin, name: 'Lin Mei' });
});
afterAll(() => sandbox.stop());
afterEach(() => h?.close());

function harness(extra: Parameters<typeof startHarness>[0] = {}): Harness {
  return startHarness({ sandboxThreadsUrl: sandbox.threads.origin, clock: { now: () => sandbox.clock.now() }, ...extra });
}

async function linkThreads(): Promise<{ account: Account; flow: LinkFlow }> {
  const flow = (await h.call('accounts.beginLink', { network: 'threads', serverId: 'sandbox' })) as LinkFlow;
  const location = await answerThreads(flow.authorizeUrl, lin);
  expect(location).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback\?code=.*#_$/);
  expect((await visit(location)).body).toContain('You can close this tab');
  const done = await h.nextUpdate(flow.id, ['linked', 'failed']);
  expect(done.error).toBeUndefined();
  return { account: done.account as Account, flow };
}

const tokenOf = async (account: Account) => (await h.secrets.get(accountTokenKey(account.id))) ?? '';

async function me(token: string): Promise<number> {
  const response = await fetch(`${sandbox.threads.origin}/v1.0/me?fields=id`, { headers: { authorization: `Bearer ${token}` } });
  await response.body?.cancel();
  return response.status;
}

describe('linking a Threads account', () => {
  it('keeps the sandbox preset in step with the sandbox app', () => {
    expect(SANDBOX_THREADS_APP).toEqual(THREADS_APP);
  });

  it('lists both presets, and says what graph.threads.net still needs', async () => {
    h = harness();
    const servers = (await h.call('threadsServers.list')) as ThreadsServer[];
    expect(servers.map((s) => s.id)).toEqual(['threads', 'sandbox']);
    expect(servers[0]).toMatchObject({ apiBase: 'https://graph.threads.net', authorizeUrl: 'https://threads.net/oauth/authorize', hasAppSecret: false });
    expect(servers[0]?.missing).toMatch(/app id, the app secret and an https redirect URI/);
    expect(servers[1]).toMatchObject({ apiBase: sandbox.threads.origin, hasAppSecret: true, missing: null, allowsLoopback: true });
    await expect(h.call('accounts.beginLink', { network: 'threads', serverId: 'threads' })).rejects.toMatchObject({ code: 'link.server-not-ready' });
  });

  it('signs in, swaps the short-lived token for a long-lived one, and stores its expiry', async () => {
    h = harness();
    const { account, flow } = await linkThreads();
    expect(new URL(flow.authorizeUrl).searchParams.get('scope')).toContain('threads_basic');
    expect(account).toMatchObject({ network: 'threads', handle: 'lin', displayName: 'Lin Mei', status: 'ok', server: sandbox.threads.origin });
    const token = await tokenOf(account);
    expect(await me(token)).toBe(200);
    // Long-lived: still good after the 1 h a short-lived token lives.
    sandbox.clock.advance(2 * HOUR);
    expect(await me(token)).toBe(200);
  });

  it('refreshes a long-lived token once the clock passes 24 h, not before', async () => {
    h = harness();
    const { account } = await linkThreads();
    const first = await tokenOf(account);
    expect(await h.core.health.refreshDue()).toBe(0);
    sandbox.clock.advance(25 * HOUR);
    expect(await h.core.health.refreshDue()).toBe(1);
    const second = await tokenOf(account);
    expect(second).not.toBe(first);
    expect(await me(second)).toBe(200);
    // The refreshed token counts its own day again.
    expect(await h.core.health.refreshDue()).toBe(0);
  });

  it('marks the account "needs sign-in" when the server answers 190, and keeps it', async () => {
    h = harness();
    const { account } = await linkThreads();
    sandbox.threads.admin.revokeToken(await tokenOf(account));
    const [checked] = (await h.call('accounts.recheck')) as Account[];
    expect(checked).toMatchObject({ id: account.id, status: 'needs-sign-in' });
    expect(checked?.statusMessage).toMatch(/Sign in again/);
  });

  it('marks an account whose token expired on the clock as needing sign-in without asking the server', async () => {
    h = harness();
    const { account } = await linkThreads();
    sandbox.clock.advance(61 * 24 * HOUR);
    const [checked] = (await h.call('accounts.recheck')) as Account[];
    expect(checked).toMatchObject({ id: account.id, status: 'needs-sign-in', statusMessage: expect.stringContaining('expired') as string });
  });

  it('refuses a code that was already used', async () => {
    h = harness();
    const flow = (await h.call('accounts.beginLink', { network: 'threads', serverId: 'sandbox', method: 'loopback' })) as LinkFlow;
    const location = await answerThreads(flow.authorizeUrl, lin);
    await visit(location);
    await h.nextUpdate(flow.id, ['linked']);
    // Replaying the same address into a new sign-in: the state differs, so it is refused before the code is even tried.
    const second = (await h.call('accounts.beginLink', { network: 'threads', serverId: 'sandbox' })) as LinkFlow;
    await expect(h.call('accounts.completeLink', { flowId: second.id, code: location })).rejects.toMatchObject({ code: 'link.state-mismatch' });
    // With its own state but a spent code, the server refuses it.
    const state = new URL(second.authorizeUrl).searchParams.get('state') ?? '';
    const spent = location.replace(/state=[^&#]+/, `state=${state}`);
    await expect(h.call('accounts.completeLink', { flowId: second.id, code: spent })).rejects.toMatchObject({ code: 'link.code-rejected' });
  });

  it('links through an auth window that catches the https redirect (Electron)', async () => {
    const seen: string[] = [];
    const authWindow: AuthWindowOpener = async ({ authorizeUrl, redirectUri }) => {
      seen.push(redirectUri);
      return answerThreads(authorizeUrl, lin);
    };
    h = harness({ authWindow });
    const saved = (await h.call('threadsServers.save', {
      name: 'Sandbox over https redirect',
      apiBase: sandbox.threads.origin,
      authorizeUrl: `${sandbox.threads.origin}/oauth/authorize`,
      appId: THREADS_APP.appId,
      appSecret: THREADS_APP.appSecret,
      redirectUri: 'https://braid.example/threads-callback',
      allowsLoopback: false,
      usesPkce: false,
    })) as ThreadsServer;
    expect(saved).toMatchObject({ hasAppSecret: true, missing: null });
    expect(JSON.stringify(saved)).not.toContain(THREADS_APP.appSecret);
    const flow = (await h.call('accounts.beginLink', { network: 'threads', serverId: saved.id })) as LinkFlow;
    expect(flow.method).toBe('window');
    const done = await h.nextUpdate(flow.id, ['linked', 'failed']);
    expect(done.account).toMatchObject({ handle: 'lin' });
    expect(seen).toEqual(['https://braid.example/threads-callback']);
    await expect(h.call('threadsServers.remove', { serverId: saved.id })).rejects.toMatchObject({ code: 'servers.invalid' });
  });

  it('links a pasted long-lived token after checking it, and refuses a bad one', async () => {
    h = harness();
    const user = sandbox.threads.admin.findUser('lin');
    const token = sandbox.threads.admin.createToken(user?.id ?? '');
    await expect(h.call('accounts.linkToken', { serverId: 'sandbox', token: 'THAA-not-a-real-token' })).rejects.toMatchObject({
      code: 'link.token-invalid',
    });
    expect(await h.call('accounts.list')).toEqual([]);
    const account = (await h.call('accounts.linkToken', { serverId: 'sandbox', token })) as Account;
    expect(account).toMatchObject({ handle: 'lin', status: 'ok' });
    expect(await tokenOf(account)).toBe(token);
  });

  it('unlinking deletes the token and says Threads cannot revoke it', async () => {
    h = harness();
    const { account } = await linkThreads();
    const result = await h.call('accounts.unlink', { accountId: account.id });
    expect(result).toMatchObject({ revoked: false, message: expect.stringContaining('Website permissions') as string });
    expect(await h.secrets.get(accountTokenKey(account.id))).toBeNull();
  });

  it('keeps the account, marked offline, when the server cuts its answer short, and recovers', async () => {
    h = harness();
    const { account } = await linkThreads();
    sandbox.faults.add({ server: 'threads', path: '/v1.0/me', fault: { kind: 'truncated' } });
    try {
      const [checked] = (await h.call('accounts.recheck')) as Account[];
      expect(checked).toMatchObject({ id: account.id, status: 'offline' });
      expect(checked?.statusMessage).toMatch(/stopped answering halfway|could not read/);
    } finally {
      sandbox.faults.clear();
    }
    const [again] = (await h.call('accounts.recheck')) as Account[];
    expect(again).toMatchObject({ id: account.id, status: 'ok', statusMessage: null });
  });
});
