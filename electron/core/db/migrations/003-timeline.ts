import type { Database } from 'better-sqlite3';

/**
 * The timeline cache: authors, posts (one row per copy a linked account saw), their media,
 * the cards (`post_groups`, one per set of copies of the same post), boosts, and where each
 * account's sync stands. Times are Unix milliseconds so ordering and ranges are integer work.
 *
 * The page query walks `post_groups` by (sort_at, id) newest first; each filter has its own
 * partial index so "Threads only" or "cross-posted only" is an index range scan too.
 * Triggers keep a card's network flags right when a copy goes away (a delete, an unlinked
 * account's cascade) and drop cards left with no copy.
 */
export function up(db: Database): void {
  db.exec(`
    CREATE TABLE authors (
      id           TEXT PRIMARY KEY,
      network      TEXT NOT NULL CHECK (network IN ('threads', 'mastodon')),
      handle       TEXT NOT NULL,
      display_name TEXT NOT NULL,
      avatar_url   TEXT,
      url          TEXT,
      emojis       TEXT NOT NULL DEFAULT '[]',
      bot          INTEGER NOT NULL DEFAULT 0 CHECK (bot IN (0, 1)),
      updated_at   INTEGER NOT NULL
    ) STRICT;

    CREATE TABLE post_groups (
      id           INTEGER PRIMARY KEY,
      sort_at      INTEGER NOT NULL,
      rule         TEXT CHECK (rule IN ('activitypub-id', 'permalink', 'threads-post-id', 'same-author-text')),
      has_threads  INTEGER NOT NULL DEFAULT 0 CHECK (has_threads IN (0, 1)),
      has_mastodon INTEGER NOT NULL DEFAULT 0 CHECK (has_mastodon IN (0, 1))
    ) STRICT;
    CREATE INDEX post_groups_all ON post_groups (sort_at, id);
    CREATE INDEX post_groups_threads ON post_groups (sort_at, id) WHERE has_threads = 1;
    CREATE INDEX post_groups_mastodon ON post_groups (sort_at, id) WHERE has_mastodon = 1;
    CREATE INDEX post_groups_cross ON post_groups (sort_at, id) WHERE has_threads = 1 AND has_mastodon = 1;

    -- id is '<account id>:<remote id>', so it is also what keeps one row per copy per account.
    CREATE TABLE posts (
      id              TEXT PRIMARY KEY,
      account_id      TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
      network         TEXT NOT NULL CHECK (network IN ('threads', 'mastodon')),
      server          TEXT NOT NULL,
      remote_id       TEXT NOT NULL,
      group_id        INTEGER NOT NULL REFERENCES post_groups (id),
      author_id       TEXT NOT NULL REFERENCES authors (id),
      created_at      INTEGER NOT NULL,
      uri_key         TEXT,
      url_key         TEXT,
      threads_post_id TEXT,
      person_key      TEXT NOT NULL,
      link_text       TEXT NOT NULL,
      body            TEXT NOT NULL,
      stored_at       INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX posts_group ON posts (group_id);
    CREATE INDEX posts_uri ON posts (uri_key) WHERE uri_key IS NOT NULL;
    CREATE INDEX posts_url ON posts (url_key) WHERE url_key IS NOT NULL;
    -- Only Mastodon copies that name a Threads post fill threads_post_id (timeline-write.ts).
    CREATE INDEX posts_threads_id ON posts (threads_post_id) WHERE threads_post_id IS NOT NULL;
    CREATE INDEX posts_person ON posts (person_key, created_at);
    -- No index on posts.account_id: it would cost every insert, and only unlinking (a scan, once)
    -- and the read marker (by card, through posts_group) look copies up by account.
    CREATE INDEX posts_author ON posts (author_id);

    CREATE TABLE media (
      post_id     TEXT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
      position    INTEGER NOT NULL,
      type        TEXT NOT NULL,
      url         TEXT NOT NULL,
      preview_url TEXT,
      alt         TEXT,
      width       INTEGER,
      height      INTEGER,
      PRIMARY KEY (post_id, position)
    ) STRICT, WITHOUT ROWID;

    CREATE TABLE boosts (
      id         TEXT PRIMARY KEY,
      account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
      remote_id  TEXT NOT NULL,
      post_id    TEXT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
      author_id  TEXT NOT NULL REFERENCES authors (id),
      network    TEXT NOT NULL CHECK (network IN ('threads', 'mastodon')),
      at         INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX boosts_post ON boosts (post_id);
    CREATE INDEX boosts_account ON boosts (account_id);

    CREATE TABLE sync_cursors (
      account_id     TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
      feed           TEXT NOT NULL,
      newest_id      TEXT,
      newest_at      INTEGER,
      oldest_id      TEXT,
      backfilled     INTEGER NOT NULL DEFAULT 0,
      backfill_done  INTEGER NOT NULL DEFAULT 0 CHECK (backfill_done IN (0, 1)),
      last_synced_at INTEGER,
      PRIMARY KEY (account_id, feed)
    ) STRICT, WITHOUT ROWID;

    CREATE TABLE sync_gaps (
      id         INTEGER PRIMARY KEY,
      account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
      feed       TEXT NOT NULL,
      newer_id   TEXT NOT NULL,
      older_id   TEXT NOT NULL,
      created_at INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX sync_gaps_account ON sync_gaps (account_id, feed);

    CREATE TABLE app_state (
      key   TEXT PRIMARY KEY,
      value TEXT NOT NULL
    ) STRICT;

    CREATE TRIGGER posts_left_group AFTER DELETE ON posts
    BEGIN
      UPDATE post_groups SET
        has_threads  = EXISTS (SELECT 1 FROM posts WHERE group_id = OLD.group_id AND network = 'threads'),
        has_mastodon = EXISTS (SELECT 1 FROM posts WHERE group_id = OLD.group_id AND network = 'mastodon')
      WHERE id = OLD.group_id;
      DELETE FROM post_groups WHERE id = OLD.group_id AND NOT EXISTS (SELECT 1 FROM posts WHERE group_id = OLD.group_id);
    END;
  `);
}
