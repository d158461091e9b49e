/**
 * Syncing a Threads-style account by polling (the Graph API has no streaming). Feeds:
 * - `braid_following_feed`, where the server offers that extension (docs/threads-api.md);
 * - `/me/threads`, `/me/replies`, `/me/mentions` everywhere.
 * Against graph.threads.net there is no following feed, so the account's part of the
 * timeline is the user's own posts, replies and mentions; `coverage` says so to the UI.
 *
 * Paging is Meta's cursor paging, newest first: backfill follows `after`; a refresh asks for
 * everything `since` the newest stored post's second and follows `next` for a few pages.
 * A repost (`REPOST_FACADE`) names only its original's id, so the original is fetched.
 */
import { BraidError } from '@shared/errors';
import type { ThreadsCoverage } from '@shared/timeline';
import type { SyncCursor } from '../db/sync-repo';
import { asRecord } from '../net/http';
import { graphRequest, isNotOffered, type GraphError } from '../networks/threads/graph';
import { NormalizeError } from '../timeline/normalize-error';
import { normalizeThreadsMedia } from '../timeline/normalize-threads';
import type { FeedItem } from '../timeline/types';
import { BackgroundDeferred, spendBudget, writePage, type AccountSyncContext } from './context';
import type { RequestPriority } from './rate-budget';

const BASE_FIELDS = [
  'id', 'media_product_type', 'media_type', 'media_url', 'permalink', 'owner', 'username', 'text', 'timestamp', 'shortcode',
  'thumbnail_url', 'children{id,media_type,media_url,thumbnail_url,alt_text}', 'is_quote_post', 'quoted_post', 'reposted_post',
  'alt_text', 'link_attachment_url', 'topic_tag', 'poll_attachment', 'is_reply', 'replied_to', 'root_post',
].join(',');
/** Braid's extension fields: asked for only where the server offers the extensions. */
const EXTENSION_FIELDS = 'is_shared_to_fediverse,activitypub_id,is_from_fediverse,fediverse_author';

export const THREADS_PAGE = 50;
/** Own posts, replies and mentions: enough history to be useful, not the whole archive. */
const SECONDARY_TARGET = 100;
const MAX_REFRESH_PAGES = 3;

interface FeedSpec {
  feed: string;
  path: string;
}

const FOLLOWING: FeedSpec = { feed: 'following', path: 'me/braid_following_feed' };
const OWN_FEEDS: readonly FeedSpec[] = [
  { feed: 'threads', path: 'me/threads' },
  { feed: 'replies', path: 'me/replies' },
  { feed: 'mentions', path: 'me/mentions' },
];

interface FeedPage {
  items: FeedItem[];
  newestAt: number | null;
  after: string | null;
  hasOlder: boolean;
}

/** An edge or field this server (or this sign-in's scopes) does not offer: that feed is skipped. */
class NotOffered extends BraidError {
  constructor(message: string) {
    super('network.server-error', message);
  }
}

export class ThreadsSync {
  readonly #context: AccountSyncContext;
  readonly #apiBase: string;
  #coverage: ThreadsCoverage | null = null;
  /** Feeds the token may not read (a missing scope): skipped, reported once. */
  readonly #refused = new Set<string>();
  readonly #lookedUp = new Set<string>();

  constructor(context: AccountSyncContext, apiBase: string) {
    this.#context = context;
    this.#apiBase = apiBase;
  }

  get coverage(): ThreadsCoverage | null {
    return this.#coverage;
  }

  async cycle(): Promise<void> {
    if (this.#coverage === null) await this.#probe();
    const feeds = this.#coverage === 'following-feed' ? [FOLLOWING, ...OWN_FEEDS] : OWN_FEEDS;
    for (const spec of feeds) {
      if (this.#refused.has(spec.feed)) continue;
      try {
        await this.#syncFeed(spec, spec === FOLLOWING || (this.#coverage === 'own-posts' && spec.feed === 'threads'));
      } catch (error) {
        // Backfill waiting for the budget: the other feeds' new posts still come in this cycle.
        if (error instanceof BackgroundDeferred) continue;
        if (!(error instanceof NotOffered)) throw error;
        this.#refused.add(spec.feed);
        this.#context.log.warn('sync', `${this.#context.account.handle}: ${spec.path} is not available to Braid's sign-in; skipping it`);
      }
    }
    await this.#lookUpAuthors().catch((error: unknown) => {
      if (!(error instanceof BackgroundDeferred)) throw error;
    });
  }

