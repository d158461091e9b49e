import Database from 'better-sqlite3';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BraidError } from '@shared/errors';
import { migrate, schemaVersion } from '../../../../electron/core/db/migrate';
import { MIGRATIONS, type Migration } from '../../../../electron/core/db/migrations';
import { openDatabase } from '../../../../electron/core/db/open';
import { makeTempDir } from '../helpers';

function tableNames(db: Database.Database): string[] {
  return db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    .pluck()
    .all() as string[];
}

function createTable(version: number, table: string): Migration {
  return { version, name: `create-${table}`, up: (db) => db.exec(`CREATE TABLE ${table} (x INTEGER)`) };
}

describe('migrate', () => {
  let db: Database.Database;

  beforeEach(() => {
    db = new Database(':memory:');
  });
  afterEach(() => db.close());

  it('starts a new database at schema 0', () => {
    expect(schemaVersion(db)).toBe(0);
  });

  it('applies every migration in order, each seeing the version before it', () => {
    const seen: [string, number][] = [];
    const step = (version: number, name: string): Migration => ({
      version,
      name,
      up: (d) => {
        seen.push([name, schemaVersion(d)]);
        d.exec(`CREATE TABLE ${name} (x INTEGER)`);
      },
    });

    expect(migrate(db, [step(1, 'first'), step(2, 'second'), step(3, 'third')])).toBe(3);

    expect(seen).toEqual([
      ['first', 0],
      ['second', 1],
      ['third', 2],
    ]);
    expect(schemaVersion(db)).toBe(3);
    expect(tableNames(db)).toEqual(['first', 'second', 'third']);
  });

  it('applies the real migration list up to user_version = MIGRATIONS.length', () => {
    expect(migrate(db, MIGRATIONS)).toBe(MIGRATIONS.length);
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
  });

  it('does nothing on a second run', () => {
    const up = vi.fn((d: Database.Database) => d.exec('CREATE TABLE once (x INTEGER)'));
    const list: Migration[] = [{ version: 1, name: 'once', up }];

    expect(migrate(db, list)).toBe(1);
    expect(migrate(db, list)).toBe(1);
    expect(migrate(db, MIGRATIONS.slice(0, 1))).toBe(1);

    expect(up).toHaveBeenCalledTimes(1);
    expect(tableNames(db)).toEqual(['once']);
  });

  it('applies only the migrations a database has not seen yet', () => {
    migrate(db, [createTable(1, 'a')]);
    const second = vi.fn((d: Database.Database) => d.exec('CREATE TABLE b (x INTEGER)'));
    const first = vi.fn();

    expect(migrate(db, [{ version: 1, name: 'a', up: first }, { version: 2, name: 'b', up: second }])).toBe(2);

    expect(first).not.toHaveBeenCalled();
    expect(second).toHaveBeenCalledTimes(1);
    expect(tableNames(db)).toEqual(['a', 'b']);
  });

  it('rolls back a migration that fails midway and keeps the previous version', () => {
    const failing: Migration = {
      version: 2,
      name: 'half-done',
      up: (d) => {
        d.exec('CREATE TABLE b (x INTEGER)');
        d.exec('INSERT INTO a (x) VALUES (42)');
        throw new Error('disk on fire');
      },
    };
    const never = vi.fn();

    expect(() => migrate(db, [createTable(1, 'a'), failing, { version: 3, name: 'never', up: never }])).toThrow(
      'disk on fire',
    );

    expect(schemaVersion(db)).toBe(1);
    expect(tableNames(db)).toEqual(['a']);
    expect(db.prepare('SELECT count(*) FROM a').pluck().get()).toBe(0);
    expect(never).not.toHaveBeenCalled();
    expect(db.inTransaction).toBe(false);

    // Fixing the migration and running again picks up where it stopped.
    expect(migrate(db, [createTable(1, 'a'), createTable(2, 'b')])).toBe(2);
    expect(tableNames(db)).toEqual(['a', 'b']);
  });

  it.each([
    ['a gap', [createTable(1, 'a'), createTable(3, 'c')], /out of order at create-c: expected version 2/],
    ['a swap', [createTable(2, 'b'), createTable(1, 'a')], /out of order at create-b: expected version 1/],
    ['a duplicate', [createTable(1, 'a'), createTable(1, 'b')], /out of order at create-b: expected version 2/],
    ['a zero-based list', [createTable(0, 'z')], /out of order at create-z: expected version 1/],
  ])('refuses %s in the migration list before touching the database', (_label, list, message) => {
    expect(() => migrate(db, list)).toThrow(message);
    expect(schemaVersion(db)).toBe(0);
    expect(tableNames(db)).toEqual([]);
  });

  it('refuses a database whose schema is newer than the app knows', () => {
    db.pragma('user_version = 7');
    const up = vi.fn();

    let thrown: unknown;
    try {
      migrate(db, [{ version: 1, name: 'a', up }]);
    } catch (error) {
      thrown = error;
    }

    expect(thrown).toBeInstanceOf(BraidError);
    const error = thrown as BraidError;
    expect(error.code).toBe('storage.newer-schema');
    expect(error.message).toMatch(/newer version of Braid/);
    expect(error.message).toMatch(/schema 7; this version knows 1/);
    expect(error.message).toMatch(/Update Braid/);
    expect(up).not.toHaveBeenCalled();
    expect(schemaVersion(db)).toBe(7);
  });
});

describe('newer-schema refusal through openDatabase', () => {
  it('refuses the file with storage.newer-schema and leaves it byte-for-byte intact', () => {
    const file = join(makeTempDir(), 'braid.sqlite3');
    // A database as a future Braid would leave it: WAL, some data, a schema this build has never seen.
    const future = new Database(file);
    future.pragma('journal_mode = WAL');
    future.exec("CREATE TABLE posts (id TEXT PRIMARY KEY, body TEXT); INSERT INTO posts VALUES ('p1', 'hello from the future')");
    future.pragma(`user_version = ${MIGRATIONS.length + 5}`);
    future.close();
    const before = readFileSync(file);

    let thrown: unknown;
    try {
      openDatabase(file).close();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(BraidError);
    expect((thrown as BraidError).code).toBe('storage.newer-schema');
    expect((thrown as BraidError).message).toMatch(/Update Braid/);

    expect(readFileSync(file).equals(before)).toBe(true);
    expect(existsSync(`${file}-wal`)).toBe(false);
    const check = new Database(file, { readonly: true });
    expect(check.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length + 5);
    expect(check.prepare('SELECT body FROM posts').pluck().all()).toEqual(['hello from the future']);
    expect(check.prepare("SELECT count(*) FROM sqlite_master WHERE name IN ('settings', 'accounts')").pluck().get()).toBe(0);
    check.close();
  });
});
