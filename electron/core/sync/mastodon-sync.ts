/**
 * Syncing a Mastodon home timeline (docs.joinmastodon.org/methods/timelines/#home) through
 * masto.js. Ids are opaque: Braid never compares them, it only remembers which ones the server
 * put at the edges of what is stored.
 *
 * - First sync: the top page, then backfill with `max_id` until `backfillTarget` posts.
 * - Refresh: page forward from the newest stored post with `min_id` (the page just after it).
 *   When that does not catch up within a few pages, fetch the top page and record a gap
 *   between the two; gap filling then walks the gap upwards with `min_id` + `max_id`.
 * - Live: the streaming API's `update`, `status.update` and `delete` (mastodon-stream.ts).
 * Every page is written with its cursor movement in one transaction.
 */
import { MastoHttpError, type mastodon } from 'masto';
import { BraidError } from '@shared/errors';
import type { SyncCursor } from '../db/sync-repo';
import { mastodonClient, explainMastodonError } from '../networks/mastodon/client';
import { normalizeMastodonStatus } from '../timeline/normalize-mastodon';
import type { FeedItem } from '../timeline/types';
import { BackgroundDeferred, spendBudget, writePage, type AccountSyncContext } from './context';
import type { RequestPriority } from './rate-budget';
import type { StreamEvent } from './mastodon-stream';

export const HOME_FEED = 'home';
export const MASTODON_PAGE = 40;

export interface MastodonSyncOptions {
  /** Forward pages a refresh may take before it jumps to the top and leaves a gap. */
  maxForwardPages?: number;
  /** Gap pages filled per cycle. */
  maxGapPages?: number;
}

interface HomePage {
  items: FeedItem[];
  /** Ids in the server's order (newest first), including statuses that were skipped. */
  ids: string[];
}

export class MastodonSync {
  readonly #context: AccountSyncContext;
  readonly #client: mastodon.rest.Client;
  readonly #options: Required<MastodonSyncOptions>;

  constructor(context: AccountSyncContext, options: MastodonSyncOptions = {}) {
    this.#context = context;
    this.#client = mastodonClient(context.account.server, context.token);
    this.#options = { maxForwardPages: 3, maxGapPages: 5, ...options };
  }

