import { describe, expect, it, vi } from 'vitest';
import { buildMethods, type Invoker } from '@shared/api';
import { METHOD_NAMES, type MethodName } from '@shared/contract';
import type { WireError } from '@shared/errors';

function build() {
  const invoke = vi.fn<Invoker>((name, input) => Promise.resolve({ echoed: name, input }));
  return { invoke, api: buildMethods(invoke) as unknown as Record<string, Record<string, (input?: unknown) => Promise<unknown>>> };
}

function split(name: MethodName): [string, string] {
  const [domain = '', action = ''] = name.split('.');
  return [domain, action];
}

describe('buildMethods', () => {
  it('builds one function per contract method, nested by domain, and nothing else', () => {
    const { api } = build();
    const expected: Record<string, string[]> = {};
    for (const name of METHOD_NAMES) {
      const [domain, action] = split(name);
      (expected[domain] ??= []).push(action);
    }

    expect(Object.keys(api).sort()).toEqual(Object.keys(expected).sort());
    for (const [domain, actions] of Object.entries(expected)) {
      expect(Object.keys(api[domain] ?? {}).sort()).toEqual([...actions].sort());
      for (const action of actions) expect(typeof api[domain]?.[action]).toBe('function');
    }
    const total = Object.values(api).reduce((n, group) => n + Object.keys(group).length, 0);
    expect(total).toBe(METHOD_NAMES.length);
  });

  it('has no "on" or other extras: events are added by each shell', () => {
    const { api } = build();
    expect(Object.hasOwn(api, 'on')).toBe(false);
  });

  it.each(METHOD_NAMES)('%s calls the invoker with its dotted name and passes its answer back', async (name) => {
    const { api, invoke } = build();
    const [domain, action] = split(name);
    const input = { marker: name };
    const fn = api[domain]?.[action];
    expect(fn).toBeDefined();

    await expect(fn!(input)).resolves.toEqual({ echoed: name, input });
    expect(invoke).toHaveBeenCalledTimes(1);
    expect(invoke).toHaveBeenCalledWith(name, input);
  });

  it('passes undefined for a call without an argument', async () => {
    const { api, invoke } = build();
    await api.app?.info?.();
    expect(invoke).toHaveBeenCalledWith('app.info', undefined);
  });

  it('passes a rejection from the invoker through unchanged', async () => {
    const wire: WireError = { code: 'internal', message: 'nope' };
    // The bridges reject with a plain { code, message } (Error properties do not survive IPC).
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
    const invoke = vi.fn<Invoker>(() => Promise.reject(wire));
    const api = buildMethods(invoke);
    await expect(api.settings.get()).rejects.toBe(wire);
    await expect(api.settings.set({ theme: 'dark' })).rejects.toBe(wire);
    expect(invoke).toHaveBeenLastCalledWith('settings.set', { theme: 'dark' });
  });
});
