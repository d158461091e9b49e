/**
 * Writing the timeline cache. A page of feed items is stored in one transaction together with
 * whatever cursor movement it stands for, so a crash between pages leaves the cache and the
 * cursors in step: the next sync resumes from the stored cursor and re-reads at most one page.
 *
 * Each new copy is offered to the cross-post linker (timeline/link.ts) against what is already
 * stored, including copies stored earlier in the same transaction.
 */
import type { Network } from '@shared/model';
import type { CrossPostRule, Post, PostAuthor } from '@shared/timeline';
import { findCrossPost } from '../timeline/link';
import type { FeedItem, LinkCandidate, LinkFacts, LinkLookup, NormalizedPost } from '../timeline/types';
import type { Db } from './open';

/** What a write changed, for `timeline.updated`. Group ids are the cards' ids. */
export interface WriteResult {
  /** Cards that did not exist before, with the time they sort at. */
  added: { groupId: number; sortAt: number }[];
  /** Cards that existed and changed (a copy, a boost or an edit joined). */
  changed: Set<number>;
  /** Cards that are gone. */
  removed: Set<number>;
  /** Copies stored or updated. */
  stored: number;
  /** Copies that joined an existing card. */
  linked: number;
  /** The newest card's time before the write: added cards above it are "new posts". */
  newestBefore: number;
}

function emptyWriteResult(newestBefore = Number.NEGATIVE_INFINITY): WriteResult {
  return { added: [], changed: new Set(), removed: new Set(), stored: 0, linked: 0, newestBefore };
}

/** Post fields kept as JSON: everything that has no column of its own. */
type PostBody = Omit<Post, 'id' | 'accountId' | 'network' | 'remoteId' | 'author' | 'media'>;

function bodyOf(post: Post): string {
  const body: PostBody = {
    uri: post.uri,
    url: post.url,
    createdAt: post.createdAt,
    editedAt: post.editedAt,
    contentHtml: post.contentHtml,
    spoilerText: post.spoilerText,
    sensitive: post.sensitive,
    poll: post.poll,
    card: post.card,
    quote: post.quote,
    counts: post.counts,
    inReplyTo: post.inReplyTo,
    emojis: post.emojis,
    topicTag: post.topicTag,
    sharedToFediverse: post.sharedToFediverse,
    fromFediverse: post.fromFediverse,
  };
  return JSON.stringify(body);
}

export function parseBody(json: string): PostBody {
  // Rows stored before `fromFediverse` existed read as not from the Fediverse.
  return { fromFediverse: false, ...(JSON.parse(json) as Partial<PostBody>) } as PostBody;
}

interface CandidateRow {
  group_id: number;
  id: string;
  network: Network;
  server: string;
  remote_id: string;
  uri_key: string | null;
  url_key: string | null;
  threads_post_id: string | null;
  person_key: string;
  link_text: string;
  created_at: number;
}

function toCandidate(row: CandidateRow): LinkCandidate {
  return {
    groupId: String(row.group_id),
    postId: row.id,
    network: row.network,
    server: row.server,
    remoteId: row.remote_id,
    createdAtMs: row.created_at,
    link: {
      uriKey: row.uri_key,
      urlKey: row.url_key,
      // Only Mastodon rows store it; a Threads post's own id is its remote id.
      threadsPostId: row.threads_post_id ?? (row.network === 'threads' ? row.remote_id : null),
      personKey: row.person_key,
      text: row.link_text,
    } satisfies LinkFacts,
  };
}

const CANDIDATE_COLUMNS = 'group_id, id, network, server, remote_id, uri_key, url_key, threads_post_id, person_key, link_text, created_at';

export type TimelineWriter = ReturnType<typeof createTimelineWriter>;

