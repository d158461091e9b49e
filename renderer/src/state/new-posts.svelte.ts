import type { TimelineEntry, TimelinePage } from '@shared/timeline';
import { errorMessage } from '../lib/braid';
import { addHeld, groupIds, removeCards, replaceCards } from '../lib/entry-list';

/** The most new posts held behind the pill; past this, showing them reloads the newest page. */
const NEWER_LIMIT = 200;

/**
 * Posts newer than the list on screen, held back until the user asks for them (the pill, or
 * `.`), so that what they are reading never moves by itself.
 */
export class NewPosts {
  #held = $state.raw<TimelineEntry[]>([]);
  readonly #ids = $derived(groupIds(this.#held));
  #overflow = $state(false);
  #fetchNewer: (after: string, limit: number) => Promise<TimelinePage>;
  /** Cursor of the newest entry known, shown or held. */
  #cursor: string | null = null;
  /** Bumped by `reset`: a fetch for a list since replaced is dropped. */
  #generation = 0;
  #fetching = false;
  #again = false;

  constructor(fetchNewer: (after: string, limit: number) => Promise<TimelinePage>) {
    this.#fetchNewer = fetchNewer;
  }

  get count() {
    return this.#held.length;
  }
  /** More arrived than one fetch brings: the pill says "200+" and showing them reloads. */
  get overflow() {
    return this.#overflow;
  }

  /** Starts over under a freshly loaded newest page (`cursor` is its `newerCursor`). */
  reset(cursor: string | null): void {
    this.#generation++;
    this.#held = [];
    this.#overflow = false;
    this.#cursor = cursor;
  }

  /** Hands the held posts over (newest first) and holds nothing. */
  take(): TimelineEntry[] {
    const held = this.#held;
    this.#held = [];
    return held;
  }

  has(groupId: string): boolean {
    return this.#ids.has(groupId);
  }

  /** Cards that belong above what the user is reading (a slower account's sync): held like new ones. */
  hold(entries: readonly TimelineEntry[]): void {
    this.#held = addHeld(this.#held, entries);
  }

  replace(asked: readonly string[], fresh: readonly TimelineEntry[]): void {
    this.#held = replaceCards(this.#held, asked, fresh);
  }

  remove(ids: readonly string[]): void {
    this.#held = removeCards(this.#held, ids);
  }

  /** Fetches what is newer than the newest known post; updates that come meanwhile are coalesced. */
  async fetch(): Promise<void> {
    if (this.#fetching) {
      this.#again = true;
      return;
    }
    const generation = this.#generation;
    this.#fetching = true;
    try {
      do {
        this.#again = false;
        if (!this.#cursor || this.#overflow) break;
        const page = await this.#fetchNewer(this.#cursor, NEWER_LIMIT);
        if (generation !== this.#generation) return;
        this.#held = addHeld(this.#held, page.entries);
        if (page.newerCursor) this.#cursor = page.newerCursor;
        if (page.entries.length >= NEWER_LIMIT) this.#overflow = true;
      } while (this.#again);
    } catch (error) {
      // The next update tries again; the list the user reads is untouched either way.
      console.warn('Could not fetch new posts:', errorMessage(error));
    } finally {
      this.#fetching = false;
      // An update that came while a fetch for a replaced list ran still needs its turn.
      if (this.#again) {
        this.#again = false;
        void this.fetch();
      }
    }
  }
}
