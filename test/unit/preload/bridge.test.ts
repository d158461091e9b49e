import { describe, expect, it, vi } from 'vitest';
import { EVENT_CHANNEL, EVENT_NAMES, METHOD_NAMES, ipcChannel, type EventName } from '@shared/contract';
import type { WireResult } from '@shared/errors';
import { createBridge } from '../../../electron/preload/bridge';

type Listener = (event: unknown, ...args: unknown[]) => void;

/** Records invokes and keeps real listener sets, like Electron's ipcRenderer. */
function fakeIpcRenderer(answer: (channel: string, input: unknown) => WireResult<unknown> = () => ({ ok: true, value: null })) {
  const listeners = new Map<string, Set<Listener>>();
  return {
    listeners,
    invoke: vi.fn<(channel: string, ...args: unknown[]) => Promise<unknown>>((channel, ...args) =>
      Promise.resolve(answer(channel, args[0])),
    ),
    on(channel: string, listener: Listener): void {
      const set = listeners.get(channel) ?? new Set();
      set.add(listener);
      listeners.set(channel, set);
    },
    removeListener(channel: string, listener: Listener): void {
      listeners.get(channel)?.delete(listener);
    },
    /** What the main process's webContents.send(channel, ...args) delivers. */
    emit(channel: string, ...args: unknown[]): void {
      for (const listener of listeners.get(channel) ?? []) listener({ sender: 'ipc' }, ...args);
    },
    count(channel: string): number {
      return listeners.get(channel)?.size ?? 0;
    },
  };
}

type LooseApi = Record<string, Record<string, (input?: unknown) => Promise<unknown>>>;

function loose(bridge: ReturnType<typeof createBridge>): LooseApi {
  return bridge as unknown as LooseApi;
}

function split(name: string): [string, string] {
  const dot = name.indexOf('.');
  return [name.slice(0, dot), name.slice(dot + 1)];
}

