import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { CoreHandlers } from '@shared/contract';
import { BraidError } from '@shared/errors';
import type { Settings } from '@shared/model';
import { createCore, DATABASE_FILE, type Core, type CoreOptions } from '../../../electron/core/app';
import { createDispatcher } from '../../../electron/core/dispatch';
import { MIGRATIONS } from '../../../electron/core/db/migrations';
import { secretKey } from '../../../electron/core/secrets/secret-store';
import { MemorySecretStore } from '../../../electron/core/secrets/memory-store';
import { captureLogger, makeTempDir, readAllFiles } from './helpers';

const NOW = Date.UTC(2025, 5, 1, 12, 0, 0);

function options(overrides: Partial<CoreOptions> = {}): CoreOptions {
  return {
    dataDir: join(makeTempDir(), 'profile'),
    secrets: new MemorySecretStore(),
    fetch: vi.fn(() => Promise.reject(new Error('no network in unit tests'))),
    clock: { now: () => NOW },
    shell: 'electron',
    appVersion: '0.1.0-test',
    ...overrides,
  };
}

function tokenLikeSecret(): string {
  return `tok_${randomBytes(24).toString('hex')}`;
}

function withCore<T>(core: Core, run: (core: Core) => T): T {
  try {
    return run(core);
  } finally {
    core.close();
  }
}

