/**
 * Cursor paging as graph.threads.net does it: `limit` (25 by default, at most 100), `before` /
 * `after` opaque cursors, `since` / `until` (Unix seconds or a date), and the envelope
 * `{data, paging:{cursors:{before, after}, next?, previous?}}` with full URLs
 * (https://developers.facebook.com/docs/graph-api/results#cursors).
 */
import { invalidParameter } from './errors.ts';
import { ensureSorted, pageIds, type Window } from './sorted.ts';

export interface PagingParams {
  limit: number;
  window: Window;
  /** Paged with an `after` cursor: newer items exist. */
  hadAfter: boolean;
  /** The decoded cursors and time bounds, for edges listed oldest first (reverse=false). */
  after?: string;
  before?: string;
  sinceId?: string;
  untilId?: string;
}

const encodeCursor = (id: string): string => Buffer.from(`threads:${id}`).toString('base64url');

function decodeCursor(cursor: string, name: string): string {
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  const match = /^threads:(\d{1,24})$/.exec(decoded);
  if (!match) throw invalidParameter(`The parameter ${name} is not a valid cursor`);
  return match[1] as string;
}

/** Unix seconds, or anything Date can parse (Meta accepts strtotime() values). */
function parseTime(value: string, name: string): number {
  const ms = /^\d+$/.test(value) ? Number(value) * 1000 : Date.parse(value);
  if (!Number.isFinite(ms)) throw invalidParameter(`The parameter ${name} must be a Unix timestamp or a date`);
  return ms;
}

const idAt = (ms: number): string => (BigInt(Math.max(0, Math.floor(ms))) << 16n).toString();

export function parsePaging(params: Record<string, string | undefined>, maxLimit = 100): PagingParams {
  let limit = 25;
  if (params.limit !== undefined) {
    if (!/^\d+$/.test(params.limit)) throw invalidParameter('The parameter limit must be a number');
    limit = Math.min(maxLimit, Math.max(1, Number(params.limit)));
  }
  const window: Window = {};
  const after = params.after ? decodeCursor(params.after, 'after') : undefined;
  const before = !after && params.before ? decodeCursor(params.before, 'before') : undefined;
  const untilId = params.until === undefined ? undefined : idAt(parseTime(params.until, 'until') + 1000);
  const sinceId = params.since === undefined ? undefined : idAt(parseTime(params.since, 'since'));
  if (after !== undefined) window.below = after;
  if (before !== undefined) window.above = before;
  if (untilId !== undefined && (window.below === undefined || BigInt(untilId) < BigInt(window.below))) window.below = untilId;
  if (sinceId !== undefined) window.floor = sinceId;
  return {
    limit,
    window,
    hadAfter: after !== undefined,
    ...(after === undefined ? {} : { after }),
    ...(before === undefined ? {} : { before }),
    ...(sinceId === undefined ? {} : { sinceId }),
    ...(untilId === undefined ? {} : { untilId }),
  };
}

export interface Page<T> {
  data: T[];
  paging?: { cursors: { before: string; after: string }; next?: string; previous?: string };
}

export function pageOf<T>(
  requestUrl: string,
  lists: readonly (readonly string[])[],
  paging: PagingParams,
  accept: (id: string) => boolean,
  render: (id: string) => T,
): Page<T> {
  const { ids, moreOlder, moreNewer } = pageIds(lists, paging.window, paging.limit, accept);
  const first = ids[0];
  const last = ids[ids.length - 1];
  if (first === undefined || last === undefined) return { data: [] };
  const link = (set: 'after' | 'before', cursor: string): string => {
    const url = new URL(requestUrl);
    url.searchParams.delete('after');
    url.searchParams.delete('before');
    url.searchParams.set(set, cursor);
    return url.toString();
  };
  const cursors = { before: encodeCursor(first), after: encodeCursor(last) };
  return {
    data: ids.map(render),
    paging: {
      cursors,
      ...(moreOlder ? { next: link('after', cursors.after) } : {}),
      ...((paging.window.above === undefined ? paging.hadAfter : moreNewer) ? { previous: link('before', cursors.before) } : {}),
    },
  };
}

/** The same envelope for an edge listed oldest first (`reverse=false` on replies). */
export function pageOldestFirst<T>(
  requestUrl: string,
  list: readonly string[],
  paging: PagingParams,
  accept: (id: string) => boolean,
  render: (id: string) => T,
): Page<T> {
  const inTime = (id: string): boolean =>
    (paging.sinceId === undefined || BigInt(id) >= BigInt(paging.sinceId)) && (paging.untilId === undefined || BigInt(id) < BigInt(paging.untilId));
  ensureSorted(list);
  const all = list.filter((id) => inTime(id) && accept(id));
  let start = 0;
  let end: number;
  if (paging.after !== undefined) start = all.findIndex((id) => BigInt(id) > BigInt(paging.after as string));
  if (start < 0) start = all.length;
  if (paging.before !== undefined) {
    end = all.findIndex((id) => BigInt(id) >= BigInt(paging.before as string));
    if (end < 0) end = all.length;
    start = Math.max(0, end - paging.limit);
  } else {
    end = Math.min(all.length, start + paging.limit);
  }
  const ids = all.slice(start, end);
  const first = ids[0];
  const last = ids[ids.length - 1];
  if (first === undefined || last === undefined) return { data: [] };
  const link = (set: 'after' | 'before', cursor: string): string => {
    const url = new URL(requestUrl);
    url.searchParams.delete('after');
    url.searchParams.delete('before');
    url.searchParams.set(set, cursor);
    return url.toString();
  };
  const cursors = { before: encodeCursor(first), after: encodeCursor(last) };
  return {
    data: ids.map(render),
    paging: {
      cursors,
      ...(end < all.length ? { next: link('after', cursors.after) } : {}),
      ...(start > 0 ? { previous: link('before', cursors.before) } : {}),
    },
  };
}
