/**
 * A post Braid sent to both networks is one card at once (timeline-write.ts storeOwnCopy),
 * whatever the linker would have said, and the syncs that later bring the same posts join it.
 */
import { beforeEach, expect, it } from 'vitest';
import { createAccountsRepo } from '../../../../electron/core/db/accounts-repo';
import { openDatabase, type Db } from '../../../../electron/core/db/open';
import { createTimelineReader } from '../../../../electron/core/db/timeline-read';
import { createTimelineWriter, type TimelineWriter } from '../../../../electron/core/db/timeline-write';
import { normalizeMastodonStatus } from '../../../../electron/core/timeline/normalize-mastodon';
import { normalizeThreadsMedia } from '../../../../electron/core/timeline/normalize-threads';
import { mastodonAccount, mastodonCtx, mastodonStatus, threadsCtx, threadsMedia } from '../timeline/fixtures';

const MASTO = 'https://mastodon.social';
const THREADS = 'https://graph.threads.net';
// The user's two accounts are one person (`self`), as the sync engine sets it up.
const selfKeys = new Set(['threads:threads.net:me', 'mastodon:me@mastodon.social']);
const tCtx = threadsCtx({ selfKeys });
const mCtx = mastodonCtx({ selfKeys });
const me = mastodonAccount({ id: '1', username: 'me', acct: 'me', displayName: 'Me', url: 'https://mastodon.social/@me', fields: [], emojis: [] });

const threadsCopy = (text = 'Shipping the composer today') =>
  normalizeThreadsMedia(
    threadsMedia({
      id: '18000000000000001',
      username: 'me',
      owner: { id: '1784' },
      permalink: 'https://www.threads.net/@me/post/ME1',
      shortcode: 'ME1',
      text,
      timestamp: '2026-11-02T10:00:00+0000',
      activitypub_id: 'https://threads.net/ap/users/1784/post/18000000000000001/',
    }),
    tCtx,
  );
const mastodonCopy = (content = '<p>Shipping the composer today</p>') =>
  normalizeMastodonStatus(
    mastodonStatus({
      id: '113000000000000001',
      account: me,
      createdAt: '2026-11-02T10:00:01.000Z',
      uri: 'https://mastodon.social/users/me/statuses/113000000000000001',
      url: 'https://mastodon.social/@me/113000000000000001',
      content,
      emojis: [],
      tags: [],
    }),
    mCtx,
  );

let db: Db;
let writer: TimelineWriter;
const groups = (): number => (db.prepare('SELECT COUNT(*) AS n FROM post_groups').get() as { n: number }).n;
const reader = () => createTimelineReader(db);

beforeEach(() => {
  db = openDatabase(':memory:');
  const accounts = createAccountsRepo(db);
  const base = { displayName: 'Me', avatarUrl: null, status: 'ok' as const, linkedAt: '2026-11-01T00:00:00.000Z' };
  accounts.upsert({ ...base, id: 'acc-threads', network: 'threads', server: THREADS, remoteId: '1784', handle: 'me' });
  accounts.upsert({ ...base, id: 'acc-masto', network: 'mastodon', server: MASTO, remoteId: '1', handle: 'me@mastodon.social' });
  writer = createTimelineWriter(db, () => Date.parse('2026-11-02T10:00:02Z'));
});

it('puts the second copy on the first copy\'s card even when the linker would not (different text)', () => {
  let threadsCard = 0;
  const first = writer.transaction((r) => {
    threadsCard = writer.storeOwnCopy(threadsCopy().post, THREADS, null, 'same-author-text', r);
  });
  expect(first.added).toEqual([{ groupId: threadsCard, sortAt: Date.parse('2026-11-02T10:00:00Z') }]);
  // The Mastodon copy carries the quoted post's link: rule 3 alone would make it a card of its own.
  const second = writer.transaction((r) => {
    expect(writer.storeOwnCopy(mastodonCopy('<p>Shipping the composer today</p><p>https://example.com/q</p>').post, MASTO, threadsCard, 'same-author-text', r)).toBe(threadsCard);
  });
  expect(second.added).toEqual([]);
  expect([...second.changed]).toEqual([threadsCard]);
  const [card] = reader().entries([String(threadsCard)]);
  expect(card?.networks).toEqual(['threads', 'mastodon']);
  expect(card?.rule).toBe('same-author-text');
  expect(groups()).toBe(1);
});

it('moves a copy the stream stored first onto the card, and drops the card it leaves', () => {
  const streamed = writer.transaction((r) => writer.storeItems([mastodonCopy('<p>A different text, so no rule links it</p>')], MASTO, r));
  const streamedCard = streamed.added[0]?.groupId as number;
  let threadsCard = 0;
  writer.transaction((r) => {
    threadsCard = writer.storeOwnCopy(threadsCopy().post, THREADS, null, 'same-author-text', r);
  });
  expect(threadsCard).not.toBe(streamedCard);
  const moved = writer.transaction((r) => writer.storeOwnCopy(mastodonCopy('<p>A different text, so no rule links it</p>').post, MASTO, threadsCard, 'same-author-text', r));
  expect([...moved.removed]).toEqual([streamedCard]);
  expect(moved.changed.has(threadsCard)).toBe(true);
  expect(groups()).toBe(1);
  expect(reader().entries([String(threadsCard)])[0]?.posts.map((p) => p.network)).toEqual(['threads', 'mastodon']);
  expect(reader().entries([String(streamedCard)])).toEqual([]);
  const flags = db.prepare('SELECT has_threads, has_mastodon FROM post_groups WHERE id = ?').get(threadsCard);
  expect(flags).toEqual({ has_threads: 1, has_mastodon: 1 });
});

it('lets later syncs of the same posts, and the federated copy, join that card', () => {
  let card = 0;
  writer.transaction((r) => {
    card = writer.storeOwnCopy(threadsCopy().post, THREADS, null, 'same-author-text', r);
    writer.storeOwnCopy(mastodonCopy().post, MASTO, card, 'same-author-text', r);
  });
  // The Threads poll and the Mastodon home timeline bring the same posts (by remote id), and the
  // Threads post arrives on Mastodon over ActivityPub (by its id).
  const federated = normalizeMastodonStatus(
    mastodonStatus({
      id: '113000000000000777',
      account: mastodonAccount({ id: '77', username: 'me', acct: 'me@threads.net', url: 'https://www.threads.net/@me', fields: [], emojis: [] }),
      createdAt: '2026-11-02T10:00:03.000Z',
      uri: 'https://threads.net/ap/users/1784/post/18000000000000001/',
      url: 'https://www.threads.net/@me/post/ME1',
      content: '<p>Shipping the composer today</p>',
      emojis: [],
      tags: [],
    }),
    mCtx,
  );
  const later = writer.transaction((r) => {
    writer.storeItems([threadsCopy()], THREADS, r);
    writer.storeItems([mastodonCopy(), federated], MASTO, r);
  });
  expect(later.added).toEqual([]);
  expect(groups()).toBe(1);
  const [entry] = reader().entries([String(card)]);
  expect(entry?.posts).toHaveLength(3);
  expect(entry?.rule).toBe('same-author-text');
});

it('stores a copy on a card of its own when there is no card to join (or it is gone)', () => {
  const result = writer.transaction((r) => {
    writer.storeOwnCopy(mastodonCopy().post, MASTO, 999, 'same-author-text', r);
  });
  expect(result.added).toHaveLength(1);
  expect(writer.groupOf('acc-masto:113000000000000001')).toBe(result.added[0]?.groupId);
  expect(writer.groupOf('acc-masto:nope')).toBeNull();
});