describe('createCore', () => {
  it('creates the data folder and its database file', () => {
    const opts = options();
    expect(existsSync(opts.dataDir)).toBe(false);
    withCore(createCore(opts), () => {
      expect(existsSync(join(opts.dataDir, DATABASE_FILE))).toBe(true);
    });
  });

  it('answers app.info with name, version, shell, platform, schema version and log file', async () => {
    const opts = options({ shell: 'browser', appVersion: '9.8.7' });
    const core = createCore(opts);
    try {
      const expected = {
        name: 'Braid',
        version: '9.8.7',
        shell: 'browser',
        platform: process.platform,
        schemaVersion: MIGRATIONS.length,
        logFile: join(opts.dataDir, 'logs', 'braid.log'),
        sandboxMastodon: null,
      };
      expect(await core.handlers['app.info'](undefined)).toEqual(expected);
      expect(await core.dispatch('app.info', undefined)).toEqual({ ok: true, value: expected });
    } finally {
      core.close();
    }
  });

  it('writes its log to the data folder by default, and nowhere in memory-only mode', async () => {
    const opts = options();
    const core = createCore(opts);
    core.close();
    expect(readFileSync(join(opts.dataDir, 'logs', 'braid.log'), 'utf8')).toMatch(/INFO \[core\] database ready at schema \d+/);

    const memory = createCore(options({ dataDir: ':memory:' }));
    try {
      expect(await memory.handlers['app.info'](undefined)).toMatchObject({ logFile: null });
    } finally {
      memory.close();
    }
  });

  it('starts with no accounts and default settings', async () => {
    const core = createCore(options());
    try {
      expect(await core.dispatch('accounts.list', undefined)).toEqual({ ok: true, value: [] });
      expect(await core.dispatch('settings.get', undefined)).toEqual({
        ok: true,
        value: { theme: 'system', reduceMotion: false },
      });
    } finally {
      core.close();
    }
  });

  it('emits settings.changed with the full settings when settings.set succeeds', async () => {
    const core = createCore(options());
    try {
      const changed: Settings[] = [];
      const any: [string, unknown][] = [];
      core.events.on('settings.changed', (s) => changed.push(s));
      core.events.onAny((event, payload) => any.push([event, payload]));

      const result = await core.dispatch('settings.set', { theme: 'dark' });

      expect(result).toEqual({ ok: true, value: { theme: 'dark', reduceMotion: false } });
      expect(changed).toEqual([{ theme: 'dark', reduceMotion: false }]);
      expect(any).toEqual([['settings.changed', { theme: 'dark', reduceMotion: false }]]);
    } finally {
      core.close();
    }
  });

  it('emits nothing when settings.set is refused', async () => {
    const core = createCore(options());
    try {
      const listener = vi.fn();
      core.events.onAny(listener);
      const result = await core.dispatch('settings.set', { theme: 'neon' });
      expect(result).toMatchObject({ ok: false, error: { code: 'input.invalid' } });
      expect(listener).not.toHaveBeenCalled();
      expect(await core.dispatch('settings.get', undefined)).toMatchObject({ value: { theme: 'system' } });
    } finally {
      core.close();
    }
  });

  it('stops delivering events to a listener after it unsubscribes', async () => {
    const core = createCore(options());
    try {
      const listener = vi.fn();
      const off = core.events.on('settings.changed', listener);
      await core.dispatch('settings.set', { reduceMotion: true });
      off();
      await core.dispatch('settings.set', { reduceMotion: false });
      expect(listener).toHaveBeenCalledTimes(1);
    } finally {
      core.close();
    }
  });

  it('keeps settings across a restart with the same data folder', async () => {
    const opts = options();
    const first = createCore(opts);
    await first.dispatch('settings.set', { theme: 'light', reduceMotion: true });
    first.close();

    const second = createCore(opts);
    try {
      expect(await second.dispatch('settings.get', undefined)).toEqual({
        ok: true,
        value: { theme: 'light', reduceMotion: true },
      });
    } finally {
      second.close();
    }
  });

  it('runs entirely in memory with dataDir ":memory:"', async () => {
    const cwdEntry = join(process.cwd(), ':memory:');
    const core = createCore(options({ dataDir: ':memory:' }));
    try {
      expect(await core.dispatch('settings.set', { theme: 'dark' })).toMatchObject({ ok: true });
      expect(existsSync(cwdEntry)).toBe(false);
    } finally {
      core.close();
    }
  });

  it('logs through the given logger, timestamped by the clock', () => {
    const capture = captureLogger(() => NOW);
    withCore(createCore(options({ logger: capture.log })), (core) => {
      expect(core.log).toBe(capture.log);
    });
    expect(capture.records[0]).toMatchObject({
      level: 'info',
      scope: 'core',
      message: `database ready at schema ${MIGRATIONS.length}`,
      time: new Date(NOW).toISOString(),
    });
  });

  it('refuses a data folder written by a newer Braid', async () => {
    const opts = options();
    const core = createCore(opts);
    core.close();
    const Database = (await import('better-sqlite3')).default;
    const db = new Database(join(opts.dataDir, DATABASE_FILE));
    db.pragma('user_version = 99');
    db.close();

    expect(() => createCore(opts)).toThrow(BraidError);
    expect(() => createCore(opts)).toThrow(/Update Braid/);
  });

  it('can be closed twice', () => {
    const core = createCore(options());
    core.close();
    expect(() => core.close()).not.toThrow();
  });
});

describe('core.secrets', () => {
  it('passes values through to the SecretStore it was given', async () => {
    const store = new MemorySecretStore();
    const core = createCore(options({ secrets: store }));
    try {
      const key = secretKey('account', 'a1', 'token');
      await core.secrets.set(key, 'tok_passed_through');
      await expect(store.get(key)).resolves.toBe('tok_passed_through');
      await expect(core.secrets.get(key)).resolves.toBe('tok_passed_through');
      await expect(core.secrets.keys()).resolves.toEqual([key]);
      await expect(core.secrets.delete(key)).resolves.toBe(true);
      await expect(store.get(key)).resolves.toBeNull();
      await expect(core.secrets.get(key)).resolves.toBeNull();
    } finally {
      core.close();
    }
  });

  it('registers a value for redaction when it is read, not only when it is written', async () => {
    const store = new MemorySecretStore();
    const secret = tokenLikeSecret();
    await store.set('account:a1:token', secret); // e.g. saved by a previous run
    const capture = captureLogger();
    const core = createCore(options({ secrets: store, logger: capture.log }));
    try {
      await core.secrets.get('account:a1:token');
      core.log.error('sync', `request failed for ${secret}`);
      expect(capture.text()).not.toContain(secret);
      expect(capture.records.at(-1)?.message).toBe('request failed for [redacted]');
    } finally {
      core.close();
    }
  });
});

