import { DEFAULT_SETTINGS, Settings, type SettingsPatch } from '@shared/model';
import type { Db } from './open';

/**
 * Preferences stored one row per key as JSON. Unknown or invalid stored values fall back to the
 * default for that key, so a hand-edited or older database never breaks the app.
 */
export function createSettingsRepo(db: Db) {
  const selectAll = db.prepare<[], { key: string; value: string }>('SELECT key, value FROM settings');
  const upsert = db.prepare<{ key: string; value: string }>(
    'INSERT INTO settings (key, value) VALUES ($key, $value) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  );

  function read(): Settings {
    const merged: Record<string, unknown> = { ...DEFAULT_SETTINGS };
    for (const row of selectAll.all()) {
      if (!(row.key in DEFAULT_SETTINGS)) continue;
      try {
        const value: unknown = JSON.parse(row.value);
        const field = Settings.shape[row.key as keyof Settings];
        if (field.safeParse(value).success) merged[row.key] = value;
      } catch {
        // A corrupt value keeps its default; the next write repairs it.
      }
    }
    return Settings.parse(merged);
  }

  const write = db.transaction((patch: SettingsPatch) => {
    for (const [key, value] of Object.entries(patch)) {
      if (value === undefined) continue;
      upsert.run({ key, value: JSON.stringify(value) });
    }
  });

  return {
    get: read,
    set(patch: SettingsPatch): Settings {
      write(patch);
      return read();
    },
  };
}

export type SettingsRepo = ReturnType<typeof createSettingsRepo>;
