/**
 * Where each account's sync stands, per feed: the newest and oldest remote ids stored, how far
 * the first backfill has come, and the gaps between a fresh top page and older cached posts.
 * Cursor writes happen inside the same transaction as the page they describe.
 */
import { ReadingPosition } from '@shared/timeline';
import type { Db } from './open';

export interface SyncCursor {
  accountId: string;
  feed: string;
  newestId: string | null;
  /** Time of the newest stored post (Threads pages by `since`). */
  newestAt: number | null;
  oldestId: string | null;
  backfilled: number;
  backfillDone: boolean;
  lastSyncedAt: number | null;
}

/** Posts missing between `olderId` (stored) and `newerId` (stored); both ends exclusive. */
export interface SyncGap {
  id: number;
  accountId: string;
  feed: string;
  newerId: string;
  olderId: string;
}

interface CursorRow {
  account_id: string;
  feed: string;
  newest_id: string | null;
  newest_at: number | null;
  oldest_id: string | null;
  backfilled: number;
  backfill_done: 0 | 1;
  last_synced_at: number | null;
}

const POSITION_KEY = 'reading-position';

export type SyncRepo = ReturnType<typeof createSyncRepo>;

export function createSyncRepo(db: Db) {
  const statements = {
    get: db.prepare<[string, string], CursorRow>('SELECT * FROM sync_cursors WHERE account_id = ? AND feed = ?'),
    forAccount: db.prepare<[string], CursorRow>('SELECT * FROM sync_cursors WHERE account_id = ?'),
    upsert: db.prepare(
      `INSERT INTO sync_cursors (account_id, feed, newest_id, newest_at, oldest_id, backfilled, backfill_done, last_synced_at)
       VALUES ($accountId, $feed, $newestId, $newestAt, $oldestId, $backfilled, $backfillDone, $lastSyncedAt)
       ON CONFLICT (account_id, feed) DO UPDATE SET
         newest_id = excluded.newest_id, newest_at = excluded.newest_at, oldest_id = excluded.oldest_id,
         backfilled = excluded.backfilled, backfill_done = excluded.backfill_done, last_synced_at = excluded.last_synced_at`,
    ),
    gaps: db.prepare<[string, string], { id: number; account_id: string; feed: string; newer_id: string; older_id: string }>(
      'SELECT id, account_id, feed, newer_id, older_id FROM sync_gaps WHERE account_id = ? AND feed = ? ORDER BY id',
    ),
    addGap: db.prepare<{ accountId: string; feed: string; newerId: string; olderId: string; createdAt: number }>(
      'INSERT INTO sync_gaps (account_id, feed, newer_id, older_id, created_at) VALUES ($accountId, $feed, $newerId, $olderId, $createdAt)',
    ),
    narrowGap: db.prepare<[string, number]>('UPDATE sync_gaps SET older_id = ? WHERE id = ?'),
    closeGap: db.prepare<[number]>('DELETE FROM sync_gaps WHERE id = ?'),
    // The account's own item for a card: the boost that brought it into the home timeline, else its copy.
    inGroup: db.prepare<{ accountId: string; groupId: number }, { remote_id: string }>(
      `SELECT remote_id FROM (
         SELECT b.remote_id, 0 AS rank FROM boosts b JOIN posts p ON p.id = b.post_id WHERE b.account_id = $accountId AND p.group_id = $groupId
         UNION ALL
         SELECT remote_id, 1 AS rank FROM posts WHERE account_id = $accountId AND group_id = $groupId
       ) ORDER BY rank LIMIT 1`,
    ),
    getState: db.prepare<[string], { value: string }>('SELECT value FROM app_state WHERE key = ?'),
    setState: db.prepare<[string, string]>(
      'INSERT INTO app_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    ),
  };

  const toCursor = (row: CursorRow): SyncCursor => ({
    accountId: row.account_id,
    feed: row.feed,
    newestId: row.newest_id,
    newestAt: row.newest_at,
    oldestId: row.oldest_id,
    backfilled: row.backfilled,
    backfillDone: row.backfill_done === 1,
    lastSyncedAt: row.last_synced_at,
  });

  return {
    cursor(accountId: string, feed: string): SyncCursor | null {
      const row = statements.get.get(accountId, feed);
      return row ? toCursor(row) : null;
    },
    /** The stored cursor, or a fresh one for a feed that has never synced. */
    cursorOrFresh(accountId: string, feed: string): SyncCursor {
      const row = statements.get.get(accountId, feed);
      if (row) return toCursor(row);
      return { accountId, feed, newestId: null, newestAt: null, oldestId: null, backfilled: 0, backfillDone: false, lastSyncedAt: null };
    },
    cursors(accountId: string): SyncCursor[] {
      return statements.forAccount.all(accountId).map(toCursor);
    },
    saveCursor(cursor: SyncCursor): void {
      statements.upsert.run({ ...cursor, backfillDone: cursor.backfillDone ? 1 : 0 });
    },
    gaps(accountId: string, feed: string): SyncGap[] {
      return statements.gaps.all(accountId, feed).map((row) => ({
        id: row.id,
        accountId: row.account_id,
        feed: row.feed,
        newerId: row.newer_id,
        olderId: row.older_id,
      }));
    },
    addGap(gap: Omit<SyncGap, 'id'>, createdAt: number): void {
      statements.addGap.run({ ...gap, createdAt });
    },
    narrowGap(id: number, olderId: string): void {
      statements.narrowGap.run(olderId, id);
    },
    closeGap(id: number): void {
      statements.closeGap.run(id);
    },
    /**
     * The home-timeline id for Mastodon's read marker: this account's own item on the card being
     * read (the boost, or the copy). Null when the card is not in this account's timeline (a
     * Threads-only post): its marker then stays where it was.
     */
    markerIdFor(accountId: string, groupId: string): string | null {
      const group = Number(groupId);
      return Number.isSafeInteger(group) ? (statements.inGroup.get({ accountId, groupId: group })?.remote_id ?? null) : null;
    },
    position(): ReadingPosition | null {
      const row = statements.getState.get(POSITION_KEY);
      if (!row) return null;
      try {
        const parsed = ReadingPosition.safeParse(JSON.parse(row.value));
        return parsed.success ? parsed.data : null;
      } catch {
        return null;
      }
    },
    savePosition(position: ReadingPosition): void {
      statements.setState.run(POSITION_KEY, JSON.stringify(position));
    },
  };
}