describe('secret scan', () => {
  it('never writes a secret to the database files or the log', async () => {
    const secret = tokenLikeSecret();
    const capture = captureLogger(() => NOW);
    const opts = options({ logger: capture.log });
    const core = createCore(opts);
    const failures: unknown[] = [];

    try {
      await core.secrets.set(secretKey('account', 'acct-1', 'token'), secret);

      // Ordinary work that writes to the database.
      expect(await core.dispatch('settings.set', { theme: 'dark', reduceMotion: true })).toMatchObject({ ok: true });
      expect(await core.dispatch('accounts.list', undefined)).toMatchObject({ ok: true });
      expect(await core.dispatch('app.info', undefined)).toMatchObject({ ok: true });

      // Handlers that fail with the secret in their error message, their cause and their log line.
      const leaky: CoreHandlers = {
        ...core.handlers,
        'settings.get': () => {
          throw new Error(`401 from server for Bearer ${secret}`);
        },
        'accounts.list': () => {
          throw new BraidError('secrets.unavailable', 'Unlock your keychain and restart Braid.', {
            cause: new Error(`keychain echoed ${secret}`),
          });
        },
        'app.info': () => {
          core.log.warn('handler', `about to use ${secret}`, { token: secret });
          throw new Error('plain failure', { cause: new Error(secret) });
        },
      };
      const dispatch = createDispatcher(leaky, core.log);
      for (const name of ['settings.get', 'accounts.list', 'app.info']) {
        const result = await dispatch(name, undefined);
        expect(result.ok).toBe(false);
        if (!result.ok) failures.push(result.error);
      }

      // While the database is open its writes may sit in the -wal file: scan that too.
      const whileOpen = readAllFiles(opts.dataDir);
      expect([...whileOpen.keys()]).toContain(`${DATABASE_FILE}-wal`);
      for (const [name, bytes] of whileOpen) expect(bytes.includes(secret), `${name} while open`).toBe(false);
    } finally {
      core.close();
    }

    const files = readAllFiles(opts.dataDir);
    expect([...files.keys()]).toContain(DATABASE_FILE);
    // The scan reads real content: the setting written above is there.
    expect(files.get(DATABASE_FILE)?.includes('reduceMotion')).toBe(true);
    for (const [name, bytes] of files) {
      expect(bytes.includes(secret), name).toBe(false);
      expect(bytes.includes(Buffer.from(secret, 'utf16le')), `${name} (UTF-16)`).toBe(false);
    }

    expect(failures).toHaveLength(3);
    expect(JSON.stringify(failures)).not.toContain(secret);

    const logged = capture.text();
    expect(logged).toContain('[redacted]');
    expect(logged).toContain('401 from server for Bearer [redacted]');
    expect(logged).toContain('keychain echoed [redacted]');
    expect(logged).not.toContain(secret);
  });

  it('keeps the secret out of the console when no logger is given', async () => {
    const lines: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((line: string) => void lines.push(line));
    vi.spyOn(console, 'error').mockImplementation((line: string) => void lines.push(line));
    const secret = tokenLikeSecret();
    const core = createCore(options());
    try {
      await core.secrets.set('account:a1:token', secret);
      const dispatch = createDispatcher(
        {
          ...core.handlers,
          'settings.get': () => {
            throw new Error(`refresh failed: ${secret}`);
          },
        },
        core.log,
      );
      expect(await dispatch('settings.get', undefined)).toMatchObject({ ok: false, error: { code: 'internal' } });
    } finally {
      core.close();
    }
    expect(lines.some((line) => line.includes(`${new Date(NOW).toISOString()} ERROR [dispatch.settings.get]`))).toBe(true);
    expect(lines.join('\n')).toContain('refresh failed: [redacted]');
    expect(lines.join('\n')).not.toContain(secret);
  });
});
