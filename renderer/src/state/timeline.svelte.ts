import type { BraidApi } from '@shared/api';
import type { ReadingPosition, TimelineEntry, TimelineFilter, TimelinePage, TimelineUpdate } from '@shared/timeline';
import { errorMessage } from '../lib/braid';
import { PAGE_SIZE } from '../lib/first-reads';
import { appendOlder, indexById, insertByTime, prepend, removeCards, replaceCards, sortTime, splitArrivals, unique } from '../lib/entry-list';
import { NewPosts } from './new-posts.svelte';
import { PositionSaver } from './reading-position';

/** How far back a saved reading position is looked for before starting at the top. */
const RESTORE_PAGE_CAP = 20;
const CLOCK_MS = 30_000;
const ENTRIES_BATCH = 200;

export type LoadState = 'idle' | 'loading' | 'ready' | 'error';

/** Where the list should scroll, once; the view carries it out and says so. */
export interface ScrollRequest {
  id: number;
  index: number;
  /** Pixels of the entry to leave scrolled out above. */
  offset: number;
  reason: 'restore' | 'new-posts';
}

/**
 * How the list last changed. The virtualizer keeps the viewport still for a prepend only when
 * told (`shift`), and must not be told for anything else.
 */
export type ListChange = 'reset' | 'append' | 'prepend' | 'edit';

/**
 * The merged timeline the user reads: pages from the local cache, newest first, older pages on
 * demand, and new posts held behind a pill so that what is on screen never moves by itself.
 */
export class Timeline {
  #api: BraidApi;
  #saver: PositionSaver;
  #entries = $state.raw<TimelineEntry[]>([]);
  #newPosts: NewPosts;
  #filter = $state<TimelineFilter>('all');
  #state = $state<LoadState>('idle');
  #error = $state<string | null>(null);
  #olderCursor = $state<string | null>(null);
  #complete = $state(false);
  #loadingOlder = $state(false);
  #olderError = $state<string | null>(null);
  #listKey = $state(0);
  #lastChange = $state<ListChange>('reset');
  #scrollRequest = $state.raw<ScrollRequest | null>(null);
  #restoring = $state(false);
  #now = $state(Date.now());
  readonly #index = $derived(indexById(this.#entries));

  // Bookkeeping that nothing draws.
  /** Bumped by every reload: answers for an older list are dropped. */
  #epoch = 0;
  #nearEnd = false;
  #olderWaiting = false;
  #restoreCancelled = false;
  #openPosition: ReadingPosition | null = null;
  #pendingNewer = false;
  #pendingChanged: string[] = [];
  #top: { groupId: string; offset: number } | null = null;
  #requestId = 0;
  /** The first reads, sent at startup before the accounts are known (see `prefetch()`). */
  #early: { position: Promise<ReadingPosition | null>; page: Promise<TimelinePage>; filter: TimelineFilter } | null = null;

  constructor(api: BraidApi) {
    this.#api = api;
    this.#saver = new PositionSaver((position) => api.timeline.savePosition(position));
    this.#newPosts = new NewPosts((after, limit) => api.timeline.page({ filter: this.#filter, after, limit }));
  }

