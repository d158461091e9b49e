/**
 * The renderer's host client (renderer/src/lib/host-client.ts) against the real host and core,
 * over real HTTP and WebSocket: what the browser does, minus the browser.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket as NodeWebSocket } from 'ws';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isWireError } from '@shared/errors';
import type { Settings } from '@shared/model';
import { createCore, type Core } from '../../electron/core/app';
import { MIGRATIONS } from '../../electron/core/db/migrations';
import { createLogger } from '../../electron/core/log';
import { MemorySecretStore } from '../../electron/core/secrets/memory-store';
import { startHost, type RunningHost } from '../../electron/host/server';
import { createHostClient, type HostClient } from '../../renderer/src/lib/host-client';

let dir: string;
let core: Core;
let host: RunningHost;
let clients: HostClient[];

function makeCore(): Core {
  return createCore({
    dataDir: join(dir, 'data'),
    secrets: new MemorySecretStore(),
    fetch: globalThis.fetch,
    clock: { now: () => Date.now() },
    shell: 'browser',
    appVersion: '0.0.0-test',
    logger: createLogger(() => undefined),
  });
}

function connect(token = host.token): HostClient {
  const origin = host.origin;
  // Browsers always send Origin on a WebSocket handshake; Node's built-in client does not, so use ws.
  const openSocket = (url: string) => new NodeWebSocket(url, { origin }) as unknown as WebSocket;
  const client = createHostClient(token, { origin, openSocket });
  clients.push(client);
  return client;
}

function nextConnectionState(client: HostClient, wanted: boolean): Promise<void> {
  return new Promise((resolve) => {
    const stop = client.onConnectionChange((connected) => {
      if (connected === wanted) {
        stop();
        resolve();
      }
    });
  });
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'braid-host-client-'));
  mkdirSync(join(dir, 'renderer'));
  writeFileSync(join(dir, 'renderer', 'index.html'), '<html><head></head><body></body></html>');
  core = makeCore();
  host = await startHost({ core, rendererDir: join(dir, 'renderer') });
  clients = [];
});

afterEach(async () => {
  for (const client of clients) client.close();
  await host.close();
  core.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('host client', () => {
  it('calls contract methods by domain and resolves with their values', async () => {
    const braid = connect();
    await expect(braid.app.info()).resolves.toMatchObject({ name: 'Braid', shell: 'browser', schemaVersion: MIGRATIONS.length });
    await expect(braid.accounts.list()).resolves.toEqual([]);
    const saved = await braid.settings.set({ theme: 'dark' });
    expect(saved.theme).toBe('dark');
    await expect(braid.settings.get()).resolves.toMatchObject({ theme: 'dark' });
  });

  it('rejects with a plain { code, message } when the backend refuses a call', async () => {
    const braid = connect();
    // Bypass the types the way a buggy or hostile caller would.
    const bad = braid.settings.set({ theme: 'purple' } as unknown as Partial<Settings>);
    await expect(bad).rejects.toSatisfy(isWireError);
    await expect(bad).rejects.toMatchObject({ code: 'input.invalid' });
    await expect(bad).rejects.not.toBeInstanceOf(Error);
  });

  it('is refused with a wrong token', async () => {
    const braid = connect('not-the-token');
    await expect(braid.app.info()).rejects.toMatchObject({ code: 'caller.forbidden' });
  });

  it('delivers pushed events to listeners of that event only, until unsubscribed', async () => {
    const braid = connect();
    await nextConnectionState(braid, true);
    const seen: string[] = [];
    const accountsSeen: unknown[] = [];
    braid.on('accounts.changed', (accounts) => accountsSeen.push(accounts));
    const changed = new Promise<Settings>((resolve) => {
      const stop = braid.on('settings.changed', (settings) => {
        seen.push(settings.theme);
        stop();
        resolve(settings);
      });
    });
    await braid.settings.set({ theme: 'light' });
    await expect(changed).resolves.toMatchObject({ theme: 'light' });

    // A second change after unsubscribing reaches nobody; a fresh listener proves it was sent.
    const again = new Promise<void>((resolve) => braid.on('settings.changed', () => resolve()));
    await braid.settings.set({ theme: 'dark' });
    await again;
    expect(seen).toEqual(['light']);
    expect(accountsSeen).toEqual([]);
  });

  it('reports a lost host, says so on calls, and reconnects when the host is back on the same port', async () => {
    const braid = connect();
    await nextConnectionState(braid, true);
    const { port, token } = host;

    const lost = nextConnectionState(braid, false);
    await host.close();
    await lost;
    await expect(braid.app.info()).rejects.toMatchObject({ code: 'host.unreachable' });

    host = await startHost({ core, rendererDir: join(dir, 'renderer'), port, token });
    await nextConnectionState(braid, true);
    await expect(braid.app.info()).resolves.toMatchObject({ name: 'Braid' });
  });

  it('refuses unknown event names instead of silently never firing', () => {
    const braid = connect();
    expect(() => braid.on('no.such.event' as 'settings.changed', () => undefined)).toThrow(/no event named/);
  });
});
