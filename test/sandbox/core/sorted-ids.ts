/**
 * A list of Snowflake-like ids kept sorted (oldest first) for binary-search paging: both
 * servers' timelines, profiles, reply lists and conversations.
 *
 * Live posts always get the newest id, so inserts are appends. The seed generator creates posts
 * "in the past" out of order; those go to a side buffer that is merged in before the next
 * ordered read, which keeps creating 100 000 posts fast while reads stay O(log n).
 */
import { compareIds } from './ids.ts';

/** Index of the first id >= `id` in a sorted list (the first id > `id` when `strictlyAfter`). */
export function lowerBound(list: readonly string[], id: string, strictlyAfter = false): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const cmp = compareIds(list[mid] as string, id);
    if (cmp < 0 || (strictlyAfter && cmp === 0)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export interface PageQuery {
  maxId?: string;
  sinceId?: string;
  minId?: string;
  limit: number;
}

export class SortedIds {
  private ids: string[] = [];
  /** Out-of-order inserts not merged yet; the set answers has() and remove() without a merge. */
  private pending: string[] = [];
  private pendingSet = new Set<string>();

  get size(): number {
    return this.ids.length + this.pending.length;
  }

  insert(id: string): void {
    const last = this.ids[this.ids.length - 1];
    if (this.pending.length === 0 && (last === undefined || compareIds(id, last) > 0)) this.ids.push(id);
    else if (!this.has(id)) {
      this.pending.push(id);
      this.pendingSet.add(id);
    }
  }

  remove(id: string): boolean {
    if (this.pendingSet.delete(id)) {
      this.pending.splice(this.pending.indexOf(id), 1);
      return true;
    }
    const index = lowerBound(this.ids, id);
    if (this.ids[index] !== id) return false;
    this.ids.splice(index, 1);
    return true;
  }

  has(id: string): boolean {
    return this.pendingSet.has(id) || this.ids[lowerBound(this.ids, id)] === id;
  }

  /** Every id, oldest first, as a read-only view (valid until the next insert or remove). */
  sorted(): readonly string[] {
    this.settle();
    return this.ids;
  }

  /** Newest first. */
  newest(count: number): string[] {
    this.settle();
    return this.ids.slice(Math.max(0, this.ids.length - count)).reverse();
  }

  /** Newest first, every id. */
  all(): string[] {
    this.settle();
    return [...this.ids].reverse();
  }

  /**
   * One page as Mastodon answers it (https://docs.joinmastodon.org/api/guidelines/#pagination):
   * ids below max_id and above since_id, newest first; with min_id, the `limit` ids immediately
   * newer than min_id (still returned newest first), since_id then ignored. `accept` filters without a full scan: the
   * walk stops as soon as the page is full.
   */
  page(query: PageQuery, accept: (id: string) => boolean = () => true): string[] {
    this.settle();
    // As Mastodon's to_a_paginated_by_id and HomeFeed: with min_id, since_id is ignored.
    const floor = query.minId ?? query.sinceId;
    const low = floor === undefined ? 0 : lowerBound(this.ids, floor, true);
    const high = query.maxId === undefined ? this.ids.length : lowerBound(this.ids, query.maxId);
    const out: string[] = [];
    if (query.minId !== undefined) {
      for (let i = low; i < high && out.length < query.limit; i += 1) {
        const id = this.ids[i] as string;
        if (accept(id)) out.push(id);
      }
      return out.reverse();
    }
    for (let i = high - 1; i >= low && out.length < query.limit; i -= 1) {
      const id = this.ids[i] as string;
      if (accept(id)) out.push(id);
    }
    return out;
  }

  /**
   * Fold the out-of-order ids in: sort only those (few), then one linear merge. Re-sorting the
   * whole timeline each time made seeding grow faster than linearly with the post count.
   */
  private settle(): void {
    if (this.pending.length === 0) return;
    const pending = this.pending.sort(compareIds);
    this.pending = [];
    this.pendingSet.clear();
    const ids = this.ids;
    // insert() keeps pending free of ids already present, so nothing needs de-duplicating.
    const merged: string[] = new Array<string>(ids.length + pending.length);
    let i = 0;
    let j = 0;
    let n = 0;
    while (i < ids.length || j < pending.length) {
      const next = j >= pending.length || (i < ids.length && compareIds(ids[i] as string, pending[j] as string) <= 0) ? (ids[i++] as string) : (pending[j++] as string);
      merged[n++] = next;
    }
    this.ids = merged;
  }
}
