/**
 * Id lists kept sorted (oldest first) so every edge can be paged newest-first with binary
 * search, and several lists (the people someone follows) can be merged lazily for the following
 * feed instead of copying every post into every follower's feed. Ids are Snowflake-like decimal
 * strings, so numeric order is time order (core/ids.ts).
 *
 * Inserting is O(1): the newest id is pushed, and an older one (seeding "in the past") is
 * appended and the list marked unsorted; the next read sorts it once. TimSort makes that cheap
 * for a nearly sorted list, and seeding 100 000 posts in random time order stays fast.
 */
import { compareIds } from '../core/ids.ts';

/** Index of the first element >= id (or > id when `after`). */
function lowerBound(list: readonly string[], id: string, strictlyAfter = false): number {
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

const unsorted = new WeakSet<readonly string[]>();

/** Call before reading a list in order. */
export function ensureSorted(list: readonly string[]): void {
  if (!unsorted.has(list)) return;
  (list as string[]).sort(compareIds);
  unsorted.delete(list);
}

/** Insert an id that is not in the list yet. */
export function insertSorted(list: string[], id: string): void {
  const last = list[list.length - 1];
  if (last !== undefined && compareIds(last, id) > 0) unsorted.add(list);
  list.push(id);
}

export function removeSorted(list: string[], id: string): void {
  ensureSorted(list);
  const at = lowerBound(list, id);
  if (list[at] === id) list.splice(at, 1);
}

export interface Window {
  /** Only ids strictly below this one (an `after` cursor, or `until`). */
  below?: string;
  /** Only ids strictly above this one (a `before` cursor). */
  above?: string;
  /** Only ids at or above this one (`since`). */
  floor?: string;
}

export interface PageOfIds {
  /** Newest first. */
  ids: string[];
  /** More ids exist past the last one (older). */
  moreOlder: boolean;
  /** More ids exist before the first one (newer). */
  moreNewer: boolean;
}

/**
 * One step of a k-way merge: the smallest id under the cursors `pos` when walking up (`step` 1),
 * the largest when walking down (-1); that list's cursor moves on.
 */
function takeNext(lists: readonly (readonly string[])[], pos: number[], step: 1 | -1): string | undefined {
  let best = -1;
  let bestId: string | undefined;
  for (let i = 0; i < lists.length; i += 1) {
    const candidate = (lists[i] as readonly string[])[pos[i] as number];
    if (candidate !== undefined && (bestId === undefined || compareIds(candidate, bestId) * step < 0)) {
      best = i;
      bestId = candidate;
    }
  }
  if (best >= 0) pos[best] = (pos[best] as number) + step;
  return bestId;
}

/**
 * Up to `limit` ids from the merged lists, newest first. With `above` set (paging backwards) the
 * ids are the `limit` closest above it. `accept` drops ids without counting them.
 */
export function pageIds(lists: readonly (readonly string[])[], window: Window, limit: number, accept: (id: string) => boolean = () => true): PageOfIds {
  for (const list of lists) ensureSorted(list);
  const inRange = (id: string): boolean =>
    (window.below === undefined || compareIds(id, window.below) < 0) &&
    (window.above === undefined || compareIds(id, window.above) > 0) &&
    (window.floor === undefined || compareIds(id, window.floor) >= 0);
  if (window.above !== undefined) {
    // Walk upwards from `above`, then reverse.
    const pos = lists.map((list) => lowerBound(list, window.above as string, true));
    const up: string[] = [];
    let more = false;
    for (let id = takeNext(lists, pos, 1); id !== undefined; id = takeNext(lists, pos, 1)) {
      if (!inRange(id)) {
        if (window.below !== undefined && compareIds(id, window.below) >= 0) break;
        continue;
      }
      if (!accept(id)) continue;
      if (up.length === limit) {
        more = true;
        break;
      }
      up.push(id);
    }
    return { ids: up.reverse(), moreNewer: more, moreOlder: true };
  }
  const pos = lists.map((list) => (window.below === undefined ? list.length : lowerBound(list, window.below)) - 1);
  const down: string[] = [];
  let more = false;
  for (let id = takeNext(lists, pos, -1); id !== undefined; id = takeNext(lists, pos, -1)) {
    if (window.floor !== undefined && compareIds(id, window.floor) < 0) break;
    if (!accept(id)) continue;
    if (down.length === limit) {
      more = true;
      break;
    }
    down.push(id);
  }
  return { ids: down, moreOlder: more, moreNewer: window.below !== undefined };
}
