/**
 * The sharing facts Braid looked up where the servers say nothing (migration 004,
 * `sharing_facts`): WebFinger answers for authors (`actor`, `<threads domain>:<username>`) and
 * Mastodon searches for posts (`post`, the permalink's canonicalKey), each with an expiry.
 * A page reads all its facts in one query through the primary key.
 */
import type { Db } from '../db/open';
import type { FactKind, FactState, StoredFact } from './badges';
import { factId } from './badges';

interface Row {
  kind: FactKind;
  key: string;
  state: FactState;
  how: string;
  checked_at: number;
  expires_at: number;
}

const toFact = (row: Row): StoredFact => ({ kind: row.kind, key: row.key, state: row.state, how: row.how, checkedAt: row.checked_at, expiresAt: row.expires_at });

export function createSharingFactsRepo(db: Db) {
  const statements = {
    // Row values against the (kind, key) primary key: one index search per fact, never a scan.
    many: db.prepare<[string], Row>(
      `SELECT kind, key, state, how, checked_at, expires_at FROM sharing_facts
       WHERE (kind, key) IN (SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(?))`,
    ),
    one: db.prepare<{ kind: FactKind; key: string }, Row>('SELECT kind, key, state, how, checked_at, expires_at FROM sharing_facts WHERE kind = $kind AND key = $key'),
    save: db.prepare<Row>(
      `INSERT INTO sharing_facts (kind, key, state, how, checked_at, expires_at)
       VALUES ($kind, $key, $state, $how, $checked_at, $expires_at)
       ON CONFLICT (kind, key) DO UPDATE SET state = excluded.state, how = excluded.how,
         checked_at = excluded.checked_at, expires_at = excluded.expires_at`,
    ),
    forget: db.prepare<{ kind: FactKind; key: string }>('DELETE FROM sharing_facts WHERE kind = $kind AND key = $key'),
    // The permalinks of an author's stored copies are their post facts' keys (posts.url_key is the same canonicalKey).
    postKeysOf: db.prepare<[string], { url_key: string; group_id: number }>(
      `SELECT url_key, group_id FROM posts WHERE author_id IN (SELECT value FROM json_each(?)) AND url_key IS NOT NULL`,
    ),
    purgeExpired: db.prepare<{ before: number }>('DELETE FROM sharing_facts WHERE expires_at < $before'),
  };

  return {
    /** The stored facts among `refs`, by factId; expired ones included (the caller judges). */
    read(refs: readonly { kind: FactKind; key: string }[]): Map<string, StoredFact> {
      const found = new Map<string, StoredFact>();
      if (refs.length === 0) return found;
      const unique = [...new Map(refs.map((ref) => [factId(ref.kind, ref.key), [ref.kind, ref.key]])).values()];
      for (const row of statements.many.all(JSON.stringify(unique))) found.set(factId(row.kind, row.key), toFact(row));
      return found;
    },
    get(kind: FactKind, key: string): StoredFact | undefined {
      const row = statements.one.get({ kind, key });
      return row ? toFact(row) : undefined;
    },
    save(fact: StoredFact): void {
      statements.save.run({ kind: fact.kind, key: fact.key, state: fact.state, how: fact.how, checked_at: fact.checkedAt, expires_at: fact.expiresAt });
    },
    /**
     * Drops the post facts of everything these authors wrote (the user's own Threads account,
     * after its sharing changed) and returns the keys dropped and the cards they are on.
     */
    forgetPostsBy(authorIds: readonly string[]): { keys: string[]; groupIds: string[] } {
      const rows = statements.postKeysOf.all(JSON.stringify(authorIds));
      const keys = [...new Set(rows.map((row) => row.url_key))];
      db.transaction(() => {
        for (const key of keys) statements.forget.run({ kind: 'post', key });
      })();
      return { keys, groupIds: [...new Set(rows.map((row) => String(row.group_id)))] };
    },
    /** Facts expired this long ago are of no use even as a hint; keeps the table small. */
    purgeExpired(before: number): number {
      return statements.purgeExpired.run({ before }).changes;
    },
  };
}

export type SharingFactsRepo = ReturnType<typeof createSharingFactsRepo>;
