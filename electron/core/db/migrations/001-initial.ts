import type { Database } from 'better-sqlite3';

/** Preferences as JSON values by key, and the linked accounts (never their tokens). */
export function up(db: Database): void {
  db.exec(`
    CREATE TABLE settings (
      key   TEXT PRIMARY KEY,
      value TEXT NOT NULL
    ) STRICT;

    CREATE TABLE accounts (
      id           TEXT PRIMARY KEY,
      network      TEXT NOT NULL CHECK (network IN ('threads', 'mastodon')),
      server       TEXT NOT NULL,
      remote_id    TEXT NOT NULL,
      handle       TEXT NOT NULL,
      display_name TEXT NOT NULL DEFAULT '',
      avatar_url   TEXT,
      status       TEXT NOT NULL DEFAULT 'ok'
                   CHECK (status IN ('ok', 'syncing', 'offline', 'needs-sign-in')),
      linked_at    TEXT NOT NULL,
      UNIQUE (network, server, remote_id)
    ) STRICT;
  `);
}
