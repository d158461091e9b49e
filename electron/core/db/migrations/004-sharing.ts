import type { Database } from 'better-sqlite3';

/**
 * Fediverse sharing (docs/sharing.md):
 * - `sharing_accounts`: each linked Threads account's sharing state as last checked, so the
 *   settings screen and the profile symbol show something true-as-of-then when offline.
 * - `sharing_facts`: what Braid found out where the server does not say — WebFinger for an
 *   author (`kind = 'actor'`, key `<threads domain>:<username>`), a search from the user's
 *   Mastodon account for a post (`kind = 'post'`, key = the permalink's canonical key). Each
 *   has an expiry; an expired or missing fact is looked up again in the background, within the
 *   servers' limits, and never holds up a timeline read.
 */
export function up(db: Database): void {
  db.exec(`
    CREATE TABLE sharing_accounts (
      account_id TEXT PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
      state      TEXT NOT NULL,
      checked_at INTEGER NOT NULL
    ) STRICT;

    CREATE TABLE sharing_facts (
      kind       TEXT NOT NULL CHECK (kind IN ('actor', 'post')),
      key        TEXT NOT NULL,
      state      TEXT NOT NULL CHECK (state IN ('shared', 'not-shared', 'unknown')),
      how        TEXT NOT NULL,
      checked_at INTEGER NOT NULL,
      expires_at INTEGER NOT NULL,
      PRIMARY KEY (kind, key)
    ) STRICT, WITHOUT ROWID;
  `);
}
