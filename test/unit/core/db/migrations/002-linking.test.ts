import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from '../../../../../electron/core/db/migrate';
import { MIGRATIONS } from '../../../../../electron/core/db/migrations';

describe('migration 002-linking', () => {
  let db: Database.Database;

  beforeEach(() => {
    db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, MIGRATIONS.slice(0, 1));
    // An account linked before this migration existed.
    db.prepare(
      `INSERT INTO accounts (id, network, server, remote_id, handle, display_name, avatar_url, status, linked_at)
       VALUES ('old', 'mastodon', 'https://mastodon.social', '1', 'ada@mastodon.social', 'Ada', NULL, 'ok', '2025-01-01T00:00:00.000Z')`,
    ).run();
    migrate(db, MIGRATIONS.slice(0, 2));
  });
  afterEach(() => db.close());

  it('keeps existing accounts, with no status message, server or token times yet', () => {
    expect(schemaVersion(db)).toBe(2);
    expect(db.prepare('SELECT id, status_message, threads_server_id, token_issued_at, token_expires_at FROM accounts').all()).toEqual([
      { id: 'old', status_message: null, threads_server_id: null, token_issued_at: null, token_expires_at: null },
    ]);
  });

  it('has no column that could hold a token or a secret', () => {
    for (const table of ['accounts', 'mastodon_apps', 'threads_servers']) {
      const columns = (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name);
      expect(columns.filter((name) => /token$|secret|password/.test(name)), table).toEqual([]);
    }
  });

  it('allows only known presets and 0/1 flags on Threads servers', () => {
    const insert = db.prepare(
      `INSERT INTO threads_servers (id, name, api_base, authorize_url, allows_loopback, uses_pkce, preset, created_at)
       VALUES ($id, 'S', 'https://graph.example', 'https://example/oauth', $loopback, 0, $preset, '2026-01-01')`,
    );
    expect(() => insert.run({ id: 'a', loopback: 1, preset: 'sandbox' })).not.toThrow();
    expect(() => insert.run({ id: 'b', loopback: 1, preset: 'bluesky' })).toThrow(/CHECK/);
    expect(() => insert.run({ id: 'c', loopback: 2, preset: null })).toThrow(/CHECK/);
  });

  it('ties a Threads account to a server that exists', () => {
    expect(() => db.prepare("UPDATE accounts SET threads_server_id = 'missing' WHERE id = 'old'").run()).toThrow(/FOREIGN KEY/);
  });

  it('keys Mastodon app registrations by instance', () => {
    const insert = db.prepare(
      "INSERT INTO mastodon_apps (origin, client_id, redirect_uris, scopes, registered_at) VALUES ('https://mastodon.social', $id, 'u', 'read', 'now')",
    );
    insert.run({ id: 'one' });
    expect(() => insert.run({ id: 'two' })).toThrow(/UNIQUE|PRIMARY KEY/);
  });
});