describe('createBridge', () => {
  it("exposes exactly the contract's methods, grouped by domain, plus on", () => {
    const bridge = createBridge(fakeIpcRenderer());
    const domains = [...new Set(METHOD_NAMES.map((name) => split(name)[0]))].sort();
    expect(Object.keys(bridge).sort()).toEqual([...domains, 'on'].sort());
    expect(typeof bridge.on).toBe('function');

    const exposed: string[] = [];
    for (const domain of domains) {
      const group = loose(bridge)[domain] ?? {};
      for (const [action, fn] of Object.entries(group)) {
        expect(typeof fn).toBe('function');
        exposed.push(`${domain}.${action}`);
      }
    }
    expect(exposed.sort()).toEqual([...METHOD_NAMES].sort());
  });

  it('never exposes ipcRenderer or a way to pick a channel', () => {
    const ipc = fakeIpcRenderer();
    const bridge = createBridge(ipc);
    const seen = new Set<unknown>();
    const walk = (value: unknown): void => {
      if (typeof value !== 'object' || value === null || seen.has(value)) return;
      seen.add(value);
      for (const child of Object.values(value)) {
        expect(child).not.toBe(ipc);
        expect(child).not.toBe(ipc.invoke);
        walk(child);
      }
    };
    walk(bridge);
    expect(JSON.stringify(Object.keys(bridge))).not.toMatch(/invoke|send|ipc/i);
  });

  it.each(METHOD_NAMES)('%s invokes its own contract channel with the input', async (name) => {
    const ipc = fakeIpcRenderer((channel, input) => ({ ok: true, value: { channel, input } }));
    const bridge = createBridge(ipc);
    const [domain, action] = split(name);
    const input = { probe: name };
    const value = await loose(bridge)[domain]?.[action]?.(input);
    expect(ipc.invoke).toHaveBeenCalledExactlyOnceWith(ipcChannel(name), input);
    expect(value).toEqual({ channel: ipcChannel(name), input });
  });

  it('resolves with the value of a successful call', async () => {
    const settings = { theme: 'dark' as const, reduceMotion: true };
    const ipc = fakeIpcRenderer(() => ({ ok: true, value: settings }));
    const bridge = createBridge(ipc);
    await expect(bridge.settings.set({ theme: 'dark', reduceMotion: true })).resolves.toEqual(settings);
    expect(ipc.invoke).toHaveBeenCalledWith('braid:settings.set', { theme: 'dark', reduceMotion: true });
  });

  it('rejects a failed call with a plain { code, message } object, not an Error', async () => {
    const ipc = fakeIpcRenderer(
      () =>
        ({
          ok: false,
          error: { code: 'input.invalid', message: 'Invalid arguments for settings.set: theme: bad', stack: 'leak' },
        }) as WireResult<unknown>,
    );
    const bridge = createBridge(ipc);
    const error = await bridge.settings.set({ theme: 'light' }).then(
      () => {
        throw new Error('expected the call to fail');
      },
      (reason: unknown) => reason,
    );
    expect(error).not.toBeInstanceOf(Error);
    expect(Object.getPrototypeOf(error)).toBe(Object.prototype);
    // Exactly the two wire fields: anything else the backend sent is dropped.
    expect(error).toStrictEqual({ code: 'input.invalid', message: 'Invalid arguments for settings.set: theme: bad' });
  });

  it('lets an IPC failure itself reach the caller', async () => {
    const ipc = fakeIpcRenderer();
    ipc.invoke.mockRejectedValueOnce(new Error("No handler registered for 'braid:app.info'"));
    await expect(createBridge(ipc).app.info()).rejects.toThrow('No handler registered');
  });

  describe('on', () => {
    it('refuses an event name outside the contract and listens to nothing', () => {
      const ipc = fakeIpcRenderer();
      const bridge = createBridge(ipc);
      for (const name of ['settings.exploded', '', '__proto__', 'toString', 'braid:event']) {
        expect(() => bridge.on(name as EventName, () => undefined)).toThrow(TypeError);
      }
      expect(ipc.count(EVENT_CHANNEL)).toBe(0);
    });

    it('delivers only events with the name listened to, with their payload', () => {
      const ipc = fakeIpcRenderer();
      const bridge = createBridge(ipc);
      const settings = vi.fn();
      const accounts = vi.fn();
      bridge.on('settings.changed', settings);
      bridge.on('accounts.changed', accounts);
      expect(EVENT_NAMES).toEqual(expect.arrayContaining(['settings.changed', 'accounts.changed']));

      const payload = { theme: 'light', reduceMotion: false };
      ipc.emit(EVENT_CHANNEL, 'settings.changed', payload);
      ipc.emit(EVENT_CHANNEL, 'something.else', { theme: 'dark' });
      ipc.emit('braid:other-channel', 'settings.changed', { theme: 'dark' });

      expect(settings).toHaveBeenCalledExactlyOnceWith(payload);
      expect(accounts).not.toHaveBeenCalled();

      ipc.emit(EVENT_CHANNEL, 'accounts.changed', []);
      expect(accounts).toHaveBeenCalledExactlyOnceWith([]);
      expect(settings).toHaveBeenCalledTimes(1);
    });

    it('returns a function that removes exactly its own listener', () => {
      const ipc = fakeIpcRenderer();
      const bridge = createBridge(ipc);
      const kept = vi.fn();
      const dropped = vi.fn();
      bridge.on('settings.changed', kept);
      const off = bridge.on('settings.changed', dropped);
      expect(ipc.count(EVENT_CHANNEL)).toBe(2);

      off();
      expect(ipc.count(EVENT_CHANNEL)).toBe(1);
      ipc.emit(EVENT_CHANNEL, 'settings.changed', { theme: 'dark', reduceMotion: false });
      expect(dropped).not.toHaveBeenCalled();
      expect(kept).toHaveBeenCalledTimes(1);

      off();
      expect(ipc.count(EVENT_CHANNEL)).toBe(1);
    });
  });
});
