import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { METHOD_NAMES, ipcChannel } from '@shared/contract';
import type { WireResult } from '@shared/errors';
import { createCore, type Core } from '../../../electron/core/app';
import type { Dispatch } from '../../../electron/core/dispatch';
import { MemorySecretStore } from '../../../electron/core/secrets/memory-store';
import { registerIpc } from '../../../electron/main/ipc';
import { isTrustedFrame, trustedOrigins, type FrameLike } from '../../../electron/main/trust';
import { APP_FRAME, fakeIpcMain, recordingLogger } from './fakes';

const origins = trustedOrigins();

function setup() {
  const { log, records } = recordingLogger();
  const core: Core = createCore({
    dataDir: ':memory:',
    secrets: new MemorySecretStore(),
    fetch: () => Promise.reject(new Error('unit tests have no network')),
    clock: { now: () => 0 },
    shell: 'electron',
    appVersion: '0.0.0-test',
    logger: log,
  });
  const dispatch = vi.fn<Dispatch>((name, input) => core.dispatch(name, input));
  const ipcMain = fakeIpcMain();
  const dispose = registerIpc({
    ipcMain,
    dispatch,
    isTrustedSender: (frame) => isTrustedFrame(frame, origins),
    log,
  });
  return { core, dispatch, ipcMain, dispose, records };
}

/** Sends a call like ipcRenderer.invoke would and reads back the wire result. */
async function call(
  ipcMain: ReturnType<typeof fakeIpcMain>,
  channel: string,
  frame: FrameLike | null,
  ...args: unknown[]
): Promise<WireResult<unknown>> {
  return (await ipcMain.invoke(channel, frame, ...args)) as WireResult<unknown>;
}

