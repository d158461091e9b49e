/**
 * Reading the merged timeline: a page of cards by (sort_at, id), newest first, through the
 * filter's own index, then their copies, media and boosts in three indexed look-ups.
 */
import type { Network } from '@shared/model';
import type { Boost, MediaAttachment, Post, PostAuthor, TimelineEntry, TimelineFilter, TimelinePage } from '@shared/timeline';
import type { Db } from './open';
import { parseBody } from './timeline-write';

/** Which rows each filter reads; each matches one partial index of migration 003. */
const FILTER_WHERE: Record<TimelineFilter, string> = {
  all: '1 = 1',
  threads: 'has_threads = 1',
  mastodon: 'has_mastodon = 1',
  'cross-posted': 'has_threads = 1 AND has_mastodon = 1',
};

const FILTER_INDEX: Record<TimelineFilter, string> = {
  all: 'post_groups_all',
  threads: 'post_groups_threads',
  mastodon: 'post_groups_mastodon',
  'cross-posted': 'post_groups_cross',
};

export interface CursorValue {
  sortAt: number;
  groupId: number;
}

/** Cursors are `<sort ms>.<group id>`: opaque to the renderer, cheap to check here. */
export function encodeCursor(value: CursorValue): string {
  return `${value.sortAt}.${value.groupId}`;
}

export function decodeCursor(cursor: string): CursorValue | null {
  const match = /^(-?\d{1,16})\.(\d{1,16})$/.exec(cursor);
  if (!match) return null;
  return { sortAt: Number(match[1]), groupId: Number(match[2]) };
}

interface GroupRow {
  id: number;
  sort_at: number;
  rule: TimelineEntry['rule'];
}

/** The author's columns, joined into copy and boost rows (AUTHOR_COLUMNS). */
interface AuthorColumns {
  author_id: string;
  a_network: Network;
  handle: string;
  display_name: string;
  avatar_url: string | null;
  url: string | null;
  emojis: string;
  bot: 0 | 1;
}

interface PostRow extends AuthorColumns {
  id: string;
  account_id: string;
  network: Network;
  remote_id: string;
  group_id: number;
  body: string;
}

interface MediaRow {
  post_id: string;
  type: MediaAttachment['type'];
  url: string;
  preview_url: string | null;
  alt: string | null;
  width: number | null;
  height: number | null;
}

interface BoostRow extends AuthorColumns {
  group_id: number;
  network: Network;
  at: number;
}

const AUTHOR_COLUMNS = 'a.network AS a_network, a.handle, a.display_name, a.avatar_url, a.url, a.emojis, a.bot';

function authorOf(row: AuthorColumns): PostAuthor {
  return {
    id: row.author_id,
    network: row.a_network,
    handle: row.handle,
    displayName: row.display_name,
    avatarUrl: row.avatar_url,
    url: row.url,
    emojis: JSON.parse(row.emojis) as PostAuthor['emojis'],
    bot: row.bot === 1,
  };
}

const NETWORK_ORDER: Record<Network, number> = { threads: 0, mastodon: 1 };

export type TimelineReader = ReturnType<typeof createTimelineReader>;

export interface TimelineReaderOptions {
  /**
   * Adds what the cache rows do not hold to the assembled cards, in place (the sharing badges,
   * sharing/sharing-badges.ts). Runs synchronously on every page and redraw, so it must not wait.
   */
  decorate?: (entries: TimelineEntry[]) => void;
}

