/**
 * After Fediverse sharing is turned on or off, the user's own stored Threads posts take the
 * server's `is_shared_to_fediverse` (electron/core/sharing/account-sharing.ts): only rows whose
 * flag differs are written, and their cards are reported for redrawing.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAccountsRepo } from '../../../../electron/core/db/accounts-repo';
import { openDatabase, type Db } from '../../../../electron/core/db/open';
import { createTimelineReader, type TimelineReader } from '../../../../electron/core/db/timeline-read';
import { createTimelineWriter, type TimelineWriter } from '../../../../electron/core/db/timeline-write';
import { normalizeThreadsMedia } from '../../../../electron/core/timeline/normalize-threads';
import { threadsCtx, threadsMedia } from '../timeline/fixtures';

const T0 = Date.parse('2026-11-02T10:00:00Z');
const THREADS = 'https://graph.threads.net';
const mediaId = (n: number): string => `18028743095${String(n).padStart(6, '0')}`;

let db: Db;
let writer: TimelineWriter;
let reader: TimelineReader;

beforeEach(() => {
  db = openDatabase(':memory:');
  const accounts = createAccountsRepo(db);
  accounts.upsert({ id: 'acc-threads', network: 'threads', server: THREADS, remoteId: '1', handle: 'alice', displayName: 'Alice', avatarUrl: null, status: 'ok', linkedAt: '2026-01-01T00:00:00.000Z' });
  accounts.upsert({ id: 'acc-other', network: 'threads', server: 'https://other.example', remoteId: '1', handle: 'alice', displayName: 'Alice', avatarUrl: null, status: 'ok', linkedAt: '2026-01-02T00:00:00.000Z' });
  writer = createTimelineWriter(db, () => T0);
  reader = createTimelineReader(db);
});
afterEach(() => db.close());

/** Stores the user's own post `n` with the given flag (null: the server did not say) and returns its card id. */
function storeOwn(n: number, shared: boolean | null, accountId = 'acc-threads'): string {
  const item = normalizeThreadsMedia(
    threadsMedia({
      id: mediaId(n),
      timestamp: new Date(T0 + n * 60_000).toISOString().replace(/\.\d{3}Z$/, '+0000'),
      permalink: `https://www.threads.net/@alice/post/OWN${n}`,
      shortcode: `OWN${n}`,
      activitypub_id: undefined,
      is_shared_to_fediverse: shared ?? undefined,
      text: `My post ${n}`,
    }),
    threadsCtx({ accountId }),
  );
  const result = writer.transaction((r) => writer.storeItems([item], THREADS, r));
  const added = result.added[0];
  if (!added) throw new Error('the post was not stored as a new card');
  return String(added.groupId);
}

function sharedFlagOf(groupId: string): boolean | null | undefined {
  return reader.entries([groupId])[0]?.posts.find((post) => post.network === 'threads')?.sharedToFediverse;
}

function rawBody(postId: string): string {
  return db.prepare<[string], { body: string }>('SELECT body FROM posts WHERE id = ?').get(postId)?.body ?? '';
}

describe('setSharedFlags', () => {
  it('writes only the posts whose flag changed and reports their cards', () => {
    const off = storeOwn(1, false);
    const on = storeOwn(2, true);
    const unknown = storeOwn(3, null);
    const changed = writer.setSharedFlags('acc-threads', new Map([[mediaId(1), true], [mediaId(2), true], [mediaId(3), false]]));
    expect(changed).toEqual(new Set([off, unknown]));
    expect(sharedFlagOf(off)).toBe(true);
    expect(sharedFlagOf(on)).toBe(true);
    expect(sharedFlagOf(unknown)).toBe(false);
  });

  it('turns shared posts off when sharing was turned off', () => {
    const a = storeOwn(1, true);
    const b = storeOwn(2, true);
    expect(writer.setSharedFlags('acc-threads', new Map([[mediaId(1), false], [mediaId(2), false]]))).toEqual(new Set([a, b]));
    expect([sharedFlagOf(a), sharedFlagOf(b)]).toEqual([false, false]);
  });

  it('ignores posts Braid has not stored and posts of other accounts', () => {
    const mine = storeOwn(1, false);
    const theirs = storeOwn(2, false, 'acc-other');
    const changed = writer.setSharedFlags('acc-threads', new Map([[mediaId(2), true], [mediaId(99), true]]));
    expect(changed.size).toBe(0);
    expect(sharedFlagOf(mine)).toBe(false);
    expect(sharedFlagOf(theirs)).toBe(false);
  });

  it('keeps the rest of the stored post as it was, key order included', () => {
    storeOwn(1, false);
    const before = JSON.parse(rawBody(`acc-threads:${mediaId(1)}`)) as Record<string, unknown>;
    writer.setSharedFlags('acc-threads', new Map([[mediaId(1), true]]));
    const after = JSON.parse(rawBody(`acc-threads:${mediaId(1)}`)) as Record<string, unknown>;
    expect(after).toEqual({ ...before, sharedToFediverse: true });
    expect(Object.keys(after)).toEqual(Object.keys(before));
  });

  it('reports nothing for an empty map', () => {
    storeOwn(1, true);
    expect(writer.setSharedFlags('acc-threads', new Map()).size).toBe(0);
  });
});
