import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { METHOD_NAMES, type CoreHandlers } from '@shared/contract';
import { BraidError, isWireError, type WireResult } from '@shared/errors';
import { DEFAULT_SETTINGS, type AppInfo, type SettingsPatch } from '@shared/model';
import { createDispatcher, describeIssues } from '../../../electron/core/dispatch';
import { captureLogger } from './helpers';

const info: AppInfo = { name: 'Braid', version: '1.2.3', shell: 'electron', platform: 'linux', schemaVersion: 1, logFile: null, sandboxMastodon: null };

function makeHandlers(overrides: Partial<CoreHandlers> = {}): CoreHandlers {
  // Methods these tests do not exercise fail loudly if called.
  const unused = Object.fromEntries(
    METHOD_NAMES.map((name) => [name, vi.fn(() => Promise.reject(new Error(`${name} is not used in these tests`)))]),
  ) as unknown as CoreHandlers;
  return {
    ...unused,
    'app.info': vi.fn(() => info),
    'accounts.list': vi.fn(() => []),
    'settings.get': vi.fn(() => DEFAULT_SETTINGS),
    'settings.set': vi.fn((patch: SettingsPatch) => ({ ...DEFAULT_SETTINGS, ...patch })),
    ...overrides,
  };
}

function setup(overrides: Partial<CoreHandlers> = {}) {
  const handlers = makeHandlers(overrides);
  const capture = captureLogger();
  return { handlers, ...capture, dispatch: createDispatcher(handlers, capture.log) };
}

function failure(result: WireResult<unknown>) {
  if (result.ok) throw new Error(`expected a failure, got ${JSON.stringify(result.value)}`);
  expect(isWireError(result.error)).toBe(true);
  return result.error;
}

