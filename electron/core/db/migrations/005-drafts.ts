import type { Database } from 'better-sqlite3';

/**
 * Drafts, saved as the user types so a crash or a restart loses nothing (docs/compose.md):
 * - `drafts`: one row per unsent post; `fields` is the JSON of shared/compose.ts DraftFields,
 *   `sent` the copies an earlier, partly failed send already posted, `last_error` why it failed.
 * - `draft_media`: images attached to a draft; the bytes are kept in the row (at most 8 MB each),
 *   so a draft and its images are written in one transaction and go together.
 * Drafts belong to no account (the user may change the chosen accounts); unlinking an account
 * leaves its drafts, with the account cleared when they are next read.
 */
export function up(db: Database): void {
  db.exec(`
    CREATE TABLE drafts (
      id         TEXT PRIMARY KEY,
      fields     TEXT NOT NULL,
      sent       TEXT NOT NULL DEFAULT '[]',
      last_error TEXT,
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX drafts_updated ON drafts (updated_at);

    CREATE TABLE draft_media (
      id       TEXT PRIMARY KEY,
      draft_id TEXT NOT NULL REFERENCES drafts (id) ON DELETE CASCADE,
      position INTEGER NOT NULL,
      name     TEXT NOT NULL,
      mime     TEXT NOT NULL,
      alt      TEXT NOT NULL DEFAULT '',
      bytes    BLOB NOT NULL
    ) STRICT;
    CREATE INDEX draft_media_draft ON draft_media (draft_id, position);
  `);
}