describe('registerIpc', () => {
  let ctx: ReturnType<typeof setup>;
  beforeEach(() => {
    ctx = setup();
  });
  afterEach(() => {
    ctx.core.close();
  });

  it('registers exactly one channel per contract method and nothing else', () => {
    const expected = METHOD_NAMES.map(ipcChannel).sort();
    expect([...ctx.ipcMain.handlers.keys()].sort()).toEqual(expected);
    expect(expected).toHaveLength(METHOD_NAMES.length);
    expect(ctx.ipcMain.handlers.size).toBeGreaterThan(0);
  });

  it('answers a call from the app top frame through the dispatcher', async () => {
    const result = await call(ctx.ipcMain, ipcChannel('settings.set'), APP_FRAME, { theme: 'dark' });
    expect(result).toEqual({ ok: true, value: { theme: 'dark', reduceMotion: false } });
    expect(ctx.dispatch).toHaveBeenCalledWith('settings.set', { theme: 'dark' });

    const info = await call(ctx.ipcMain, ipcChannel('app.info'), APP_FRAME, undefined);
    expect(info).toMatchObject({ ok: true, value: { name: 'Braid', version: '0.0.0-test', shell: 'electron' } });
  });

  it('routes each channel to its own method', async () => {
    for (const name of METHOD_NAMES) {
      ctx.dispatch.mockClear();
      await call(ctx.ipcMain, ipcChannel(name), APP_FRAME, undefined);
      expect(ctx.dispatch).toHaveBeenCalledTimes(1);
      expect(ctx.dispatch.mock.calls[0]?.[0]).toBe(name);
    }
  });

  it.each<[string, FrameLike | null]>([
    ['a foreign top frame', { url: 'https://evil.example/', parent: null }],
    ['a subframe of the app', { url: 'braid://app/index.html', parent: APP_FRAME }],
    ['a file: page', { url: 'file:///tmp/index.html', parent: null }],
    ['a closed frame', null],
  ])('refuses %s with caller.forbidden without dispatching', async (_label, frame) => {
    const before = await call(ctx.ipcMain, ipcChannel('settings.get'), APP_FRAME, undefined);
    ctx.dispatch.mockClear();

    const result = await call(ctx.ipcMain, ipcChannel('settings.set'), frame, { theme: 'light' });
    expect(result).toEqual({ ok: false, error: { code: 'caller.forbidden', message: expect.stringContaining('settings.set') as string } });
    expect(ctx.dispatch).not.toHaveBeenCalled();
    expect(ctx.records.some((r) => r.level === 'warn' && r.scope === 'ipc' && r.message.includes('refused settings.set'))).toBe(true);

    // Nothing changed behind the refusal.
    const after = await call(ctx.ipcMain, ipcChannel('settings.get'), APP_FRAME, undefined);
    expect(after).toEqual(before);
  });

  it('refuses, rather than failing the call, when reading the sender frame throws', async () => {
    const destroyed = {
      get url(): string {
        throw new Error('Render frame was disposed before WebFrameMain could be accessed');
      },
      parent: null,
    };
    const result = await call(ctx.ipcMain, ipcChannel('settings.get'), destroyed);
    expect(result).toMatchObject({ ok: false, error: { code: 'caller.forbidden' } });
    expect(ctx.dispatch).not.toHaveBeenCalled();
  });

  it('returns input.invalid naming the problem for arguments outside the schema', async () => {
    const wrongValue = await call(ctx.ipcMain, ipcChannel('settings.set'), APP_FRAME, { theme: 'neon' });
    expect(wrongValue).toEqual({
      ok: false,
      error: { code: 'input.invalid', message: expect.stringMatching(/settings\.set.*theme/) as string },
    });

    const unknownKey = await call(ctx.ipcMain, ipcChannel('settings.set'), APP_FRAME, { colour: 'red' });
    expect(unknownKey).toMatchObject({ ok: false, error: { code: 'input.invalid' } });
    expect(unknownKey.ok ? '' : unknownKey.error.message).toContain('colour');

    const notAnObject = await call(ctx.ipcMain, ipcChannel('settings.set'), APP_FRAME, 'dark');
    expect(notAnObject).toMatchObject({ ok: false, error: { code: 'input.invalid' } });

    const argumentWhereNoneIsTaken = await call(ctx.ipcMain, ipcChannel('app.info'), APP_FRAME, { verbose: true });
    expect(argumentWhereNoneIsTaken).toMatchObject({
      ok: false,
      error: { code: 'input.invalid', message: expect.stringContaining('app.info') as string },
    });

    // The refused patch was not applied.
    const settings = await call(ctx.ipcMain, ipcChannel('settings.get'), APP_FRAME, undefined);
    expect(settings).toEqual({ ok: true, value: { theme: 'system', reduceMotion: false } });
  });

  it('refuses more than one argument without dispatching', async () => {
    ctx.dispatch.mockClear();
    const result = await call(ctx.ipcMain, ipcChannel('settings.set'), APP_FRAME, { theme: 'dark' }, 'extra');
    expect(result).toEqual({
      ok: false,
      error: { code: 'input.invalid', message: expect.stringContaining('settings.set') as string },
    });
    expect(ctx.dispatch).not.toHaveBeenCalled();
  });

  it('accepts a call with no argument at all for a method without input', async () => {
    const result = await call(ctx.ipcMain, ipcChannel('accounts.list'), APP_FRAME);
    expect(result).toEqual({ ok: true, value: [] });
  });

  it('returns a disposer that removes every handler it added', () => {
    ctx.dispose();
    expect(ctx.ipcMain.removed.sort()).toEqual(METHOD_NAMES.map(ipcChannel).sort());
    expect(ctx.ipcMain.handlers.size).toBe(0);
  });
});

describe('registerIpc with a minimal dispatcher', () => {
  it('hands the dispatcher result back untouched, including a failure, and never throws', async () => {
    const ipcMain = fakeIpcMain();
    const { log } = recordingLogger();
    const dispatch = vi.fn<Dispatch>(() =>
      Promise.resolve({ ok: false, error: { code: 'storage.failed', message: 'disk full' } }),
    );
    registerIpc({ ipcMain, dispatch, isTrustedSender: () => true, log });
    await expect(ipcMain.invoke(ipcChannel('settings.get'), APP_FRAME, undefined)).resolves.toEqual({
      ok: false,
      error: { code: 'storage.failed', message: 'disk full' },
    });
  });

  it('asks the sender check about the exact frame that called', async () => {
    const ipcMain = fakeIpcMain();
    const { log } = recordingLogger();
    const isTrustedSender = vi.fn<(frame: FrameLike | null) => boolean>(() => false);
    const dispatch = vi.fn<Dispatch>();
    registerIpc({ ipcMain, dispatch, isTrustedSender, log });
    const frame: FrameLike = { url: 'braid://app/index.html', parent: null };
    await ipcMain.invoke(ipcChannel('app.info'), frame);
    expect(isTrustedSender).toHaveBeenCalledWith(frame);
    expect(dispatch).not.toHaveBeenCalled();
  });
});
