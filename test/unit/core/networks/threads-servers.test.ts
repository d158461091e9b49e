import { afterEach, describe, expect, it } from 'vitest';
import type { ThreadsServer, ThreadsServerInput } from '@shared/linking';
import { createCore, type Core } from '../../../../electron/core/app';
import { serverSecretKey } from '../../../../electron/core/networks/threads/servers';
import { MemorySecretStore } from '../../../../electron/core/secrets/memory-store';
import { captureLogger } from '../helpers';

let core: Core | undefined;
afterEach(() => core?.close());

function start(sandboxThreadsUrl?: string) {
  const secrets = new MemorySecretStore();
  core = createCore({
    dataDir: ':memory:',
    secrets,
    fetch: () => Promise.reject(new Error('no network in unit tests')),
    clock: { now: () => Date.parse('2026-11-26T00:00:00Z') },
    shell: 'browser',
    appVersion: '0.0.0',
    logger: captureLogger().log,
    ...(sandboxThreadsUrl ? { sandboxThreadsUrl } : {}),
  });
  return { core, secrets };
}

const custom: ThreadsServerInput = {
  name: 'My Threads app',
  apiBase: 'https://graph.threads.net/',
  authorizeUrl: 'https://threads.net/oauth/authorize',
  appId: '1234',
  appSecret: 'the-app-secret',
  redirectUri: 'https://example.com/braid-callback',
  allowsLoopback: false,
  usesPkce: false,
};

async function call<T>(c: Core, method: string, input?: unknown): Promise<T> {
  const result = await c.dispatch(method, input);
  if (!result.ok) throw Object.assign(new Error(result.error.message), { code: result.error.code });
  return result.value as T;
}

describe('Threads server settings', () => {
  it('points the sandbox preset at the sandbox Braid was started with', async () => {
    const { core: c } = start('http://127.0.0.1:5555');
    const [, sandbox] = await call<ThreadsServer[]>(c, 'threadsServers.list');
    expect(sandbox).toMatchObject({ id: 'sandbox', apiBase: 'http://127.0.0.1:5555', authorizeUrl: 'http://127.0.0.1:5555/oauth/authorize', missing: null });
  });

  it('keeps the app secret in the keychain, says only whether there is one, and deletes it on request', async () => {
    const { core: c, secrets } = start();
    const saved = await call<ThreadsServer>(c, 'threadsServers.save', custom);
    expect(saved).toMatchObject({ apiBase: 'https://graph.threads.net', hasAppSecret: true, missing: null, preset: null });
    expect(JSON.stringify(saved)).not.toContain('the-app-secret');
    expect(await secrets.get(serverSecretKey(saved.id))).toBe('the-app-secret');

    const kept = await call<ThreadsServer>(c, 'threadsServers.save', { ...custom, id: saved.id, name: 'Renamed', appSecret: undefined });
    expect(kept).toMatchObject({ id: saved.id, name: 'Renamed', hasAppSecret: true });

    const cleared = await call<ThreadsServer>(c, 'threadsServers.save', { ...custom, id: saved.id, appSecret: '' });
    expect(cleared).toMatchObject({ hasAppSecret: false, missing: expect.stringContaining('the app secret') as string });
    expect(await secrets.get(serverSecretKey(saved.id))).toBeNull();

    await call(c, 'threadsServers.remove', { serverId: saved.id });
    expect((await call<ThreadsServer[]>(c, 'threadsServers.list')).map((s) => s.id)).toEqual(['threads', 'sandbox']);
  });

  it('fills in the Threads preset, which then is ready', async () => {
    const { core: c } = start();
    const { name: _name, ...rest } = custom;
    const saved = await call<ThreadsServer>(c, 'threadsServers.save', { ...rest, name: 'Threads', id: 'threads' });
    expect(saved).toMatchObject({ id: 'threads', preset: 'threads', missing: null });
  });

  it('refuses plain http away from this computer, edits to the sandbox preset, and removing a preset', async () => {
    const { core: c } = start();
    await expect(call(c, 'threadsServers.save', { ...custom, apiBase: 'http://graph.example.com' })).rejects.toMatchObject({
      code: 'servers.invalid',
      message: expect.stringContaining('https') as string,
    });
    await expect(call(c, 'threadsServers.save', { ...custom, redirectUri: 'http://example.com/cb' })).rejects.toMatchObject({ code: 'input.invalid' });
    await expect(call(c, 'threadsServers.save', { ...custom, id: 'sandbox' })).rejects.toMatchObject({ code: 'servers.invalid' });
    await expect(call(c, 'threadsServers.remove', { serverId: 'threads' })).rejects.toMatchObject({ code: 'servers.invalid' });
    await expect(call(c, 'threadsServers.remove', { serverId: 'nope' })).rejects.toMatchObject({ code: 'servers.invalid' });
  });
});