  /** Does the server offer the following feed (and with it, Braid's extension fields)? */
  async #probe(): Promise<void> {
    try {
      await this.#get(FOLLOWING.path, { fields: 'id', limit: '1' }, 'live');
      this.#coverage = 'following-feed';
    } catch (error) {
      if (!(error instanceof NotOffered)) throw error;
      this.#coverage = 'own-posts';
      this.#context.log.info('sync', `${new URL(this.#apiBase).host} has no following feed; the timeline shows ${this.#context.account.handle}'s own posts, replies and mentions`);
    }
  }

  async #syncFeed(spec: FeedSpec, main: boolean): Promise<void> {
    const target = main ? this.#context.backfillTarget : Math.min(SECONDARY_TARGET, this.#context.backfillTarget);
    const start = this.#cursor(spec.feed);
    if (start.newestAt === null && start.oldestId === null) {
      const page = await this.#page(spec, {}, 'live');
      this.#write(spec.feed, page, (cursor) => {
        cursor.newestAt = page.newestAt;
        cursor.oldestId = page.after;
        cursor.backfilled = page.items.length;
        // Done when the server has nothing older, or Braid has as much as it keeps of this feed.
        cursor.backfillDone = !page.hasOlder || cursor.backfilled >= target;
      });
    } else {
      await this.#refresh(spec, start);
    }
    for (;;) {
      const cursor = this.#cursor(spec.feed);
      if (cursor.backfillDone || cursor.oldestId === null || cursor.backfilled >= target) return;
      const page = await this.#page(spec, { after: cursor.oldestId }, 'background');
      this.#write(spec.feed, page, (next) => {
        next.oldestId = page.after ?? next.oldestId;
        next.backfilled += page.items.length;
        next.backfillDone = !page.hasOlder || page.after === null || next.backfilled >= target;
      });
    }
  }

  async #refresh(spec: FeedSpec, start: SyncCursor): Promise<void> {
    const since = start.newestAt === null ? undefined : String(Math.floor(start.newestAt / 1000));
    let after: string | undefined;
    for (let count = 0; count < MAX_REFRESH_PAGES; count += 1) {
      const page = await this.#page(spec, { ...(since ? { since } : {}), ...(after ? { after } : {}) }, 'live');
      this.#write(spec.feed, page, (cursor) => {
        if (page.newestAt !== null) cursor.newestAt = Math.max(cursor.newestAt ?? 0, page.newestAt);
      });
      if (!page.hasOlder || page.after === null) return;
      after = page.after;
    }
  }

  #cursor(feed: string): SyncCursor {
    return this.#context.repo.cursorOrFresh(this.#context.account.id, feed);
  }

  #write(feed: string, page: FeedPage, move: (cursor: SyncCursor) => void): void {
    writePage(this.#context, feed, page.items, move);
  }

  async #page(spec: FeedSpec, params: Record<string, string>, priority: RequestPriority): Promise<FeedPage> {
    const fields = this.#coverage === 'following-feed' ? `${BASE_FIELDS},${EXTENSION_FIELDS}` : BASE_FIELDS;
    const body = await this.#get(spec.path, { fields, limit: String(THREADS_PAGE), ...params }, priority);
    if (!Array.isArray(body.data)) {
      throw new BraidError('network.bad-response', `${new URL(this.#apiBase).host} sent a page Braid could not read; it will try again.`);
    }
    const items: FeedItem[] = [];
    let newestAt: number | null = null;
    for (const raw of body.data as unknown[]) {
      const item = await this.#normalize(raw);
      if (!item) continue;
      items.push(item);
      const at = Date.parse(item.boost ? item.boost.at : item.post.post.createdAt);
      if (Number.isFinite(at)) newestAt = Math.max(newestAt ?? at, at);
    }
    const paging = asRecord(body.paging);
    const cursors = asRecord(paging?.cursors);
    const after = typeof cursors?.after === 'string' && cursors.after !== '' ? cursors.after : null;
    return { items, newestAt, after, hasOlder: typeof paging?.next === 'string' };
  }

  async #normalize(raw: unknown): Promise<FeedItem | null> {
    const { log, normalize } = this.#context;
    const record = asRecord(raw);
    try {
      if (record?.media_type === 'REPOST_FACADE') {
        // Each refresh asks again from the newest stored second: a repost already stored (Threads
        // media carry no counts to update) is not fetched again with its original.
        if (typeof record.id === 'string' && this.#context.writer.hasBoost(`${this.#context.account.id}:${record.id}`)) return null;
        const originalId = asRecord(record.reposted_post)?.id;
        if (typeof originalId !== 'string') throw new NormalizeError('a repost without the post it reposts');
        const fields = this.#coverage === 'following-feed' ? `${BASE_FIELDS},${EXTENSION_FIELDS}` : BASE_FIELDS;
        // Part of the page being stored, so it goes at the page's pace rather than waiting behind backfill.
        const original = await this.#get(encodeURIComponent(originalId), { fields }, 'live');
        return normalizeThreadsMedia(raw, normalize, { repostedPost: original, now: this.#context.now() });
      }
      return normalizeThreadsMedia(raw, normalize, { now: this.#context.now() });
    } catch (error) {
      if (error instanceof BackgroundDeferred || (error instanceof BraidError && error.code !== 'network.server-error')) throw error;
      const id = typeof record?.id === 'string' ? ` ${record.id.slice(0, 40)}` : '';
      log.warn('sync', `skipped a Threads post${id} Braid could not read: ${error instanceof Error ? error.message : String(error)}`);
      return null;
    }
  }

  /** Fills in names and pictures of authors Braid only knows by username (Meta's media carry none). */
  async #lookUpAuthors(): Promise<void> {
    const { writer, account, log } = this.#context;
    const prefix = `threads:${new URL(account.server).host}`;
    // Those asked already (private profiles, Fediverse repliers) never hold up the rest.
    for (const username of writer.authorsWithoutProfile(prefix, 20, this.#lookedUp)) {
      this.#lookedUp.add(username);
      try {
        const profile = await this.#get('profile_lookup', { username }, 'background');
        const changes = writer.rememberProfile(prefix, username, {
          displayName: typeof profile.name === 'string' && profile.name !== '' ? profile.name : null,
          avatarUrl: typeof profile.profile_picture_url === 'string' && /^https?:\/\//.test(profile.profile_picture_url) ? profile.profile_picture_url : null,
        });
        this.#context.report(changes);
      } catch (error) {
        // A private or unknown profile answers like a missing edge: skip that one person only.
        if (!(error instanceof NotOffered) && error instanceof BraidError && error.code !== 'network.server-error') throw error;
        log.info('sync', `${account.handle}: no profile for ${username}`);
      }
    }
  }

  async #get(path: string, params: Record<string, string>, priority: RequestPriority): Promise<Record<string, unknown>> {
    await spendBudget(this.#context, priority);
    return graphRequest({
      fetch: this.#context.fetch,
      apiBase: this.#apiBase,
      path,
      params,
      token: this.#context.token,
      step: 'fetching posts',
      signal: this.#context.signal,
      onResponse: (status, headers, error) => this.#context.budget.observe(headers, status, isRateLimit(status, error)),
      explain: (status, error) => (isNotOffered(status, error) ? new NotOffered(error?.message ?? `HTTP ${status}`) : undefined),
    });
  }
}

function isRateLimit(status: number, error: GraphError | undefined): boolean {
  return status === 429 || error?.code === 4 || error?.code === 17 || error?.code === 32 || error?.code === 613;
}
