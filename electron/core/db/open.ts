import Database from 'better-sqlite3';
import { BraidError } from '@shared/errors';
import { migrate } from './migrate';
import { MIGRATIONS, type Migration } from './migrations';

export type Db = Database.Database;

export interface OpenOptions {
  migrations?: readonly Migration[];
}

/**
 * Opens (or creates) Braid's database: WAL for concurrent readers, foreign keys on, a busy
 * timeout so a second process waits instead of failing, then runs migrations.
 */
export function openDatabase(filename: string, options: OpenOptions = {}): Db {
  let db: Db;
  try {
    db = new Database(filename);
  } catch (error) {
    throw new BraidError(
      'storage.failed',
      `Braid could not open its database at ${filename}. Check that the folder exists and is writable.`,
      { cause: error },
    );
  }
  try {
    db.pragma('busy_timeout = 5000');
    db.pragma('foreign_keys = ON');
    // Migrate (or refuse a newer schema) before switching to WAL, so a refused file is left untouched.
    migrate(db, options.migrations ?? MIGRATIONS);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    return db;
  } catch (error) {
    db.close();
    if (isNotADatabase(error)) {
      throw new BraidError(
        'storage.failed',
        `${filename} is not a Braid database, or it is damaged. Move it aside and restart Braid to start with a fresh cache.`,
        { cause: error },
      );
    }
    throw error;
  }
}

/** Lets SQLite refresh its query-planner statistics, then closes. */
export function closeDatabase(db: Db): void {
  if (!db.open) return;
  db.pragma('optimize');
  db.close();
}

function isNotADatabase(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT';
}
