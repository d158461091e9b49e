import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from '../../../../../electron/core/db/migrate';
import { MIGRATIONS } from '../../../../../electron/core/db/migrations';

interface ColumnInfo {
  name: string;
  type: string;
  notnull: 0 | 1;
  dflt_value: string | null;
  pk: number;
}

const account = {
  id: 'acct-1',
  network: 'mastodon',
  server: 'https://mastodon.social',
  remote_id: '109',
  handle: 'ada@mastodon.social',
  display_name: 'Ada',
  avatar_url: null,
  status: 'ok',
  linked_at: '2025-01-01T00:00:00.000Z',
};

describe('migration 001-initial', () => {
  let db: Database.Database;

  beforeEach(() => {
    db = new Database(':memory:');
    migrate(db, MIGRATIONS.slice(0, 1));
  });
  afterEach(() => db.close());

  function insertAccount(overrides: Record<string, unknown> = {}): void {
    const row = { ...account, ...overrides };
    db.prepare(
      `INSERT INTO accounts (id, network, server, remote_id, handle, display_name, avatar_url, status, linked_at)
       VALUES ($id, $network, $server, $remote_id, $handle, $display_name, $avatar_url, $status, $linked_at)`,
    ).run(row);
  }

  function columns(table: string): ColumnInfo[] {
    return db.pragma(`table_info(${table})`) as ColumnInfo[];
  }

  it('is version 1 and leaves user_version = 1', () => {
    expect(MIGRATIONS[0]).toMatchObject({ version: 1, name: 'initial' });
    expect(schemaVersion(db)).toBe(1);
  });

  it('creates exactly the settings and accounts tables, both STRICT', () => {
    const tables = db.pragma('table_list') as { schema: string; name: string; strict: 0 | 1 }[];
    const mine = tables.filter((t) => t.schema === 'main' && !t.name.startsWith('sqlite_'));
    expect(mine.map((t) => t.name).sort()).toEqual(['accounts', 'settings']);
    expect(mine.every((t) => t.strict === 1)).toBe(true);
  });

  it('gives settings a text key as primary key and a required text value', () => {
    expect(columns('settings').map(({ name, type, notnull, pk }) => ({ name, type, notnull, pk }))).toEqual([
      { name: 'key', type: 'TEXT', notnull: 1, pk: 1 },
      { name: 'value', type: 'TEXT', notnull: 1, pk: 0 },
    ]);
    db.prepare("INSERT INTO settings (key, value) VALUES ('theme', '\"dark\"')").run();
    expect(() => db.prepare("INSERT INTO settings (key, value) VALUES ('theme', '\"light\"')").run()).toThrow(
      /UNIQUE constraint failed: settings.key/,
    );
    expect(() => db.prepare("INSERT INTO settings (key, value) VALUES ('x', NULL)").run()).toThrow(/NOT NULL/);
    // STRICT: a blob is not silently stored in a TEXT column.
    expect(() => db.prepare("INSERT INTO settings (key, value) VALUES ('y', ?)").run(Buffer.from([1, 2]))).toThrow(
      /cannot store BLOB value in TEXT column/,
    );
  });

  it('gives accounts the columns the repository reads, with their defaults', () => {
    expect(columns('accounts').map(({ name, type, notnull, pk, dflt_value }) => [name, type, notnull, pk, dflt_value])).toEqual([
      ['id', 'TEXT', 1, 1, null], // STRICT makes the primary key NOT NULL
      ['network', 'TEXT', 1, 0, null],
      ['server', 'TEXT', 1, 0, null],
      ['remote_id', 'TEXT', 1, 0, null],
      ['handle', 'TEXT', 1, 0, null],
      ['display_name', 'TEXT', 1, 0, "''"],
      ['avatar_url', 'TEXT', 0, 0, null],
      ['status', 'TEXT', 1, 0, "'ok'"],
      ['linked_at', 'TEXT', 1, 0, null],
    ]);
    db.prepare(
      "INSERT INTO accounts (id, network, server, remote_id, handle, linked_at) VALUES ('a', 'threads', 'https://threads.net', '1', 'ada', 'now')",
    ).run();
    expect(db.prepare("SELECT display_name, status, avatar_url FROM accounts WHERE id = 'a'").get()).toEqual({
      display_name: '',
      status: 'ok',
      avatar_url: null,
    });
  });

  it('accepts every network and status the model knows', () => {
    let n = 0;
    for (const network of ['threads', 'mastodon']) {
      for (const status of ['ok', 'syncing', 'offline', 'needs-sign-in']) {
        n += 1;
        insertAccount({ id: `a${n}`, remote_id: `r${n}`, network, status });
      }
    }
    expect(db.prepare('SELECT count(*) AS n FROM accounts').get()).toEqual({ n: 8 });
  });

  it('rejects a network other than threads or mastodon', () => {
    expect(() => insertAccount({ network: 'twitter' })).toThrow(/CHECK constraint failed/);
    expect(() => insertAccount({ network: 'Mastodon' })).toThrow(/CHECK constraint failed/);
  });

  it('rejects an unknown status', () => {
    expect(() => insertAccount({ status: 'banned' })).toThrow(/CHECK constraint failed/);
  });

  it('rejects a missing handle, server or linked_at', () => {
    expect(() => insertAccount({ handle: null })).toThrow(/NOT NULL constraint failed: accounts.handle/);
    expect(() => insertAccount({ server: null })).toThrow(/NOT NULL constraint failed: accounts.server/);
    expect(() => insertAccount({ linked_at: null })).toThrow(/NOT NULL constraint failed: accounts.linked_at/);
  });

  it('allows one row per (network, server, remote_id)', () => {
    insertAccount();
    expect(() => insertAccount({ id: 'acct-2' })).toThrow(
      /UNIQUE constraint failed: accounts.network, accounts.server, accounts.remote_id/,
    );
    // The same remote id on another server, or on the other network, is another account.
    insertAccount({ id: 'acct-3', server: 'https://fosstodon.org' });
    insertAccount({ id: 'acct-4', network: 'threads', server: account.server });
    expect(db.prepare('SELECT id FROM accounts ORDER BY id').pluck().all()).toEqual(['acct-1', 'acct-3', 'acct-4']);
  });

  it('rejects a missing account id', () => {
    expect(() => insertAccount({ id: null })).toThrow(/NOT NULL constraint failed: accounts.id/);
  });

  it('rejects a duplicate account id', () => {
    insertAccount();
    expect(() => insertAccount({ remote_id: 'other' })).toThrow(/UNIQUE constraint failed: accounts.id/);
  });
});
