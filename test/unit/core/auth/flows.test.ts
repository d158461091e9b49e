import { describe, expect, it } from 'vitest';
import { BraidError } from '@shared/errors';
import type { LinkUpdate } from '@shared/linking';
import type { Account } from '@shared/model';
import { LinkFlows } from '../../../../electron/core/auth/flows';
import type { AuthWindowOpener } from '../../../../electron/core/auth/shell-hooks';
import type { LinkTarget } from '../../../../electron/core/auth/target';
import { CoreEvents } from '../../../../electron/core/events';
import { captureLogger } from '../helpers';

const account: Account = {
  id: 'a1',
  network: 'threads',
  server: 'https://graph.example',
  remoteId: '1',
  handle: 'lin',
  displayName: 'Lin',
  avatarUrl: null,
  status: 'ok',
  statusMessage: null,
  linkedAt: '2026-01-01T00:00:00.000Z',
};

function target(exchanged: string[]): LinkTarget {
  return {
    network: 'threads',
    server: 'https://graph.example',
    serverName: 'Example',
    threadsServerId: 'x',
    methods: ['window', 'paste'],
    redirectUriFor: () => 'https://braid.example/cb',
    authorizeUrl: ({ state }) => `https://example.test/oauth?state=${state}`,
    exchange: ({ code }) => {
      exchanged.push(code);
      return Promise.resolve({ remoteId: '1', handle: 'lin', displayName: 'Lin', avatarUrl: null, token: 'tok', tokenIssuedAt: null, tokenExpiresAt: null });
    },
  };
}

function setup(authWindow?: AuthWindowOpener, opened: string[] = []) {
  const events = new CoreEvents();
  const updates: LinkUpdate[] = [];
  events.on('accounts.linkUpdated', (u) => updates.push(u));
  const flows = new LinkFlows({
    events,
    log: captureLogger().log,
    now: () => 0,
    authWindow,
    openExternal: (url) => {
      opened.push(url);
      return Promise.resolve(true);
    },
    store: () => Promise.resolve(account),
  });
  return { flows, updates };
}

const stateOf = (url: string) => new URL(url).searchParams.get('state') ?? '';

describe('sign-in flows', () => {
  it('prefers the auth window where the shell has one, and finishes with the redirect it caught', async () => {
    const exchanged: string[] = [];
    const opened: string[] = [];
    let release: (url: string) => void = () => undefined;
    const { flows, updates } = setup(() => new Promise((resolve) => (release = resolve)), opened);
    const flow = await flows.begin(target(exchanged));
    expect(flow).toMatchObject({ method: 'window', openedExternally: false });
    expect(opened).toEqual([]);
    release(`https://braid.example/cb?code=from-window&state=${stateOf(flow.authorizeUrl)}`);
    await expect.poll(() => updates.at(-1)?.phase).toBe('linked');
    expect(exchanged).toEqual(['from-window']);
    expect(flows.pending).toBe(0);
  });

  it('falls back to pasting without an auth window, and opens the page in the system browser', async () => {
    const opened: string[] = [];
    const { flows } = setup(undefined, opened);
    const flow = await flows.begin(target([]));
    expect(flow).toMatchObject({ method: 'paste', openedExternally: true });
    expect(opened).toEqual([flow.authorizeUrl]);
    await expect(flows.begin(target([]), 'window')).rejects.toMatchObject({ code: 'input.invalid' });
  });

  it('reports a closed sign-in window as cancelled, and aborts the window when the user cancels', async () => {
    const closed = setup(() => Promise.reject(new BraidError('link.cancelled', 'You closed the sign-in window.')));
    const flow = await closed.flows.begin(target([]));
    await expect.poll(() => closed.updates.at(-1)).toMatchObject({ flowId: flow.id, phase: 'cancelled' });

    let signal: AbortSignal | undefined;
    const cancelled = setup(({ signal: s }) => {
      signal = s;
      return new Promise(() => undefined);
    });
    const second = await cancelled.flows.begin(target([]));
    cancelled.flows.cancel(second.id);
    expect(signal?.aborted).toBe(true);
    expect(cancelled.updates.at(-1)).toMatchObject({ flowId: second.id, phase: 'cancelled' });
    await expect(cancelled.flows.complete(second.id, 'code-123')).rejects.toMatchObject({ code: 'link.unknown-flow' });
  });

  it('exchanges a code only once even when the paste and the redirect race', async () => {
    const exchanged: string[] = [];
    let release: (url: string) => void = () => undefined;
    const { flows } = setup(() => new Promise((resolve) => (release = resolve)));
    const flow = await flows.begin(target(exchanged));
    const state = stateOf(flow.authorizeUrl);
    const pasted = flows.complete(flow.id, `https://braid.example/cb?code=pasted&state=${state}`);
    release(`https://braid.example/cb?code=redirected&state=${state}`);
    await expect(pasted).resolves.toEqual(account);
    expect(exchanged).toEqual(['pasted']);
  });
});
