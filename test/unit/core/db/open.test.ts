import Database from 'better-sqlite3';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { BraidError } from '@shared/errors';
import { MIGRATIONS, type Migration } from '../../../../electron/core/db/migrations';
import { closeDatabase, openDatabase } from '../../../../electron/core/db/open';
import { makeTempDir } from '../helpers';

function openError(filename: string): BraidError {
  try {
    openDatabase(filename).close();
  } catch (error) {
    expect(error).toBeInstanceOf(BraidError);
    return error as BraidError;
  }
  throw new Error(`openDatabase(${filename}) did not fail`);
}

describe('openDatabase', () => {
  it('opens a file in WAL mode with foreign keys, a busy timeout and the latest schema', () => {
    const file = join(makeTempDir(), 'braid.sqlite3');
    const db = openDatabase(file);
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
      expect(db.pragma('synchronous', { simple: true })).toBe(1); // NORMAL
      expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
      expect(existsSync(file)).toBe(true);
    } finally {
      closeDatabase(db);
    }
  });

  it('keeps data across close and reopen without running migrations again', () => {
    const file = join(makeTempDir(), 'braid.sqlite3');
    const first = openDatabase(file);
    first.prepare("INSERT INTO settings (key, value) VALUES ('theme', '\"dark\"')").run();
    closeDatabase(first);

    const up = vi.fn();
    const spied: Migration[] = MIGRATIONS.map((m) => ({ ...m, up }));
    const second = openDatabase(file, { migrations: spied });
    try {
      expect(up).not.toHaveBeenCalled();
      expect(second.prepare("SELECT value FROM settings WHERE key = 'theme'").pluck().get()).toBe('"dark"');
    } finally {
      closeDatabase(second);
    }
  });

  it('runs the migrations it is given', () => {
    const db = openDatabase(':memory:', {
      migrations: [{ version: 1, name: 'only', up: (d) => d.exec('CREATE TABLE only_table (x INTEGER)') }],
    });
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(1);
      expect(db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all()).toEqual(['only_table']);
    } finally {
      closeDatabase(db);
    }
  });

  it('closes the connection and rethrows when a migration fails', () => {
    const file = join(makeTempDir(), 'braid.sqlite3');
    const boom: Migration = {
      version: 1,
      name: 'boom',
      up: () => {
        throw new Error('migration boom');
      },
    };
    expect(() => openDatabase(file, { migrations: [boom] })).toThrow('migration boom');
    // Nothing was left half-applied, and the file opens cleanly afterwards.
    const db = openDatabase(file);
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    closeDatabase(db);
  });

  it('fails with storage.failed when the parent folder does not exist', () => {
    const file = join(makeTempDir(), 'missing', 'deeper', 'braid.sqlite3');
    const error = openError(file);
    expect(error.code).toBe('storage.failed');
    expect(error.message).toContain(file);
    expect(error.message).toMatch(/folder exists and is writable/);
    expect(error.cause).toBeInstanceOf(Error);
    expect(existsSync(file)).toBe(false);
  });

  it('fails with storage.failed when the parent path is a file, not a folder', () => {
    const dir = makeTempDir();
    const notAFolder = join(dir, 'plain-file');
    writeFileSync(notAFolder, 'not a folder');
    const error = openError(join(notAFolder, 'braid.sqlite3'));
    expect(error.code).toBe('storage.failed');
    expect(readFileSync(notAFolder, 'utf8')).toBe('not a folder');
  });

  it('refuses a file that is not a database and does not overwrite it', () => {
    const file = join(makeTempDir(), 'braid.sqlite3');
    const junk = 'this is a text file, not SQLite '.repeat(200);
    writeFileSync(file, junk);
    let thrown: unknown;
    try {
      openDatabase(file);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(BraidError);
    expect(thrown).toMatchObject({ code: 'storage.failed', message: expect.stringMatching(/not a Braid database.*Move it aside/) as string });
    expect(readFileSync(file, 'utf8')).toBe(junk);
  });
});

describe('closeDatabase', () => {
  it('closes the connection, checkpoints the WAL away and tolerates a second call', () => {
    const file = join(makeTempDir(), 'braid.sqlite3');
    const db = openDatabase(file);
    db.prepare("INSERT INTO settings (key, value) VALUES ('theme', '\"light\"')").run();
    expect(existsSync(`${file}-wal`)).toBe(true);

    closeDatabase(db);

    expect(db.open).toBe(false);
    expect(() => db.prepare('SELECT 1')).toThrow(/not open/);
    expect(() => closeDatabase(db)).not.toThrow();
    expect(existsSync(`${file}-wal`)).toBe(false);
    const check = new Database(file, { readonly: true });
    expect(check.prepare("SELECT value FROM settings WHERE key = 'theme'").pluck().get()).toBe('"light"');
    check.close();
  });
});
