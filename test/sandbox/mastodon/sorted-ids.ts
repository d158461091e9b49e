/**
 * A timeline: Snowflake ids kept sorted (oldest first) for binary-search paging.
 *
 * Live posts always get the newest id, so inserts are appends. The seed generator creates posts
 * "in the past" in any order; those inserts go to a side buffer that is merged (one sort) before
 * the next read, which keeps creating 100 000 statuses fast while reads stay O(log n).
 */
import { compareIds } from '../core/ids.ts';

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
    const index = this.lowerBound(id);
    if (this.ids[index] !== id) return false;
    this.ids.splice(index, 1);
    return true;
  }

  has(id: string): boolean {
    return this.pendingSet.has(id) || this.ids[this.lowerBound(id)] === id;
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
    const low = floor === undefined ? 0 : this.upperBound(floor);
    const high = query.maxId === undefined ? this.ids.length : this.lowerBound(query.maxId);
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

  /** First index whose id is >= `id`. */
  private lowerBound(id: string): number {
    let lo = 0;
    let hi = this.ids.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareIds(this.ids[mid] as string, id) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** First index whose id is > `id`. */
  private upperBound(id: string): number {
    let lo = 0;
    let hi = this.ids.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareIds(this.ids[mid] as string, id) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