  get entries() { return this.#entries; }
  get filter() { return this.#filter; }
  get state() { return this.#state; }
  get error() { return this.#error; }
  get complete() { return this.#complete; }
  /** Nothing older is in the cache (yet: `complete` says whether more will come). */
  get atEnd() { return this.#state === 'ready' && this.#olderCursor === null; }
  get loadingOlder() { return this.#loadingOlder; }
  get olderError() { return this.#olderError; }
  /** New posts waiting behind the pill. */
  get newCount() { return this.#newPosts.count; }
  /** More arrived than were fetched; the pill says "200+". */
  get newOverflow() { return this.#newPosts.overflow; }
  get listKey() { return this.#listKey; }
  get lastChange() { return this.#lastChange; }
  get scrollRequest() { return this.#scrollRequest; }
  get restoring() { return this.#restoring; }
  /** The time cards count "5m ago" from; moves every half minute. */
  get now() { return this.#now; }

  indexOf(groupId: string): number {
    return this.#index.get(groupId) ?? -1;
  }

  /** Follows backend events for the app's lifetime; nothing loads until `open()`. */
  listen(): () => void {
    const stop = this.#api.on('timeline.updated', (update) => this.#onUpdate(update));
    const clock = setInterval(() => (this.#now = Date.now()), CLOCK_MS);
    const save = () => this.#saver.flush();
    const onVisibility = () => document.visibilityState === 'hidden' && save();
    document.addEventListener('visibilitychange', onVisibility);
    window.addEventListener('pagehide', save);
    return () => {
      stop();
      clearInterval(clock);
      document.removeEventListener('visibilitychange', onVisibility);
      window.removeEventListener('pagehide', save);
      save();
    };
  }

  /**
   * Takes over the reads sent at startup (lib/first-reads.ts), before the accounts are known:
   * the saved position and the newest page of `filter`. `open()` uses them (the page only when
   * the saved position is on that filter), and `dropPrefetch()` forgets them when there turned
   * out to be no account. Events that come meanwhile are kept for `open()` to catch up on.
   */
  prefetch(position: Promise<ReadingPosition | null>, page: Promise<TimelinePage>, filter: TimelineFilter): void {
    if (this.#state !== 'idle' || this.#early) return;
    this.#early = { position, page, filter };
  }

  /** No account after all: reads sent by `prefetch()` would be stale by the time one is linked. */
  dropPrefetch(): void {
    if (!this.#early) return;
    this.#early = null;
    if (this.#state === 'idle') {
      this.#pendingNewer = false;
      this.#pendingChanged = [];
    }
  }

  /** The view appeared: load (at the saved reading position) the first time, else go back to where the user was. */
  open(): void {
    this.#now = Date.now();
    if (this.#state === 'idle') {
      void this.#openAtPosition();
      return;
    }
    const index = this.#top ? this.indexOf(this.#top.groupId) : -1;
    if (this.#top && index >= 0) this.#request(index, this.#top.offset, 'restore');
  }

  /** An account was unlinked and its cards left the cache: reload, keeping the user's place. */
  reloadHere(): void {
    if (this.#state !== 'ready') return;
    const top = this.#top;
    const entry = top ? this.#entries[this.indexOf(top.groupId)] : undefined;
    const position = top && entry ? { groupId: entry.groupId, sortAt: entry.sortAt, offset: top.offset, filter: this.#filter } : null;
    void this.#reload(position, { quiet: true });
  }

  /** No account is linked any more: forget the list. */
  reset(): void {
    // Not the prefetched reads: the view may reset before the accounts are known (AppState drops them).
    this.#epoch++;
    this.#saver.cancel();
    this.#state = 'idle';
    this.#entries = [];
    this.#newPosts.reset(null);
    this.#loadingOlder = false;
    this.#restoring = false;
    // Events that came after the prefetched reads still matter to the list those reads will open.
    if (!this.#early) {
      this.#pendingNewer = false;
      this.#pendingChanged = [];
    }
    this.#openPosition = null;
    this.#top = null;
    this.#scrollRequest = null;
  }

  setFilter(filter: TimelineFilter): void {
    if (filter === this.#filter) return;
    this.#saver.flush();
    this.#filter = filter;
    void this.#reload(null).then(() => {
      // A restart should come back to this filter, even if the user does not scroll.
      if (this.#state === 'ready' && this.#entries.length > 0) this.noteTop(0, 0);
    });
  }

  /** "Retry" after the first page failed. */
  retry(): void {
    void this.#reload(this.#openPosition);
  }

  loadOlder(): void {
    if (this.#state !== 'ready' || this.#loadingOlder || this.#olderError || !this.#olderCursor) return;
    void this.#fetchOlder(this.#epoch);
  }

  retryOlder(): void {
    this.#olderError = null;
    if (this.#olderCursor) this.loadOlder();
    else void this.#refetchTail();
  }

  /** The view reports whether the user is near the bottom; older posts load only then. */
  setNearEnd(nearEnd: boolean): void {
    this.#nearEnd = nearEnd;
    if (!nearEnd) return;
    if (this.#olderCursor) this.loadOlder();
    else if (this.#olderWaiting) void this.#refetchTail();
  }

  /** Puts the held new posts on top. Returns false when there were none. */
  showNew(): boolean {
    if (this.#newPosts.overflow) {
      void this.#reload(null).then(() => this.#entries.length > 0 && this.#request(0, 0, 'new-posts'));
      return true;
    }
    if (this.#newPosts.count === 0) return false;
    this.#entries = prepend(this.#entries, this.#newPosts.take());
    this.#lastChange = 'prepend';
    this.#request(0, 0, 'new-posts');
    return true;
  }

  /** The entry at the top of the viewport and how much of it is scrolled away. */
  noteTop(index: number, offset: number): void {
    if (this.#state !== 'ready' || (this.#restoring && !this.#restoreCancelled)) return;
    const entry = this.#entries[index];
    if (!entry) return;
    const pixels = Math.min(100_000, Math.max(0, Math.round(offset)));
    this.#top = { groupId: entry.groupId, offset: pixels };
    this.#saver.note({ groupId: entry.groupId, sortAt: entry.sortAt, offset: pixels, filter: this.#filter });
  }

  /** The user scrolled on their own: a restore still looking for its place must not yank them. */
  userScrolled(): void {
    if (this.#restoring) this.#restoreCancelled = true;
    if (this.#scrollRequest?.reason === 'restore') this.#scrollRequest = null;
  }

  doneScrolling(id: number): void {
    if (this.#scrollRequest?.id === id) this.#scrollRequest = null;
  }

  async #openAtPosition(): Promise<void> {
    this.#state = 'loading';
    const epoch = this.#epoch;
    const early = this.#early;
    this.#early = null;
    let position: ReadingPosition | null = null;
    try {
      position = await (early?.position ?? this.#api.timeline.position());
    } catch (error) {
      console.warn('timeline.position failed; starting at the newest post:', errorMessage(error));
    }
    if (epoch !== this.#epoch) return;
    if (position) this.#filter = position.filter;
    this.#openPosition = position;
    // The prefetched page is the newest of its filter, which is where every open starts.
    await this.#reload(position, { firstPage: early && early.filter === this.#filter ? early.page : undefined });
  }

  /** Loads the newest page (shown at once), then pages back to `position` when there is one. */
  async #reload(
    position: ReadingPosition | null,
    { quiet = false, firstPage }: { quiet?: boolean; firstPage?: Promise<TimelinePage> | undefined } = {},
  ): Promise<void> {
    const epoch = ++this.#epoch;
    if (!quiet) {
      this.#state = 'loading';
      this.#entries = [];
      this.#listKey++;
    }
    this.#error = null;
    this.#olderError = null;
    // An older page or a restore still on its way belongs to the list being replaced.
    this.#loadingOlder = false;
    this.#restoring = false;
    this.#newPosts.reset(null);
    this.#olderWaiting = false;
    this.#restoreCancelled = false;
    this.#top = null;
    this.#scrollRequest = null;
    try {
      const page = await (firstPage ?? this.#api.timeline.page({ filter: this.#filter, limit: PAGE_SIZE }));
      if (epoch !== this.#epoch) return;
      if (quiet) this.#listKey++;
      this.#entries = page.entries;
      this.#lastChange = 'reset';
      this.#olderCursor = page.olderCursor;
      this.#complete = page.complete;
      this.#newPosts.reset(page.newerCursor);
      this.#state = 'ready';
      if (position) await this.#restore(position, epoch);
      if (epoch !== this.#epoch) return;
      this.#openPosition = null;
      this.#catchUp();
    } catch (error) {
      if (epoch !== this.#epoch) return;
      if (quiet && this.#state === 'ready') console.warn('timeline.page failed:', errorMessage(error));
      else {
        this.#state = 'error';
        this.#error = errorMessage(error);
      }
    }
  }

  async #restore(position: ReadingPosition, epoch: number): Promise<void> {
    this.#restoring = true;
    try {
      let pages = 0;
      while (this.indexOf(position.groupId) < 0 && this.#olderCursor && pages < RESTORE_PAGE_CAP && !this.#restoreCancelled) {
        if (!(await this.#fetchOlder(epoch))) break;
        pages++;
      }
      if (epoch !== this.#epoch || this.#restoreCancelled) return;
      let index = this.indexOf(position.groupId);
      let offset = position.offset;
      if (index < 0) {
        // The card is gone (deleted, or merged into another): the next older one is where reading resumes.
        const at = Date.parse(position.sortAt);
        index = this.#entries.findIndex((entry) => sortTime(entry) <= at);
        offset = 0;
      }
      const entry = this.#entries[index];
      if (entry && (index > 0 || offset > 0)) {
        this.#top = { groupId: entry.groupId, offset };
        this.#request(index, offset, 'restore');
      }
    } finally {
      if (epoch === this.#epoch) this.#restoring = false;
    }
  }

  async #fetchOlder(epoch: number, before = this.#olderCursor): Promise<boolean> {
    if (!before) return false;
    this.#loadingOlder = true;
    this.#olderError = null;
    try {
      const page = await this.#api.timeline.page({ filter: this.#filter, before, limit: PAGE_SIZE });
      if (epoch !== this.#epoch) return false;
      this.#edit(appendOlder(this.#entries, page.entries), 'append');
      this.#olderCursor = page.olderCursor;
      this.#complete = page.complete;
      return true;
    } catch (error) {
      if (epoch === this.#epoch) this.#olderError = errorMessage(error);
      return false;
    } finally {
      if (epoch === this.#epoch) this.#loadingOlder = false;
    }
  }

  /**
   * Backfill stored posts below the last card after the cache had run out: the page before the
   * last card shown (every card carries its own cursor).
   */
  async #refetchTail(): Promise<void> {
    const tail = this.#entries.at(-1);
    if (this.#state !== 'ready' || this.#loadingOlder || !tail) return;
    this.#olderWaiting = false;
    await this.#fetchOlder(this.#epoch, tail.cursor);
  }

  #onUpdate(update: TimelineUpdate): void {
    // Idle with prefetched reads: what changes after them is caught up on once the list opens.
    if (this.#state === 'idle' && !this.#early) return;
    if (this.#state !== 'ready') {
      this.#pendingNewer ||= update.newer > 0 || update.older > 0;
      this.#pendingChanged.push(...update.changedGroupIds, ...update.removedGroupIds);
      return;
    }
    if (update.removedGroupIds.length > 0) this.#remove(update.removedGroupIds);
    if (update.changedGroupIds.length > 0) void this.#refreshCards(update.changedGroupIds);
    if (this.#entries.length === 0) {
      // Nothing on screen to keep still: the first posts of a sync show at once.
      if (update.newer > 0 || update.older > 0) void this.#reload(null, { quiet: true });
      return;
    }
    if (update.newer > 0) void this.#newPosts.fetch();
    if (update.olderGroupIds.length > 0 && update.olderGroupIds.length === update.older) {
      void this.#placeOlder(update.olderGroupIds);
    } else if (update.older > 0) {
      if (this.#olderCursor) {
        if (this.#nearEnd) this.loadOlder();
      } else if (this.#nearEnd) void this.#refetchTail();
      else this.#olderWaiting = true;
    }
  }

  /**
   * Cards that arrived below the newest one (backfill, gap filling, another account catching
   * up): the ones below what the user is reading go in their place now, the ones above it wait
   * behind the pill like new posts, and ones older than everything loaded come with paging.
   */
  #placeOlder(groupIds: readonly string[]): Promise<void> {
    return this.#inBatches(groupIds, 'Could not place older posts:', (_batch, found) => {
      if (this.#state !== 'ready') return;
      const anchor = this.#top ? Math.max(0, this.indexOf(this.#top.groupId)) : 0;
      const { below, above } = splitArrivals(this.#entries, found, anchor, this.#olderCursor !== null);
      if (below.length > 0) this.#edit(insertByTime(this.#entries, below), 'edit');
      if (above.length > 0) this.#newPosts.hold(above);
    });
  }

  /** Events that came while a page was loading. */
  #catchUp(): void {
    if (this.#pendingChanged.length > 0) {
      const ids = this.#pendingChanged;
      this.#pendingChanged = [];
      void this.#refreshCards(ids);
    }
    if (this.#pendingNewer) {
      this.#pendingNewer = false;
      if (this.#entries.length === 0) void this.#reload(null, { quiet: true });
      else void this.#newPosts.fetch();
    }
  }

  /** Redraws changed cards in place; ones the backend no longer has are removed. */
  #refreshCards(ids: string[]): Promise<void> {
    const wanted = unique(ids).filter((id) => this.#index.has(id) || this.#newPosts.has(id));
    return this.#inBatches(wanted, 'Could not redraw changed posts:', (batch, fresh) => {
      this.#edit(replaceCards(this.#entries, batch, fresh), 'edit');
      this.#newPosts.replace(batch, fresh);
    });
  }

  /** Fetches cards by id, a batch at a time, for a list that is still the one on screen. */
  async #inBatches(ids: readonly string[], failure: string, use: (batch: string[], found: TimelineEntry[]) => void): Promise<void> {
    const epoch = this.#epoch;
    for (let start = 0; start < ids.length; start += ENTRIES_BATCH) {
      const batch = ids.slice(start, start + ENTRIES_BATCH);
      let found: TimelineEntry[];
      try {
        found = await this.#api.timeline.entries({ groupIds: batch });
      } catch (error) {
        console.warn(failure, errorMessage(error));
        return;
      }
      if (epoch !== this.#epoch) return;
      use(batch, found);
    }
  }

  #remove(ids: string[]): void {
    this.#edit(removeCards(this.#entries, ids), 'edit');
    this.#newPosts.remove(ids);
  }

  /** Takes a new list from a pure list operation, noting how it changed (same array: nothing did). */
  #edit(entries: TimelineEntry[], change: ListChange): void {
    if (entries === this.#entries) return;
    this.#lastChange = change;
    this.#entries = entries;
  }

  #request(index: number, offset: number, reason: ScrollRequest['reason']): void {
    this.#scrollRequest = { id: ++this.#requestId, index, offset, reason };
  }
}
