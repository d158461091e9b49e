import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '@shared/model';
import { closeDatabase, openDatabase, type Db } from '../../../../electron/core/db/open';
import { createSettingsRepo, type SettingsRepo } from '../../../../electron/core/db/settings-repo';

describe('settings repository', () => {
  let db: Db;
  let settings: SettingsRepo;

  beforeEach(() => {
    db = openDatabase(':memory:');
    settings = createSettingsRepo(db);
  });
  afterEach(() => closeDatabase(db));

  function storeRaw(key: string, value: string): void {
    db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(
      key,
      value,
    );
  }

  function rawRows(): Record<string, string> {
    const rows = db.prepare('SELECT key, value FROM settings').all() as { key: string; value: string }[];
    return Object.fromEntries(rows.map((r) => [r.key, r.value]));
  }

  it('returns the defaults from an empty database', () => {
    expect(DEFAULT_SETTINGS).toEqual({ theme: 'system', reduceMotion: false });
    expect(settings.get()).toEqual(DEFAULT_SETTINGS);
  });

  it('returns all settings after a partial set, and get reads the same back', () => {
    expect(settings.set({ theme: 'dark' })).toEqual({ theme: 'dark', reduceMotion: false });
    expect(settings.get()).toEqual({ theme: 'dark', reduceMotion: false });

    expect(settings.set({ reduceMotion: true })).toEqual({ theme: 'dark', reduceMotion: true });
    expect(settings.set({ theme: 'light', reduceMotion: false })).toEqual({ theme: 'light', reduceMotion: false });
    expect(createSettingsRepo(db).get()).toEqual({ theme: 'light', reduceMotion: false });
  });

  it('stores one JSON row per changed key', () => {
    settings.set({ theme: 'dark' });
    expect(rawRows()).toEqual({ theme: '"dark"' });
    settings.set({ reduceMotion: true, theme: undefined });
    expect(rawRows()).toEqual({ theme: '"dark"', reduceMotion: 'true' });
  });

  it('an empty patch changes nothing', () => {
    settings.set({ theme: 'dark' });
    expect(settings.set({})).toEqual({ theme: 'dark', reduceMotion: false });
    expect(rawRows()).toEqual({ theme: '"dark"' });
  });

  it('falls back to the default for a key whose stored JSON is corrupt, keeping the others', () => {
    storeRaw('theme', '{not json');
    storeRaw('reduceMotion', 'true');
    expect(settings.get()).toEqual({ theme: 'system', reduceMotion: true });
  });

  it.each([
    ['theme', '"purple"'],
    ['theme', '1'],
    ['theme', 'null'],
    ['reduceMotion', '"yes"'],
    ['reduceMotion', '1'],
    ['reduceMotion', '{}'],
  ])('falls back to the default when %s holds the wrong type (%s)', (key, value) => {
    const other: Record<string, string> = key === 'theme' ? { reduceMotion: 'true' } : { theme: '"dark"' };
    for (const [k, v] of Object.entries(other)) storeRaw(k, v);
    storeRaw(key, value);

    const expected = { theme: key === 'theme' ? 'system' : 'dark', reduceMotion: key === 'reduceMotion' ? false : true };
    expect(settings.get()).toEqual(expected);
  });

  it('repairs a corrupt value on the next write', () => {
    storeRaw('theme', '{not json');
    expect(settings.set({ theme: 'light' })).toEqual({ theme: 'light', reduceMotion: false });
    expect(rawRows().theme).toBe('"light"');
  });

  it.each(['fontSize', 'toString', '__proto__', 'constructor', 'hasOwnProperty'])(
    'ignores an unknown stored key (%s)',
    (key) => {
      storeRaw(key, '{"polluted": true}');
      storeRaw('theme', '"dark"');
      const result = settings.get();
      expect(result).toEqual({ theme: 'dark', reduceMotion: false });
      expect(Object.keys(result).sort()).toEqual(['reduceMotion', 'theme']);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    },
  );
});