export function createTimelineReader(db: Db, options: TimelineReaderOptions = {}) {
  const pageQueries = new Map<string, ReturnType<Db['prepare']>>();
  function pageQuery(filter: TimelineFilter, direction: 'first' | 'before' | 'after') {
    const key = `${filter}:${direction}`;
    let statement = pageQueries.get(key);
    if (!statement) {
      const where = FILTER_WHERE[filter];
      const sql =
        direction === 'first'
          ? `SELECT id, sort_at, rule FROM post_groups INDEXED BY ${FILTER_INDEX[filter]} WHERE ${where} ORDER BY sort_at DESC, id DESC LIMIT $limit`
          : direction === 'before'
            ? `SELECT id, sort_at, rule FROM post_groups INDEXED BY ${FILTER_INDEX[filter]} WHERE ${where} AND (sort_at, id) < ($sortAt, $groupId) ORDER BY sort_at DESC, id DESC LIMIT $limit`
            : // Newer than the cursor: take the nearest ones first, then show them newest first.
              `SELECT * FROM (SELECT id, sort_at, rule FROM post_groups INDEXED BY ${FILTER_INDEX[filter]} WHERE ${where} AND (sort_at, id) > ($sortAt, $groupId) ORDER BY sort_at ASC, id ASC LIMIT $limit) ORDER BY sort_at DESC, id DESC`;
      statement = db.prepare(sql);
      pageQueries.set(key, statement);
    }
    return statement;
  }

  const statements = {
    posts: db.prepare<[string], PostRow>(
      `SELECT p.id, p.account_id, p.network, p.remote_id, p.group_id, p.body, p.author_id, ${AUTHOR_COLUMNS}
       FROM posts p JOIN authors a ON a.id = p.author_id
       WHERE p.group_id IN (SELECT value FROM json_each(?))`,
    ),
    media: db.prepare<[string], MediaRow>(
      `SELECT post_id, type, url, preview_url, alt, width, height FROM media
       WHERE post_id IN (SELECT value FROM json_each(?)) ORDER BY post_id, position`,
    ),
    boosts: db.prepare<[string], BoostRow>(
      `SELECT p.group_id, b.network, b.at, b.author_id, ${AUTHOR_COLUMNS}
       FROM boosts b JOIN posts p ON p.id = b.post_id JOIN authors a ON a.id = b.author_id
       WHERE p.group_id IN (SELECT value FROM json_each(?)) ORDER BY b.at`,
    ),
    groups: db.prepare<[string], GroupRow>('SELECT id, sort_at, rule FROM post_groups WHERE id IN (SELECT value FROM json_each(?))'),
    accountOrder: db.prepare<[], { id: string }>('SELECT id FROM accounts ORDER BY linked_at, id'),
    incomplete: db.prepare<[], { n: number }>(
      `SELECT COUNT(*) AS n FROM accounts a
       WHERE NOT EXISTS (SELECT 1 FROM sync_cursors c WHERE c.account_id = a.id)
          OR EXISTS (SELECT 1 FROM sync_cursors c WHERE c.account_id = a.id AND c.backfill_done = 0)`,
    ),
  };

  /** Builds the cards for some groups, in the order given. */
  function assemble(groups: readonly GroupRow[]): TimelineEntry[] {
    if (groups.length === 0) return [];
    const ids = JSON.stringify(groups.map((group) => group.id));
    const postRows = statements.posts.all(ids);
    const media = new Map<string, MediaAttachment[]>();
    for (const row of statements.media.all(JSON.stringify(postRows.map((post) => post.id)))) {
      const list = media.get(row.post_id) ?? [];
      list.push({ type: row.type, url: row.url, previewUrl: row.preview_url, alt: row.alt, width: row.width, height: row.height });
      media.set(row.post_id, list);
    }
    const accountRank = new Map(statements.accountOrder.all().map((row, index) => [row.id, index]));
    const postsByGroup = new Map<number, { rank: number; post: Post }[]>();
    for (const row of postRows) {
      const post: Post = {
        ...parseBody(row.body),
        id: row.id,
        accountId: row.account_id,
        network: row.network,
        remoteId: row.remote_id,
        author: authorOf(row),
        media: media.get(row.id) ?? [],
      };
      const rank = NETWORK_ORDER[row.network] * 1000 + (accountRank.get(row.account_id) ?? 999);
      const list = postsByGroup.get(row.group_id) ?? [];
      list.push({ rank, post });
      postsByGroup.set(row.group_id, list);
    }
    const boostsByGroup = new Map<number, Boost[]>();
    for (const row of statements.boosts.all(ids)) {
      const list = boostsByGroup.get(row.group_id) ?? [];
      // One line per person: the same boost seen by two of the user's accounts is one boost, even
      // when the two servers give the booster different local ids.
      const person = `${row.a_network}:${row.handle.toLowerCase()}`;
      if (!list.some((boost) => `${boost.author.network}:${boost.author.handle.toLowerCase()}` === person)) {
        list.push({ author: authorOf(row), network: row.network, at: new Date(row.at).toISOString() });
      }
      boostsByGroup.set(row.group_id, list);
    }
    const entries: TimelineEntry[] = [];
    for (const group of groups) {
      const copies = (postsByGroup.get(group.id) ?? []).sort((a, b) => a.rank - b.rank).map((item) => item.post);
      if (copies.length === 0) continue;
      const networks = [...new Set(copies.map((post) => post.network))];
      entries.push({
        groupId: String(group.id),
        cursor: encodeCursor({ sortAt: group.sort_at, groupId: group.id }),
        sortAt: new Date(group.sort_at).toISOString(),
        posts: copies,
        networks,
        rule: copies.length > 1 ? group.rule : null,
        boostedBy: boostsByGroup.get(group.id) ?? [],
        sharing: {},
      });
    }
    options.decorate?.(entries);
    return entries;
  }

  function page(input: { filter: TimelineFilter; before?: string | undefined; after?: string | undefined; limit: number }): TimelinePage {
    const cursor = input.before ?? input.after;
    const position = cursor === undefined ? null : decodeCursor(cursor);
    const direction = cursor === undefined || !position ? 'first' : input.before !== undefined ? 'before' : 'after';
    const rows = pageQuery(input.filter, direction).all({ limit: input.limit, ...(position ?? {}) }) as GroupRow[];
    const entries = assemble(rows);
    const oldest = rows.at(-1);
    const newest = rows[0];
    return {
      entries,
      olderCursor: oldest && (direction !== 'after' ? rows.length === input.limit : true) ? encodeCursor({ sortAt: oldest.sort_at, groupId: oldest.id }) : null,
      newerCursor: newest ? encodeCursor({ sortAt: newest.sort_at, groupId: newest.id }) : null,
      complete: statements.incomplete.get()?.n === 0,
    };
  }

  return {
    page,
    entries(groupIds: readonly string[]): TimelineEntry[] {
      const numeric = groupIds.map(Number).filter((id) => Number.isSafeInteger(id));
      const rows = statements.groups.all(JSON.stringify(numeric));
      const byId = new Map(rows.map((row) => [row.id, row]));
      return assemble(numeric.map((id) => byId.get(id)).filter((row): row is GroupRow => row !== undefined));
    },
    /** For the page-query plan test and the benchmark. */
    pageSql: (filter: TimelineFilter) => pageQuery(filter, 'before').source,
  };
}
