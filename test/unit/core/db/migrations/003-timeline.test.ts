import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from '../../../../../electron/core/db/migrate';
import { MIGRATIONS } from '../../../../../electron/core/db/migrations';

const TABLES = ['authors', 'post_groups', 'posts', 'media', 'boosts', 'sync_cursors', 'sync_gaps', 'app_state'];

describe('migration 003-timeline', () => {
  let db: Database.Database;

  beforeEach(() => {
    db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, MIGRATIONS.slice(0, 2));
    // Accounts linked before the timeline existed.
    const link = db.prepare(
      `INSERT INTO accounts (id, network, server, remote_id, handle, display_name, avatar_url, status, linked_at, status_message)
       VALUES ($id, $network, $server, $remoteId, $handle, 'Ada', NULL, 'ok', '2025-01-01T00:00:00.000Z', NULL)`,
    );
    link.run({ id: 'm', network: 'mastodon', server: 'https://mastodon.social', remoteId: '1', handle: 'ada@mastodon.social' });
    link.run({ id: 't', network: 'threads', server: 'https://graph.threads.net', remoteId: '2', handle: 'ada' });
    migrate(db, MIGRATIONS.slice(0, 3));
  });
  afterEach(() => db.close());

  const insertAuthor = (id: string, network = 'mastodon') =>
    db.prepare("INSERT INTO authors (id, network, handle, display_name, updated_at) VALUES (?, ?, 'h', 'H', 0)").run(id, network);
  const insertGroup = (threads: 0 | 1, mastodon: 0 | 1, sortAt = 1): number =>
    Number(db.prepare('INSERT INTO post_groups (sort_at, has_threads, has_mastodon) VALUES (?, ?, ?)').run(sortAt, threads, mastodon).lastInsertRowid);
  const insertPost = (accountId: 'm' | 't', remoteId: string, groupId: number): string => {
    const network = accountId === 'm' ? 'mastodon' : 'threads';
    const id = `${accountId}:${remoteId}`;
    db.prepare(
      `INSERT INTO posts (id, account_id, network, server, remote_id, group_id, author_id, created_at, person_key, link_text, body, stored_at)
       VALUES (?, ?, ?, 'https://s', ?, ?, 'author', 1, 'p', 't', '{}', 1)`,
    ).run(id, accountId, network, remoteId, groupId);
    return id;
  };
  const groups = () => db.prepare('SELECT id, has_threads, has_mastodon FROM post_groups ORDER BY id').all();
  const count = (table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

  it('keeps existing accounts and adds the timeline tables, empty', () => {
    expect(schemaVersion(db)).toBe(3);
    expect(db.prepare('SELECT id, handle FROM accounts ORDER BY id').all()).toEqual([
      { id: 'm', handle: 'ada@mastodon.social' },
      { id: 't', handle: 'ada' },
    ]);
    for (const table of TABLES) expect(count(table), table).toBe(0);
  });

  it('has no column that could hold a token or a secret, in any table', () => {
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((t) => t.name);
    expect(tables).toEqual(expect.arrayContaining(TABLES));
    for (const table of tables) {
      const columns = (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name);
      expect(columns.filter((name) => /token$|secret|password|bearer|credential/i.test(name)), table).toEqual([]);
    }
  });

  it('allows only known networks, rules and 0/1 flags', () => {
    expect(() => insertAuthor('a1', 'bluesky')).toThrow(/CHECK/);
    expect(() => db.prepare("INSERT INTO authors (id, network, handle, display_name, bot, updated_at) VALUES ('a2', 'threads', 'h', 'H', 2, 0)").run()).toThrow(/CHECK/);
    expect(() => db.prepare("INSERT INTO post_groups (sort_at, rule) VALUES (1, 'same-colour')").run()).toThrow(/CHECK/);
    expect(() => db.prepare('INSERT INTO post_groups (sort_at, has_threads) VALUES (1, 2)').run()).toThrow(/CHECK/);
    expect(() => db.prepare('INSERT INTO post_groups (sort_at, has_mastodon) VALUES (1, -1)').run()).toThrow(/CHECK/);
    for (const rule of ['activitypub-id', 'permalink', 'threads-post-id', 'same-author-text', null]) {
      expect(() => db.prepare('INSERT INTO post_groups (sort_at, rule) VALUES (1, ?)').run(rule), String(rule)).not.toThrow();
    }
    insertAuthor('author');
    const group = insertGroup(0, 1);
    expect(() =>
      db.prepare(
        `INSERT INTO posts (id, account_id, network, server, remote_id, group_id, author_id, created_at, person_key, link_text, body, stored_at)
         VALUES ('x', 'm', 'twitter', 's', 'r', ?, 'author', 1, 'p', 't', '{}', 1)`,
      ).run(group),
    ).toThrow(/CHECK/);
    const post = insertPost('m', 'r1', group);
    expect(() => db.prepare("INSERT INTO boosts (id, account_id, remote_id, post_id, author_id, network, at) VALUES ('b', 'm', 'r', ?, 'author', 'x', 1)").run(post)).toThrow(/CHECK/);
    expect(() => db.prepare("INSERT INTO sync_cursors (account_id, feed, backfill_done) VALUES ('m', 'home', 2)").run()).toThrow(/CHECK/);
  });

  it('is strict about types: a time must be an integer', () => {
    expect(() => db.prepare("INSERT INTO post_groups (sort_at) VALUES ('yesterday')").run()).toThrow(/cannot store TEXT value in INTEGER column/);
  });

  it('ties copies to accounts, cards and authors that exist, and each copy once per account', () => {
    insertAuthor('author');
    const group = insertGroup(0, 1);
    expect(() => insertPost('m', 'r1', 999)).toThrow(/FOREIGN KEY/);
    expect(() =>
      db.prepare(
        `INSERT INTO posts (id, account_id, network, server, remote_id, group_id, author_id, created_at, person_key, link_text, body, stored_at)
         VALUES ('x', 'gone', 'mastodon', 's', 'r', ?, 'author', 1, 'p', 't', '{}', 1)`,
      ).run(group),
    ).toThrow(/FOREIGN KEY/);
    // A copy's id is '<account id>:<remote id>', so the primary key keeps one row per copy per account.
    insertPost('m', 'r1', group);
    expect(() => insertPost('m', 'r1', group)).toThrow(/UNIQUE/);
    expect(insertPost('t', 'r1', group)).toBe('t:r1');
  });

  describe('triggers', () => {
    beforeEach(() => insertAuthor('author'));

    it('delete a card when its last copy goes, and keep it while another copy is left', () => {
      const solo = insertGroup(0, 1);
      const pair = insertGroup(0, 1);
      const only = insertPost('m', 'solo', solo);
      const first = insertPost('m', 'a', pair);
      const second = insertPost('m', 'b', pair);
      db.prepare('DELETE FROM posts WHERE id = ?').run(only);
      db.prepare('DELETE FROM posts WHERE id = ?').run(first);
      expect(groups()).toEqual([{ id: pair, has_threads: 0, has_mastodon: 1 }]);
      db.prepare('DELETE FROM posts WHERE id = ?').run(second);
      expect(groups()).toEqual([]);
    });

    it('clear a cross-posted card’s Threads flag when its Threads copy goes, and its Mastodon flag likewise', () => {
      const a = insertGroup(1, 1);
      const b = insertGroup(1, 1);
      const aThreads = insertPost('t', 'a', a);
      insertPost('m', 'a', a);
      insertPost('t', 'b', b);
      const bMastodon = insertPost('m', 'b', b);
      db.prepare('DELETE FROM posts WHERE id = ?').run(aThreads);
      db.prepare('DELETE FROM posts WHERE id = ?').run(bMastodon);
      expect(groups()).toEqual([
        { id: a, has_threads: 0, has_mastodon: 1 },
        { id: b, has_threads: 1, has_mastodon: 0 },
      ]);
    });

    it('keep the Threads flag while a second Threads copy is left', () => {
      const group = insertGroup(1, 0);
      const first = insertPost('t', 'a', group);
      db.prepare("INSERT INTO accounts (id, network, server, remote_id, handle, linked_at) VALUES ('t2', 'threads', 'https://x', '9', 'b', 'now')").run();
      db.prepare(
        `INSERT INTO posts (id, account_id, network, server, remote_id, group_id, author_id, created_at, person_key, link_text, body, stored_at)
         VALUES ('t2:a', 't2', 'threads', 's', 'a', ?, 'author', 1, 'p', 't', '{}', 1)`,
      ).run(group);
      db.prepare('DELETE FROM posts WHERE id = ?').run(first);
      expect(groups()).toEqual([{ id: group, has_threads: 1, has_mastodon: 0 }]);
    });

    it('on unlinking, remove the account’s copies, media, boosts, cursors and gaps, and the cards left empty', () => {
      const onlyMastodon = insertGroup(0, 1, 10);
      const cross = insertGroup(1, 1, 20);
      const onlyThreads = insertGroup(1, 0, 30);
      const mSolo = insertPost('m', 'solo', onlyMastodon);
      const mCross = insertPost('m', 'cross', cross);
      const tCross = insertPost('t', 'cross', cross);
      const tSolo = insertPost('t', 'solo', onlyThreads);
      const media = db.prepare("INSERT INTO media (post_id, position, type, url) VALUES (?, 0, 'image', 'https://f/x.png')");
      for (const post of [mSolo, mCross, tCross, tSolo]) media.run(post);
      const boost = db.prepare("INSERT INTO boosts (id, account_id, remote_id, post_id, author_id, network, at) VALUES (?, ?, ?, ?, 'author', ?, 1)");
      boost.run('m:b1', 'm', 'b1', mSolo, 'mastodon');
      boost.run('t:b1', 't', 'b1', tSolo, 'threads');
      const cursor = db.prepare("INSERT INTO sync_cursors (account_id, feed, backfill_done) VALUES (?, ?, 1)");
      cursor.run('m', 'home');
      cursor.run('t', 'threads');
      cursor.run('t', 'replies');
      const gap = db.prepare("INSERT INTO sync_gaps (account_id, feed, newer_id, older_id, created_at) VALUES (?, ?, 'n', 'o', 1)");
      gap.run('m', 'home');
      gap.run('t', 'threads');

      db.prepare("DELETE FROM accounts WHERE id = 'm'").run();

      expect(db.prepare('SELECT id FROM posts ORDER BY id').all()).toEqual([{ id: tCross }, { id: tSolo }]);
      expect(db.prepare('SELECT post_id FROM media ORDER BY post_id').all()).toEqual([{ post_id: tCross }, { post_id: tSolo }]);
      expect(db.prepare('SELECT id FROM boosts').all()).toEqual([{ id: 't:b1' }]);
      expect(db.prepare('SELECT account_id, feed FROM sync_cursors ORDER BY feed').all()).toEqual([
        { account_id: 't', feed: 'replies' },
        { account_id: 't', feed: 'threads' },
      ]);
      expect(db.prepare('SELECT account_id FROM sync_gaps').all()).toEqual([{ account_id: 't' }]);
      // The Mastodon-only card is gone; the cross-post is now a Threads card.
      expect(groups()).toEqual([
        { id: cross, has_threads: 1, has_mastodon: 0 },
        { id: onlyThreads, has_threads: 1, has_mastodon: 0 },
      ]);

      db.prepare("DELETE FROM accounts WHERE id = 't'").run();
      for (const table of ['posts', 'media', 'boosts', 'sync_cursors', 'sync_gaps', 'post_groups']) expect(count(table), table).toBe(0);
    });
  });
});
