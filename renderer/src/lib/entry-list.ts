/**
 * List operations on timeline cards, newest first. Pure: each returns a new array (or the same
 * one when nothing changed), which `$state.raw` needs to notice a change.
 */
import type { TimelineEntry } from '@shared/timeline';

export const sortTime = (entry: TimelineEntry): number => Date.parse(entry.sortAt);

const ids = (list: readonly TimelineEntry[]) => new Set(list.map((entry) => entry.groupId));

/** Where each card is in the list, by group id. */
export function indexById(list: readonly TimelineEntry[]): ReadonlyMap<string, number> {
  return new Map(list.map((entry, index) => [entry.groupId, index]));
}

/** The group ids of a list, for quick "is it there" checks. */
export function groupIds(list: readonly TimelineEntry[]): ReadonlySet<string> {
  return ids(list);
}

export function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

/** Older cards go below; ones already shown (a page boundary that moved) are skipped. */
export function appendOlder(list: TimelineEntry[], older: readonly TimelineEntry[]): TimelineEntry[] {
  const known = ids(list);
  const fresh = older.filter((entry) => !known.has(entry.groupId));
  return fresh.length > 0 ? list.concat(fresh) : list;
}

/**
 * Cards found below or between the ones shown (backfill, gap filling) go in by time. Nothing
 * newer than the top card is taken: new posts wait behind the pill instead. The sort is stable,
 * so cards already shown keep their order.
 */
export function insertByTime(list: TimelineEntry[], found: readonly TimelineEntry[]): TimelineEntry[] {
  const known = ids(list);
  const newest = list[0] ? sortTime(list[0]) : Infinity;
  const fresh = found.filter((entry) => !known.has(entry.groupId) && sortTime(entry) <= newest);
  if (fresh.length === 0) return list;
  return [...list, ...fresh].sort((a, b) => sortTime(b) - sortTime(a));
}

/**
 * Held posts join the list in time order: new ones on top, ones that arrived late (another
 * account's slower sync) in their place. A card that came back (boosted again) leaves its old
 * place. The sort is stable, so cards already shown keep their order.
 */
export function prepend(list: TimelineEntry[], held: readonly TimelineEntry[]): TimelineEntry[] {
  const moved = ids(held);
  return [...held, ...list.filter((entry) => !moved.has(entry.groupId))].sort((a, b) => sortTime(b) - sortTime(a));
}

/** New posts that are not held yet, newest first, above the ones that are. */
export function addHeld(held: TimelineEntry[], newer: readonly TimelineEntry[]): TimelineEntry[] {
  const known = ids(held);
  const fresh = newer.filter((entry) => !known.has(entry.groupId));
  return fresh.length > 0 ? [...fresh, ...held] : held;
}

/** Swaps asked-for cards for their fresh versions in place; ones without a fresh version are gone. */
export function replaceCards(list: TimelineEntry[], askedIds: readonly string[], fresh: readonly TimelineEntry[]): TimelineEntry[] {
  const asked = new Set(askedIds);
  if (!list.some((entry) => asked.has(entry.groupId))) return list;
  const byId = new Map(fresh.map((entry) => [entry.groupId, entry]));
  return list.flatMap((entry) => (asked.has(entry.groupId) ? (byId.get(entry.groupId) ?? []) : [entry]));
}

export function removeCards(list: TimelineEntry[], removedIds: readonly string[]): TimelineEntry[] {
  const removed = new Set(removedIds);
  return list.some((entry) => removed.has(entry.groupId)) ? list.filter((entry) => !removed.has(entry.groupId)) : list;
}

/**
 * Cards that arrived below the newest one, sorted by where they belong: `below` the card the
 * reader is at (`anchor`, an index) goes in now; `above` it waits behind the pill; older than
 * the last card loaded is dropped while more pages can still bring it (`morePages`).
 */
export function splitArrivals(
  list: readonly TimelineEntry[],
  found: readonly TimelineEntry[],
  anchor: number,
  morePages: boolean,
): { below: TimelineEntry[]; above: TimelineEntry[] } {
  const tail = list.at(-1);
  const tailTime = tail ? sortTime(tail) : Number.NEGATIVE_INFINITY;
  const reading = list[anchor];
  const anchorTime = reading ? sortTime(reading) : Number.POSITIVE_INFINITY;
  const below: TimelineEntry[] = [];
  const above: TimelineEntry[] = [];
  for (const entry of found) {
    const time = sortTime(entry);
    if (time < tailTime && morePages) continue;
    (time <= anchorTime ? below : above).push(entry);
  }
  return { below, above };
}
