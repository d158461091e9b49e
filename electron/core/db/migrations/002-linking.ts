import type { Database } from 'better-sqlite3';

/**
 * Linking: Mastodon app registrations (one per instance), Threads server settings, and what an
 * account needs besides its token (which server it came through, when its token expires, why
 * its status is not ok). Client secrets and tokens stay in the keychain.
 */
export function up(db: Database): void {
  db.exec(`
    CREATE TABLE mastodon_apps (
      origin        TEXT PRIMARY KEY,
      client_id     TEXT NOT NULL,
      redirect_uris TEXT NOT NULL,
      scopes        TEXT NOT NULL,
      registered_at TEXT NOT NULL
    ) STRICT;

    CREATE TABLE threads_servers (
      id              TEXT PRIMARY KEY,
      name            TEXT NOT NULL,
      api_base        TEXT NOT NULL,
      authorize_url   TEXT NOT NULL,
      app_id          TEXT NOT NULL DEFAULT '',
      redirect_uri    TEXT,
      allows_loopback INTEGER NOT NULL DEFAULT 0 CHECK (allows_loopback IN (0, 1)),
      uses_pkce       INTEGER NOT NULL DEFAULT 0 CHECK (uses_pkce IN (0, 1)),
      preset          TEXT CHECK (preset IN ('threads', 'sandbox')),
      created_at      TEXT NOT NULL
    ) STRICT;

    ALTER TABLE accounts ADD COLUMN status_message TEXT;
    ALTER TABLE accounts ADD COLUMN threads_server_id TEXT REFERENCES threads_servers (id);
    ALTER TABLE accounts ADD COLUMN token_issued_at TEXT;
    ALTER TABLE accounts ADD COLUMN token_expires_at TEXT;
  `);
}