  /** Where the streaming server is (`configuration.urls.streaming`, or v1's `urls.streaming_api`). */
  async streamingUrl(): Promise<string> {
    const origin = this.#context.account.server;
    await spendBudget(this.#context, 'live');
    try {
      const instance = (await this.#client.v2.instance.fetch()) as unknown as { configuration?: { urls?: { streaming?: unknown } } };
      const url = instance.configuration?.urls?.streaming;
      if (typeof url === 'string' && /^(wss?|https?):\/\//.test(url)) return url;
    } catch (error) {
      this.#context.log.info('sync', `instance v2 did not name a streaming server (${errorText(error)}); using the server itself`);
    }
    return origin;
  }

  /** One sync cycle: catch up at the top, fill gaps, then backfill within the budget. */
  async cycle(): Promise<void> {
    const cursor = this.#cursor();
    if (cursor.newestId === null) await this.#firstPage(cursor);
    else await this.refresh();
    try {
      await this.#fillGaps();
      await this.#backfill();
    } catch (error) {
      if (!(error instanceof BackgroundDeferred)) throw error;
      this.#context.log.info('sync', `${this.#context.account.handle}: ${error.message}; the next cycle goes on`);
    }
  }

  /** Catch up from the newest stored post (after a stream reconnect, or on a poll). */
  async refresh(): Promise<void> {
    const start = this.#cursor();
    if (start.newestId === null) return this.#firstPage(start);
    let lower = start.newestId;
    for (let page = 0; ; page += 1) {
      if (page >= this.#options.maxForwardPages) {
        await this.#jumpToTop(lower);
        return;
      }
      const result = await this.#fetch({ minId: lower }, 'live');
      this.#write(result, (cursor) => {
        if (result.ids[0] !== undefined) cursor.newestId = result.ids[0];
      });
      if (result.ids.length < MASTODON_PAGE || result.ids[0] === undefined) return;
      lower = result.ids[0];
    }
  }

  /** Applies one streaming event. Statuses are stored without moving cursors; a refresh reconciles. */
  applyStreamEvent(event: StreamEvent): void {
    const { writer, account, log } = this.#context;
    if (event.event === 'delete') {
      this.#context.report(writer.transaction((result) => writer.removeRemote(account.id, event.payload.trim(), result)));
      return;
    }
    if (event.event !== 'update' && event.event !== 'status.update') return;
    let item: FeedItem;
    try {
      item = normalizeMastodonStatus(JSON.parse(event.payload), this.#context.normalize);
    } catch (error) {
      log.warn('sync', `skipped a streamed status Braid could not read: ${errorText(error)}`);
      return;
    }
    this.#context.report(writer.transaction((result) => writer.storeItems([item], account.server, result)));
  }

  /** Tells Mastodon where the user stopped reading (markers API); a 409 conflict is harmless. */
  async saveMarker(lastReadId: string): Promise<void> {
    await spendBudget(this.#context, 'live');
    try {
      await this.#client.v1.markers.create({ home: { lastReadId } });
    } catch (error) {
      if (error instanceof MastoHttpError && error.statusCode === 409) return;
      throw this.#explain(error, 'saving your reading position');
    }
  }

  #cursor(): SyncCursor {
    return this.#context.repo.cursorOrFresh(this.#context.account.id, HOME_FEED);
  }

  #write(page: HomePage, move: (cursor: SyncCursor) => void, extra?: () => void): void {
    writePage(this.#context, HOME_FEED, page.items, move, extra);
  }

  async #firstPage(start: SyncCursor): Promise<void> {
    const page = await this.#fetch({}, 'live');
    this.#write(page, (cursor) => {
      cursor.newestId = page.ids[0] ?? start.newestId;
      cursor.oldestId = page.ids.at(-1) ?? start.oldestId;
      cursor.backfilled = page.items.length;
      // Done when the server has nothing older, or Braid has as much as it keeps.
      cursor.backfillDone = page.ids.length === 0 || cursor.backfilled >= this.#context.backfillTarget;
    });
  }

  /** A refresh that did not catch up: take the top page and remember what lies between. */
  async #jumpToTop(olderId: string): Promise<void> {
    const top = await this.#fetch({}, 'live');
    const newest = top.ids[0];
    const oldest = top.ids.at(-1);
    if (newest === undefined || oldest === undefined) return;
    const overlaps = top.ids.includes(olderId);
    this.#write(
      top,
      (cursor) => {
        cursor.newestId = newest;
      },
      () => {
        if (!overlaps) this.#context.repo.addGap({ accountId: this.#context.account.id, feed: HOME_FEED, newerId: oldest, olderId }, this.#context.now());
      },
    );
    if (!overlaps) this.#context.log.info('sync', `left a gap below the newest ${top.ids.length} posts of ${this.#context.account.handle}; filling it`);
  }

  async #fillGaps(): Promise<void> {
    const { repo, account } = this.#context;
    let pages = 0;
    for (const gap of repo.gaps(account.id, HOME_FEED)) {
      let olderId = gap.olderId;
      while (pages < this.#options.maxGapPages) {
        pages += 1;
        const page = await this.#fetch({ minId: olderId, maxId: gap.newerId }, 'background');
        const closed = page.ids.length < MASTODON_PAGE || page.ids[0] === undefined;
        const next = page.ids[0];
        this.#write(page, () => undefined, () => (closed || next === undefined ? repo.closeGap(gap.id) : repo.narrowGap(gap.id, next)));
        if (closed || next === undefined) break;
        olderId = next;
      }
      if (pages >= this.#options.maxGapPages) return;
    }
  }

  async #backfill(): Promise<void> {
    for (;;) {
      const start = this.#cursor();
      if (start.backfillDone || start.oldestId === null || start.backfilled >= this.#context.backfillTarget) return;
      const page = await this.#fetch({ maxId: start.oldestId }, 'background');
      this.#write(page, (cursor) => {
        cursor.oldestId = page.ids.at(-1) ?? cursor.oldestId;
        cursor.backfilled += page.items.length;
        cursor.backfillDone = page.ids.length === 0 || cursor.backfilled >= this.#context.backfillTarget;
      });
    }
  }

  async #fetch(params: { minId?: string; maxId?: string }, priority: RequestPriority): Promise<HomePage> {
    const { budget, log, normalize } = this.#context;
    await spendBudget(this.#context, priority);
    let data: unknown;
    try {
      const response = await this.#client.v1.timelines.home.list.$raw({ limit: MASTODON_PAGE, ...params });
      budget.observe(response.headers, 200);
      data = response.data;
    } catch (error) {
      throw this.#explain(error, 'fetching your home timeline');
    }
    if (!Array.isArray(data)) {
      throw new BraidError('network.bad-response', `${new URL(this.#context.account.server).host} sent a timeline page Braid could not read; it will try again.`);
    }
    const items: FeedItem[] = [];
    const ids: string[] = [];
    for (const raw of data as unknown[]) {
      const id = (raw as { id?: unknown } | null)?.id;
      if (typeof id === 'string' && id !== '') ids.push(id);
      try {
        items.push(normalizeMastodonStatus(raw, normalize));
      } catch (error) {
        log.warn('sync', `skipped a status Braid could not read (${typeof id === 'string' ? `id ${id.slice(0, 40)}` : 'no id'}): ${errorText(error)}`);
      }
    }
    return { items, ids };
  }

  #explain(error: unknown, step: string): BraidError {
    if (error instanceof MastoHttpError && error.cause instanceof Response) {
      this.#context.budget.observe(error.cause.headers, error.statusCode);
    }
    return explainMastodonError(this.#context.account.server, step, error);
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