describe('createDispatcher', () => {
  it('returns the handler value for a valid call', async () => {
    const { dispatch, handlers } = setup();
    await expect(dispatch('app.info', undefined)).resolves.toEqual({ ok: true, value: info });
    await expect(dispatch('settings.set', { theme: 'dark' })).resolves.toEqual({
      ok: true,
      value: { theme: 'dark', reduceMotion: false },
    });
    expect(handlers['settings.set']).toHaveBeenCalledWith({ theme: 'dark' });
  });

  it('awaits async handlers', async () => {
    const { dispatch } = setup({ 'settings.get': () => Promise.resolve({ theme: 'light', reduceMotion: true }) });
    await expect(dispatch('settings.get', undefined)).resolves.toEqual({
      ok: true,
      value: { theme: 'light', reduceMotion: true },
    });
  });

  it('drops fields the contract does not declare from the answer', async () => {
    const leaky = { ...info, dataDir: '/home/ada/.config/Braid' };
    const { dispatch } = setup({ 'app.info': () => leaky });
    const result = await dispatch('app.info', undefined);
    expect(result).toEqual({ ok: true, value: info });
  });

  it.each([['nope.method'], ['app'], ['toString'], ['__proto__'], [''], [42], [null], [undefined], [{}], [['app.info']]])(
    'answers method.unknown for %j without calling a handler',
    async (name) => {
      const { dispatch, handlers } = setup();
      const error = failure(await dispatch(name, undefined));
      expect(error.code).toBe('method.unknown');
      expect(error.message).toMatch(/^Braid has no method named /);
      for (const handler of Object.values(handlers)) expect(handler).not.toHaveBeenCalled();
    },
  );

  it('names the unknown method in the message', async () => {
    const { dispatch } = setup();
    expect(failure(await dispatch('timeline.explode', undefined)).message).toBe(
      'Braid has no method named timeline.explode.',
    );
  });

  it('does not let a non-string name pose as a method name in the message', async () => {
    const { dispatch } = setup();
    expect(failure(await dispatch(['app.info'], undefined)).message).toBe('Braid has no method named [object Array].');
    expect(failure(await dispatch(null, undefined)).message).toBe('Braid has no method named null.');
  });

  it('answers input.invalid naming the bad field, without calling the handler', async () => {
    const { dispatch, handlers } = setup();
    const error = failure(await dispatch('settings.set', { theme: 'purple' }));
    expect(error.code).toBe('input.invalid');
    expect(error.message).toMatch(/^Invalid arguments for settings\.set: theme: /);
    expect(handlers['settings.set']).not.toHaveBeenCalled();
  });

  it('answers input.invalid for a wrong-typed field and for an unknown field', async () => {
    const { dispatch } = setup();
    const wrongType = failure(await dispatch('settings.set', { reduceMotion: 'yes' }));
    expect(wrongType.code).toBe('input.invalid');
    expect(wrongType.message).toContain('reduceMotion');

    const unknownKey = failure(await dispatch('settings.set', { fontSize: 14 }));
    expect(unknownKey.code).toBe('input.invalid');
    expect(unknownKey.message).toContain('fontSize');
  });

  it.each([[{}], [null], ['x'], [0]])('answers input.invalid when a no-argument method gets %j', async (input) => {
    const { dispatch, handlers } = setup();
    const error = failure(await dispatch('app.info', input));
    expect(error.code).toBe('input.invalid');
    expect(error.message).toMatch(/^Invalid arguments for app\.info: value: /);
    expect(handlers['app.info']).not.toHaveBeenCalled();
  });

  it('answers output.invalid when a handler breaks the contract, and logs it as an error', async () => {
    const { dispatch, records } = setup({
      'app.info': () => ({ ...info, schemaVersion: -1 }),
    });
    const error = failure(await dispatch('app.info', undefined));
    expect(error).toEqual({
      code: 'output.invalid',
      message: 'Braid produced an unexpected answer for app.info. This is a bug.',
    });
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ level: 'error', scope: 'dispatch.app.info' });
    expect(records[0]?.message).toMatch(/handler returned a value outside the contract.*schemaVersion/);
  });

  it('passes a BraidError through with its code and message, logging a warning', async () => {
    const { dispatch, records } = setup({
      'accounts.list': () => {
        throw new BraidError('secrets.unavailable', 'Unlock your keychain and restart Braid.', {
          cause: new Error('dbus said no'),
        });
      },
    });
    const result = await dispatch('accounts.list', undefined);
    expect(result).toEqual({
      ok: false,
      error: { code: 'secrets.unavailable', message: 'Unlock your keychain and restart Braid.' },
    });
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ level: 'warn', scope: 'dispatch.accounts.list' });
    expect(records[0]?.message).toContain('dbus said no');
  });

  it('answers internal, without the original message, when a handler throws a plain Error', async () => {
    const secret = 'tok_9f8e7d6c5b4a39281706f5e4d3c2b1a0';
    const { dispatch, records } = setup({
      'settings.get': () => {
        throw new Error(`GET /api/v1/accounts failed with Authorization: Bearer ${secret}`);
      },
    });
    const error = failure(await dispatch('settings.get', undefined));
    expect(error.code).toBe('internal');
    expect(error.message).toBe("Something went wrong in settings.get. Details are in Braid's log.");
    expect(JSON.stringify(error)).not.toContain(secret);
    expect(JSON.stringify(error)).not.toContain('Bearer');
    // The details go to the log (where registered secrets are redacted; see log.test.ts).
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ level: 'error', scope: 'dispatch.settings.get' });
    expect(records[0]?.message).toContain('unexpected failure: Error: GET /api/v1/accounts failed');
  });

  it.each([
    ['a rejected promise', () => Promise.reject(new TypeError('x is undefined'))],
    ['a thrown string', () => { throw 'just a string'; }], // eslint-disable-line @typescript-eslint/only-throw-error
    ['a thrown undefined', () => { throw undefined; }], // eslint-disable-line @typescript-eslint/only-throw-error
    ['a thrown wire-shaped object', () => { throw { code: 'storage.failed', message: 'pretend' }; }], // eslint-disable-line @typescript-eslint/only-throw-error
  ])('answers internal for %s', async (_label, handler) => {
    const { dispatch, records } = setup({ 'settings.get': handler });
    expect(failure(await dispatch('settings.get', undefined)).code).toBe('internal');
    expect(records.map((r) => r.level)).toEqual(['error']);
  });

  it('never rejects, whatever it is called with', async () => {
    const { dispatch } = setup({
      'settings.set': () => {
        throw new Error('boom');
      },
    });
    const throwingToString = {
      toString() {
        throw new Error('toString boom');
      },
    };
    const throwingGetter = {
      get theme(): string {
        throw new Error('getter boom');
      },
    };
    const calls: [unknown, unknown][] = [
      [Object.create(null), undefined],
      [throwingToString, undefined],
      [Symbol('app.info'), undefined],
      ['settings.set', throwingGetter],
      ['settings.set', { theme: 'dark' }],
      ['settings.set', Object.create(null)],
      ['x'.repeat(100_000), undefined],
    ];
    const codes: string[] = [];
    for (const [name, input] of calls) {
      codes.push(failure(await dispatch(name, input)).code);
    }
    expect(codes).toEqual([
      'method.unknown',
      'method.unknown',
      'method.unknown',
      'internal', // the getter threw while the input was being read
      'internal', // valid input, the handler throws
      'internal', // an empty patch is valid, the handler throws
      'method.unknown',
    ]);
  });
});

describe('describeIssues', () => {
  it('names each failing path and uses "value" for the root', () => {
    const schema = z.object({ a: z.string(), nested: z.object({ b: z.number() }) });
    const rootError = z.string().safeParse(1).error;
    const fieldError = schema.safeParse({ a: 1, nested: { b: 'x' } }).error;
    expect(rootError && describeIssues(rootError)).toMatch(/^value: /);
    expect(fieldError && describeIssues(fieldError)).toMatch(/^a: .+; nested\.b: .+$/);
  });

  it('keeps at most three issues so the message stays one readable line', () => {
    const schema = z.object({ a: z.string(), b: z.string(), c: z.string(), d: z.string(), e: z.string() });
    const error = schema.safeParse({}).error;
    expect(error).toBeDefined();
    const text = describeIssues(error!);
    expect(text.split('; ')).toHaveLength(3);
    expect(text).not.toContain('d:');
  });
});
