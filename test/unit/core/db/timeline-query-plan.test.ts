/**
 * The hot queries of the timeline cache keep to their indexes (docs: CONVENTIONS, SQLite): the
 * page query walks its filter's partial index as a range, the per-page look-ups and the
 * linker's look-ups are index searches, never a full scan of posts or media. Checked on an
 * empty cache and on one with a few thousand rows and fresh ANALYZE statistics, because the
 * planner's choice depends on both.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TimelineFilter } from '@shared/timeline';
import { openDatabase, type Db } from '../../../../electron/core/db/open';
import { createSyncRepo } from '../../../../electron/core/db/sync-repo';
import { createTimelineReader } from '../../../../electron/core/db/timeline-read';
import { createTimelineWriter } from '../../../../electron/core/db/timeline-write';

const FILTERS: Record<TimelineFilter, string> = {
  all: 'post_groups_all',
  threads: 'post_groups_threads',
  mastodon: 'post_groups_mastodon',
  'cross-posted': 'post_groups_cross',
};

interface PlanRow {
  id: number;
  parent: number;
  detail: string;
}

const T0 = Date.parse('2026-01-01T00:00:00Z');

/** A cache like a few weeks of use: 3 accounts, ~4,000 copies, a tenth of cards cross-posted, media and boosts. */
function seed(db: Db): void {
  const accounts = db.prepare("INSERT INTO accounts (id, network, server, remote_id, handle, linked_at) VALUES (?, ?, ?, ?, ?, '2026-01-01')");
  accounts.run('t', 'threads', 'https://graph.threads.net', '1', 'me');
  accounts.run('m', 'mastodon', 'https://mastodon.social', '2', 'me@mastodon.social');
  accounts.run('m2', 'mastodon', 'https://hachyderm.io', '3', 'me@hachyderm.io');
  const author = db.prepare("INSERT INTO authors (id, network, handle, display_name, updated_at) VALUES (?, ?, ?, ?, 0)");
  const group = db.prepare('INSERT INTO post_groups (sort_at, rule, has_threads, has_mastodon) VALUES (?, ?, ?, ?)');
  const post = db.prepare(
    `INSERT INTO posts (id, account_id, network, server, remote_id, group_id, author_id, created_at, uri_key, url_key, threads_post_id, person_key, link_text, body, stored_at)
     VALUES ($id, $account, $network, 's', $remote, $group, $author, $at, $uri, $url, $threadsId, $person, $text, '{}', 0)`,
  );
  const media = db.prepare("INSERT INTO media (post_id, position, type, url) VALUES (?, ?, 'image', 'https://files.example/x.png')");
  const boost = db.prepare('INSERT INTO boosts (id, account_id, remote_id, post_id, author_id, network, at) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const cursor = db.prepare("INSERT INTO sync_cursors (account_id, feed, backfill_done) VALUES (?, ?, 1)");
  db.transaction(() => {
    for (let p = 0; p < 300; p += 1) {
      author.run(`mastodon:mastodon.social:${p}`, 'mastodon', `person${p}@example.social`, `Person ${p}`);
      author.run(`threads:graph.threads.net:${p}`, 'threads', `person${p}`, `person${p}`);
    }
    for (let i = 0; i < 3500; i += 1) {
      const at = T0 + i * 37_000 + (i % 7 === 0 ? 0 : 1000);
      const p = (i * 7919) % 300;
      const kind = i % 10 === 0 ? 'cross' : i % 3 === 0 ? 'threads' : 'mastodon';
      const groupId = Number(group.run(at, kind === 'cross' ? 'activitypub-id' : null, kind === 'mastodon' ? 0 : 1, kind === 'threads' ? 0 : 1).lastInsertRowid);
      const copies = kind === 'cross' ? ['t', i % 20 === 0 ? 'm2' : 'm'] : kind === 'threads' ? ['t'] : [i % 4 === 0 ? 'm2' : 'm'];
      for (const account of copies) {
        const threads = account === 't';
        const id = `${account}:${i}`;
        post.run({
          id,
          account,
          network: threads ? 'threads' : 'mastodon',
          remote: String(i),
          group: groupId,
          author: threads ? `threads:graph.threads.net:${p}` : `mastodon:mastodon.social:${p}`,
          at,
          uri: kind === 'cross' || !threads ? `threads.net/ap/post/${i}` : null,
          url: `example.social/@person${p}/${i}-${account}`,
          threadsId: threads || kind === 'cross' ? String(i) : null,
          person: threads || kind === 'cross' ? `threads:threads.net:person${p}` : `mastodon:person${p}@example.social`,
          text: `post ${i} by person ${p}`,
        });
        if (i % 5 === 0) for (let m = 0; m < 1 + (i % 3); m += 1) media.run(id, m);
        if (i % 9 === 0) boost.run(`${account}:b${i}`, account, `b${i}`, id, `mastodon:mastodon.social:${(p + 1) % 300}`, threads ? 'threads' : 'mastodon', at + 60_000);
      }
    }
    for (const [account, feed] of [['t', 'threads'], ['t', 'replies'], ['t', 'mentions'], ['m', 'home'], ['m2', 'home']]) cursor.run(account, feed);
  })();
  db.exec('ANALYZE');
}

/** The SQL of every statement `build` prepares, as the product wrote it. */
function preparedBy(db: Db, build: () => void): string[] {
  const prepare = vi.spyOn(db, 'prepare');
  build();
  const sql = prepare.mock.calls.map(([source]) => source);
  prepare.mockRestore();
  return sql;
}

function find(statements: readonly string[], pattern: RegExp): string {
  const matches = statements.filter((sql) => pattern.test(sql));
  expect(matches, String(pattern)).toHaveLength(1);
  return matches[0] as string;
}

for (const state of ['an empty cache', 'a cache with a few thousand posts and statistics'] as const) {
  describe(`query plans on ${state}`, () => {
    let db: Db;

    beforeEach(() => {
      db = openDatabase(':memory:');
      if (state !== 'an empty cache') seed(db);
    });
    afterEach(() => db.close());

    function plan(sql: string, params: unknown[] | Record<string, unknown>): PlanRow[] {
      const statement = db.prepare(`EXPLAIN QUERY PLAN ${sql}`);
      return (Array.isArray(params) ? statement.all(...params) : statement.all(params)) as PlanRow[];
    }
    const details = (rows: readonly PlanRow[]): string[] => rows.map((row) => row.detail);

    /** No table the timeline grows with is read whole. */
    function expectNoFullScan(rows: readonly PlanRow[]): void {
      for (const detail of details(rows)) {
        expect(detail, detail).not.toMatch(/^SCAN (posts|media|boosts|authors|post_groups|p|b|a|m)\b(?! USING)/);
      }
    }

    describe.each(Object.entries(FILTERS) as [TimelineFilter, string][])('the %s page', (filter, index) => {
      it(`walks ${index} as a range, newest first, without sorting`, () => {
        const reader = createTimelineReader(db);
        const before = reader.pageSql(filter);
        const rows = plan(before, { sortAt: T0 + 1_000_000, groupId: 10, limit: 50 });
        expect(details(rows)).toEqual([`SEARCH post_groups USING INDEX ${index} (sort_at<?)`]);
      });

      it(`starts the first page and the newer page from ${index} too`, () => {
        const sql = preparedBy(db, () => {
          const reader = createTimelineReader(db);
          reader.page({ filter, limit: 50 });
          reader.page({ filter, limit: 50, after: `${T0}.1` });
        });
        const first = find(sql, /^SELECT id, sort_at, rule FROM post_groups INDEXED BY .* LIMIT \$limit$/);
        expect(details(plan(first, { limit: 50 }))).toEqual([`SCAN post_groups USING INDEX ${index}`]);

        const after = find(sql, /\(sort_at, id\) > /);
        const rows = plan(after, { sortAt: T0, groupId: 1, limit: 50 });
        // The nearest `limit` cards come from a range of the index in ascending order…
        const search = rows.find((row) => row.detail === `SEARCH post_groups USING INDEX ${index} (sort_at>?)`);
        expect(search, details(rows).join('\n')).toBeDefined();
        // …and only those few are put newest first: no sort below the LIMIT.
        const subquery = rows.find((row) => row.id === search?.parent);
        expect(subquery?.detail).toMatch(/^(CO-ROUTINE|MATERIALIZE)/);
        const sorts = rows.filter((row) => row.detail.startsWith('USE TEMP B-TREE'));
        expect(sorts.every((row) => row.parent !== subquery?.id)).toBe(true);
        expectNoFullScan(rows);
      });
    });

    it('reads a page’s copies, media, boosts and the completeness flag through indexes', () => {
      const sql = preparedBy(db, () => createTimelineReader(db));
      const ids = JSON.stringify(Array.from({ length: 50 }, (_, i) => i + 1));

      const posts = plan(find(sql, /FROM posts p JOIN authors a ON a.id = p.author_id/), [ids]);
      expect(details(posts)).toEqual(expect.arrayContaining(['SEARCH p USING INDEX posts_group (group_id=?)']));
      expect(details(posts).some((d) => /^SEARCH a USING (COVERING )?INDEX sqlite_autoindex_authors_1 \(id=\?\)$/.test(d))).toBe(true);
      expectNoFullScan(posts);

      const media = plan(find(sql, /FROM media/), [JSON.stringify(['m:1', 't:2'])]);
      expect(details(media)).toEqual(expect.arrayContaining(['SEARCH media USING PRIMARY KEY (post_id=?)']));
      expect(details(media)).not.toContain('USE TEMP B-TREE FOR ORDER BY');
      expectNoFullScan(media);

      const boosts = plan(find(sql, /FROM boosts b JOIN posts p/), [ids]);
      expect(details(boosts)).toEqual(expect.arrayContaining(['SEARCH p USING INDEX posts_group (group_id=?)', 'SEARCH b USING INDEX boosts_post (post_id=?)']));
      expectNoFullScan(boosts);

      const groups = plan(find(sql, /FROM post_groups WHERE id IN/), [ids]);
      expect(details(groups)).toEqual(expect.arrayContaining(['SEARCH post_groups USING INTEGER PRIMARY KEY (rowid=?)']));

      const incomplete = plan(find(sql, /FROM sync_cursors c/), []);
      // One look-up per linked account (a handful), each by the cursors' primary key.
      const cursorReads = details(incomplete).filter((d) => / c /.test(d));
      expect(cursorReads).toEqual(['SEARCH c USING PRIMARY KEY (account_id=?)', 'SEARCH c USING PRIMARY KEY (account_id=?)']);
    });

    it('finds link candidates by ActivityPub id, URL, Threads id and person through their indexes', () => {
      const sql = preparedBy(db, () => createTimelineWriter(db, () => 0));
      const cases: [RegExp, unknown[], string][] = [
        [/WHERE person_key = \? AND created_at BETWEEN/, ['threads:threads.net:person1', T0, T0 + 600_000, 'same words'], 'SEARCH posts USING INDEX posts_person (person_key=? AND created_at>? AND created_at<?)'],
      ];
      for (const [pattern, params, expected] of cases) {
        const rows = plan(find(sql, pattern), params);
        expect(details(rows), String(pattern)).toEqual([expected]);
      }
      // A Threads post id: the Mastodon copies that name it, and the post itself by primary key.
      const byThreadsId = details(plan(find(sql, /WHERE threads_post_id = \$id/), { id: '10' }));
      expect(byThreadsId).toEqual(expect.arrayContaining(['SEARCH posts USING INDEX posts_threads_id (threads_post_id=?)', expect.stringMatching(/^SEARCH posts USING INDEX sqlite_autoindex_posts_1 \(id=\?\)/)]));
      expect(byThreadsId.some((d) => /^SCAN posts/.test(d))).toBe(false);
      // A post's ActivityPub id and permalink, each as either key, in one statement.
      const byKeys = details(plan(find(sql, /WHERE uri_key IN/), { a: 'threads.net/ap/post/10', b: 'example.social/@person1/1-m' }));
      expect(byKeys).toEqual(expect.arrayContaining([expect.stringMatching(/^SEARCH posts USING INDEX posts_uri \(uri_key=\?\)/), expect.stringMatching(/^SEARCH posts USING INDEX posts_url \(url_key=\?\)/)]));
      expect(byKeys.some((d) => /^SCAN posts/.test(d))).toBe(false);
      // A `delete` event: the copy by its id, else a boost by account and remote id.
      expect(details(plan(find(sql, /^SELECT group_id FROM posts WHERE id = \?$/), ['m:1']))).toEqual(['SEARCH posts USING INDEX sqlite_autoindex_posts_1 (id=?)']);
      const boostTarget = plan(find(sql, /FROM boosts b JOIN posts p ON p.id = b.post_id WHERE b.id = \?/), ['m:b9']);
      expectNoFullScan(boostTarget);
      // A looked-up Threads profile: the cards that show that author.
      const groupsOfAuthor = plan(find(sql, /SELECT DISTINCT p.group_id FROM posts p JOIN authors a/), ['threads:graph.threads.net', 'threads:graph.threads.net', 'person1']);
      expect(details(groupsOfAuthor).some((d) => d.startsWith('SEARCH p USING INDEX posts_author ('))).toBe(true);
      expectNoFullScan(groupsOfAuthor);
    });

    it('finds the Mastodon reading marker by card, through posts_group and boosts_post', () => {
      const sql = preparedBy(db, () => createSyncRepo(db));
      const rows = plan(find(sql, /SELECT b.remote_id, 0 AS rank/), { accountId: 'm', groupId: 5 });
      expect(details(rows)).toEqual(expect.arrayContaining([expect.stringMatching(/^SEARCH posts USING INDEX posts_group \(group_id=\?\)/)]));
      expectNoFullScan(rows);
    });
  });
}

describe('the reading marker query', () => {
  it('answers with the account’s own copy on the card, and nothing for a card it does not have', () => {
    const db = openDatabase(':memory:');
    seed(db);
    const repo = createSyncRepo(db);
    expect(repo.markerIdFor('m', 'no-such-card')).toBeNull();
    expect(repo.markerIdFor('m', '-1')).toBeNull();
    const own = db.prepare("SELECT group_id, remote_id FROM posts WHERE account_id = 'm' ORDER BY created_at LIMIT 1").get() as { group_id: number; remote_id: string };
    expect(repo.markerIdFor('m', String(own.group_id))).toBe(own.remote_id);
    const threadsOnly = db.prepare("SELECT group_id FROM post_groups g JOIN posts p ON p.group_id = g.id WHERE g.has_mastodon = 0 LIMIT 1").get() as { group_id: number } | undefined;
    expect(threadsOnly).toBeDefined();
    expect(repo.markerIdFor('m', String(threadsOnly?.group_id))).toBeNull();
    db.close();
  });
});