export function createTimelineWriter(db: Db, now: () => number) {
  const statements = {
    upsertAuthor: db.prepare(
      `INSERT INTO authors (id, network, handle, display_name, avatar_url, url, emojis, bot, updated_at)
       VALUES ($id, $network, $handle, $displayName, $avatarUrl, $url, $emojis, $bot, $updatedAt)
       ON CONFLICT (id) DO UPDATE SET
         handle = excluded.handle,
         -- Threads media carry no display name or avatar: never let them erase a looked-up one.
         display_name = CASE WHEN excluded.network = 'threads' AND excluded.display_name = excluded.handle
                             THEN authors.display_name ELSE excluded.display_name END,
         avatar_url = COALESCE(excluded.avatar_url, authors.avatar_url),
         url = COALESCE(excluded.url, authors.url),
         emojis = excluded.emojis,
         bot = excluded.bot,
         updated_at = excluded.updated_at`,
    ),
    findPost: db.prepare<[string], { group_id: number; body: string }>('SELECT group_id, body FROM posts WHERE id = ?'),
    insertGroup: db.prepare<{ sortAt: number; threads: number; mastodon: number }>(
      'INSERT INTO post_groups (sort_at, has_threads, has_mastodon) VALUES ($sortAt, $threads, $mastodon)',
    ),
    joinGroup: db.prepare<{ id: number; sortAt: number; threads: number; mastodon: number; rule: string | null }>(
      `UPDATE post_groups SET
         sort_at = MIN(sort_at, $sortAt),
         has_threads = MAX(has_threads, $threads),
         has_mastodon = MAX(has_mastodon, $mastodon),
         rule = COALESCE(rule, $rule)
       WHERE id = $id`,
    ),
    insertPost: db.prepare(
      `INSERT INTO posts (id, account_id, network, server, remote_id, group_id, author_id, created_at,
                          uri_key, url_key, threads_post_id, person_key, link_text, body, stored_at)
       VALUES ($id, $accountId, $network, $server, $remoteId, $groupId, $authorId, $createdAt,
               $uriKey, $urlKey, $threadsPostId, $personKey, $linkText, $body, $storedAt)`,
    ),
    updatePost: db.prepare<{ id: string; authorId: string; body: string; storedAt: number }>(
      'UPDATE posts SET author_id = $authorId, body = $body, stored_at = $storedAt WHERE id = $id',
    ),
    deleteMedia: db.prepare<[string]>('DELETE FROM media WHERE post_id = ?'),
    insertMedia: db.prepare(
      `INSERT INTO media (post_id, position, type, url, preview_url, alt, width, height)
       VALUES ($postId, $position, $type, $url, $previewUrl, $alt, $width, $height)`,
    ),
    insertBoost: db.prepare(
      `INSERT INTO boosts (id, account_id, remote_id, post_id, author_id, network, at)
       VALUES ($id, $accountId, $remoteId, $postId, $authorId, $network, $at)
       ON CONFLICT (id) DO NOTHING`,
    ),
    // One statement for a post's (usually two) keys, each looked up as an ActivityPub id and as a permalink.
    byKeys: db.prepare<{ a: string; b: string | null }, CandidateRow>(
      `SELECT ${CANDIDATE_COLUMNS} FROM posts WHERE uri_key IN ($a, $b)
       UNION SELECT ${CANDIDATE_COLUMNS} FROM posts WHERE url_key IN ($a, $b) LIMIT 40`,
    ),
    // Mastodon copies that name the Threads post (indexed hint), and the Threads post itself by
    // primary key under each linked Threads account: Threads rows need no index entry of their own.
    byThreadsId: db.prepare<{ id: string }, CandidateRow>(
      `SELECT ${CANDIDATE_COLUMNS} FROM posts WHERE threads_post_id = $id
       UNION ALL
       SELECT ${CANDIDATE_COLUMNS} FROM posts WHERE id IN (SELECT a.id || ':' || $id FROM accounts a WHERE a.network = 'threads')
       LIMIT 20`,
    ),
    byPerson: db.prepare<[string, number, number, string], CandidateRow>(
      `SELECT ${CANDIDATE_COLUMNS} FROM posts WHERE person_key = ? AND created_at BETWEEN ? AND ? AND link_text = ? LIMIT 20`,
    ),
    newestSortAt: db.prepare<[], { newest: number | null }>('SELECT MAX(sort_at) AS newest FROM post_groups'),
    groupOfRemote: db.prepare<[string], { group_id: number }>('SELECT group_id FROM posts WHERE id = ?'),
    deletePost: db.prepare<[string]>('DELETE FROM posts WHERE id = ?'),
    boostTarget: db.prepare<[string], { group_id: number; boost_id: string }>(
      `SELECT p.group_id, b.id AS boost_id FROM boosts b JOIN posts p ON p.id = b.post_id WHERE b.id = ?`,
    ),
    deleteBoost: db.prepare<[string]>('DELETE FROM boosts WHERE id = ?'),
    hasBoost: db.prepare<[string], { found: number }>('SELECT 1 AS found FROM boosts WHERE id = ?'),
    moveCopy: db.prepare<{ id: string; groupId: number }>('UPDATE posts SET group_id = $groupId WHERE id = $id'),
    // What the posts_left_group trigger does on a delete, for a copy that moved to another card.
    refreshFlags: db.prepare<{ id: number }>(
      `UPDATE post_groups SET has_threads = EXISTS (SELECT 1 FROM posts WHERE group_id = $id AND network = 'threads'),
         has_mastodon = EXISTS (SELECT 1 FROM posts WHERE group_id = $id AND network = 'mastodon') WHERE id = $id`,
    ),
    deleteEmptyGroup: db.prepare<{ id: number }>('DELETE FROM post_groups WHERE id = $id AND NOT EXISTS (SELECT 1 FROM posts WHERE group_id = $id)'),
    groupExists: db.prepare<[number], { id: number }>('SELECT id FROM post_groups WHERE id = ?'),
    withoutProfile: db.prepare<[string, string, string, number], { handle: string }>(
      `SELECT handle FROM authors WHERE id >= ? || ':' AND id < ? || ';' AND display_name = handle AND avatar_url IS NULL
         AND handle NOT IN (SELECT value FROM json_each(?)) LIMIT ?`,
    ),
    rememberProfile: db.prepare<{ prefix: string; handle: string; displayName: string | null; avatarUrl: string | null; updatedAt: number }>(
      `UPDATE authors SET display_name = COALESCE($displayName, display_name), avatar_url = COALESCE($avatarUrl, avatar_url), updated_at = $updatedAt
       WHERE id >= $prefix || ':' AND id < $prefix || ';' AND handle = $handle`,
    ),
    groupsOfAuthor: db.prepare<[string, string, string], { group_id: number }>(
      `SELECT DISTINCT p.group_id FROM posts p JOIN authors a ON a.id = p.author_id WHERE a.id >= ? || ':' AND a.id < ? || ';' AND a.handle = ?`,
    ),
  };

  const lookup: LinkLookup = {
    byUriOrUrl(keys) {
      const seen = new Map<string, LinkCandidate>();
      const unique = [...new Set(keys)];
      for (let index = 0; index < unique.length; index += 2) {
        const a = unique[index] as string;
        for (const row of statements.byKeys.all({ a, b: unique[index + 1] ?? null })) seen.set(row.id, toCandidate(row));
      }
      return [...seen.values()];
    },
    byThreadsPostId: (id) => statements.byThreadsId.all({ id }).map(toCandidate),
    byPersonBetween: (personKey, fromMs, toMs, text) => statements.byPerson.all(personKey, fromMs, toMs, text).map(toCandidate),
  };

  // What each author row was last written with: a page repeats the same few people, and
  // rewriting an unchanged row is most of the cost of storing a post.
  const authorsWritten = new Map<string, string>();

  function upsertAuthor(author: PostAuthor): void {
    const signature = JSON.stringify(author);
    if (authorsWritten.get(author.id) === signature) return;
    if (authorsWritten.size > 5000) authorsWritten.clear();
    authorsWritten.set(author.id, signature);
    statements.upsertAuthor.run({
      id: author.id,
      network: author.network,
      handle: author.handle,
      displayName: author.displayName,
      avatarUrl: author.avatarUrl,
      url: author.url,
      emojis: JSON.stringify(author.emojis),
      bot: author.bot ? 1 : 0,
      updatedAt: now(),
    });
  }

  function writeMedia(post: Post, isNew: boolean): void {
    if (!isNew) statements.deleteMedia.run(post.id);
    post.media.forEach((item, position) =>
      statements.insertMedia.run({ postId: post.id, position, ...item }),
    );
  }

  /**
   * Stores one copy (new or updated) and returns its card's id. `into`: the card it belongs on
   * whatever the linker would say (a cross-post Braid itself made); a copy stored elsewhere
   * before (the Mastodon stream is quick) is moved there.
   */
  function storePost(normalized: NormalizedPost, server: string, sortAt: number, result: WriteResult, into?: { groupId: number; rule: CrossPostRule }): number {
    const { post, link } = normalized;
    upsertAuthor(post.author);
    const flags = { threads: post.network === 'threads' ? 1 : 0, mastodon: post.network === 'mastodon' ? 1 : 0 };
    const existing = statements.findPost.get(post.id);
    if (existing && into && existing.group_id !== into.groupId) {
      moveCopy(post.id, existing.group_id, into.groupId, result);
      existing.group_id = into.groupId;
      statements.joinGroup.run({ id: into.groupId, sortAt, ...flags, rule: into.rule });
    }
    if (existing) {
      const body = bodyOf(post);
      if (body !== existing.body) {
        statements.updatePost.run({ id: post.id, authorId: post.author.id, body, storedAt: now() });
        writeMedia(post, false);
        markChanged(result, existing.group_id);
      }
      statements.joinGroup.run({ id: existing.group_id, sortAt, ...flags, rule: null });
      result.stored += 1;
      return existing.group_id;
    }
    const createdAtMs = Date.parse(post.createdAt);
    const match = into ? { groupId: String(into.groupId), rule: into.rule } : findCrossPost({ postId: post.id, network: post.network, server, link, createdAtMs }, lookup);
    let groupId: number;
    if (match) {
      groupId = Number(match.groupId);
      statements.joinGroup.run({ id: groupId, sortAt, ...flags, rule: match.rule });
      result.linked += 1;
      markChanged(result, groupId);
    } else {
      groupId = Number(statements.insertGroup.run({ sortAt, ...flags }).lastInsertRowid);
      result.added.push({ groupId, sortAt });
    }
    statements.insertPost.run({
      id: post.id,
      accountId: post.accountId,
      network: post.network,
      server,
      remoteId: post.remoteId,
      groupId,
      authorId: post.author.id,
      createdAt: createdAtMs,
      uriKey: link.uriKey,
      urlKey: link.urlKey,
      threadsPostId: post.network === 'threads' ? null : link.threadsPostId,
      personKey: link.personKey,
      linkText: link.text,
      body: bodyOf(post),
      storedAt: now(),
    });
    writeMedia(post, true);
    result.stored += 1;
    return groupId;
  }

  /** Moves a copy to another card; the card it leaves is dropped when nothing is left on it. */
  function moveCopy(postId: string, from: number, to: number, result: WriteResult): void {
    statements.moveCopy.run({ id: postId, groupId: to });
    statements.refreshFlags.run({ id: from });
    if (statements.deleteEmptyGroup.run({ id: from }).changes > 0) {
      result.added = result.added.filter((added) => added.groupId !== from);
      result.changed.delete(from);
      result.removed.add(from);
    } else markChanged(result, from);
    markChanged(result, to);
  }

  function markChanged(result: WriteResult, groupId: number): void {
    if (!result.added.some((added) => added.groupId === groupId)) result.changed.add(groupId);
  }

  /** Stores feed items that came from `server` (the linked account's origin); call inside `transaction`. */
  function storeItems(items: readonly FeedItem[], server: string, result: WriteResult): void {
    for (const item of items) {
      const sortAt = Date.parse(item.boost ? item.boost.at : item.post.post.createdAt);
      const groupId = storePost(item.post, server, sortAt, result);
      if (item.boost) {
        upsertAuthor(item.boost.author);
        const boostId = `${item.post.post.accountId}:${item.boost.remoteId}`;
        const inserted = statements.insertBoost.run({
          id: boostId,
          accountId: item.post.post.accountId,
          remoteId: item.boost.remoteId,
          postId: item.post.post.id,
          authorId: item.boost.author.id,
          network: item.boost.network,
          at: sortAt,
        });
        if (inserted.changes > 0) markChanged(result, groupId);
      }
    }
  }

  /** Removes one copy, or one boost, by its remote id (a Mastodon `delete` event). */
  function removeRemote(accountId: string, remoteId: string, result: WriteResult): void {
    const postId = `${accountId}:${remoteId}`;
    const row = statements.groupOfRemote.get(postId);
    if (row) {
      statements.deletePost.run(postId);
      if (statements.groupExists.get(row.group_id)) markChanged(result, row.group_id);
      else {
        result.changed.delete(row.group_id);
        result.removed.add(row.group_id);
      }
      return;
    }
    const boost = statements.boostTarget.get(postId);
    if (boost) {
      statements.deleteBoost.run(boost.boost_id);
      markChanged(result, boost.group_id);
    }
  }

  const updateBody = db.prepare<{ id: string; body: string; storedAt: number }>('UPDATE posts SET body = $body, stored_at = $storedAt WHERE id = $id');

  return {
    storeItems,
    removeRemote,
    /**
     * Stores a copy the user just posted from Braid on the card of its other copy (`groupId`), so a
     * post sent to both networks is one card at once; call inside `transaction`.
     */
    storeOwnCopy(normalized: NormalizedPost, server: string, groupId: number | null, rule: CrossPostRule, result: WriteResult): number {
      const sortAt = Date.parse(normalized.post.createdAt);
      const into = groupId !== null && statements.groupExists.get(groupId) ? { groupId, rule } : undefined;
      return storePost(normalized, server, sortAt, result, into);
    },
    /** The card a stored copy is on (`<account id>:<remote id>`), or null. */
    groupOf(postId: string): number | null {
      return statements.groupOfRemote.get(postId)?.group_id ?? null;
    },
    /**
     * Sets `sharedToFediverse` on a Threads account's own stored posts (by remote id) after sharing
     * was turned on or off, so cards need not wait for the next sync. Only rows whose stored flag
     * differs are written; returns those rows' cards.
     */
    setSharedFlags(accountId: string, flags: ReadonlyMap<string, boolean>): Set<string> {
      const changed = new Set<string>();
      db.transaction(() => {
        for (const [remoteId, shared] of flags) {
          const id = `${accountId}:${remoteId}`;
          const row = statements.findPost.get(id);
          if (!row) continue;
          // Spread keeps the key order, so the next sync's unchanged body still compares equal.
          const body = JSON.parse(row.body) as Record<string, unknown>;
          if (body.sharedToFediverse === shared) continue;
          updateBody.run({ id, body: JSON.stringify({ ...body, sharedToFediverse: shared }), storedAt: now() });
          changed.add(String(row.group_id));
        }
      })();
      return changed;
    },
    /** Whether a boost or repost (`<account id>:<its remote id>`) is stored already. */
    hasBoost(boostId: string): boolean {
      return statements.hasBoost.get(boostId) !== undefined;
    },
    /**
     * Handles of authors under `prefix` (`threads:<host>`) known only by their username; `skip`
     * (already asked, with no profile to show) are left out.
     */
    authorsWithoutProfile(prefix: string, limit: number, skip: Iterable<string> = []): string[] {
      return statements.withoutProfile.all(prefix, prefix, JSON.stringify([...skip]), limit).map((row) => row.handle);
    },
    /** Fills in a looked-up name and picture; returns the cards that show this author. */
    rememberProfile(prefix: string, handle: string, profile: { displayName: string | null; avatarUrl: string | null }): WriteResult {
      const result = emptyWriteResult();
      statements.rememberProfile.run({ prefix, handle, ...profile, updatedAt: now() });
      for (const row of statements.groupsOfAuthor.all(prefix, prefix, handle)) result.changed.add(row.group_id);
      return result;
    },
    /** Stores what Braid knows about one of the user's own accounts (name, picture). */
    rememberAuthor: upsertAuthor,
    /** Runs `write` in one transaction and returns what changed. */
    transaction(write: (result: WriteResult) => void): WriteResult {
      try {
        return db.transaction(() => {
          const result = emptyWriteResult(statements.newestSortAt.get()?.newest ?? Number.NEGATIVE_INFINITY);
          write(result);
          return result;
        })();
      } catch (error) {
        // Rolled back: the author rows written in it are gone too.
        authorsWritten.clear();
        throw error;
      }
    },
  };
}
