/**
 * Paging over one or several sorted id lists (core/sorted-ids.ts), newest first: several lists
 * (the people someone follows) are merged lazily for the following feed instead of copying
 * every post into every follower's feed. Ids are Snowflake-like, so numeric order is time order.
 */
import { compareIds } from '../core/ids.ts';
import { lowerBound } from '../core/sorted-ids.ts';

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
