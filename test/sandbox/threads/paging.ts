/**
 * Cursor paging as graph.threads.net does it: `limit` (25 by default, at most 100), `before` /
 * `after` opaque cursors, `since` / `until` (Unix seconds or a date), and the envelope
 * `{data, paging:{cursors:{before, after}, next?, previous?}}` with full URLs
 * (https://developers.facebook.com/docs/graph-api/results#cursors).
 */
import { invalidParameter } from './errors.ts';
import { pageIds, type Window } from './sorted.ts';

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
  // Meta: "both before and after parameters cannot be passed at the same time".
  if (params.after && params.before) throw invalidParameter('Both before and after parameters cannot be passed at the same time');
  const window: Window = {};
  const after = params.after ? decodeCursor(params.after, 'after') : undefined;
  const before = params.before ? decodeCursor(params.before, 'before') : undefined;
  const untilMs = params.until === undefined ? undefined : parseTime(params.until, 'until');
  const sinceMs = params.since === undefined ? undefined : parseTime(params.since, 'since');
  // Meta: since "must be less than the until parameter"; an empty window is a client bug, not an empty page.
  if (untilMs !== undefined && sinceMs !== undefined && sinceMs >= untilMs) throw invalidParameter('The parameter since must be less than the parameter until');
  const untilId = untilMs === undefined ? undefined : idAt(untilMs + 1000);
  const sinceId = sinceMs === undefined ? undefined : idAt(sinceMs);
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
  return envelope(requestUrl, ids, render, moreOlder, paging.window.above === undefined ? paging.hadAfter : moreNewer);
}

/** `{data, paging}` for a page of ids; `next` / `previous` only when there is such a page. */
function envelope<T>(requestUrl: string, ids: readonly string[], render: (id: string) => T, hasNext: boolean, hasPrevious: boolean): Page<T> {
  const first = ids[0];
  const last = ids[ids.length - 1];
  if (first === undefined || last === undefined) return { data: [] };
  return withCursors(requestUrl, ids.map(render), { before: encodeCursor(first), after: encodeCursor(last) }, hasNext, hasPrevious);
}

function withCursors<T>(requestUrl: string, data: T[], cursors: { before: string; after: string }, hasNext: boolean, hasPrevious: boolean): Page<T> {
  const link = (set: 'after' | 'before', cursor: string): string => {
    const url = new URL(requestUrl);
    url.searchParams.delete('after');
    url.searchParams.delete('before');
    url.searchParams.set(set, cursor);
    return url.toString();
  };
  return {
    data,
    paging: {
      cursors,
      ...(hasNext ? { next: link('after', cursors.after) } : {}),
      ...(hasPrevious ? { previous: link('before', cursors.before) } : {}),
    },
  };
}

const encodeOffset = (n: number): string => Buffer.from(`offset:${n}`).toString('base64url');

function decodeOffset(cursor: string, name: string): number {
  const match = /^offset:(\d{1,9})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) throw invalidParameter(`The parameter ${name} is not a valid cursor`);
  return Number(match[1]);
}

/**
 * The same envelope over a list that is not ordered by id (likes, followers): cursors are
 * positions in it, with `limit`, `after` and `before` checked like everywhere else.
 */
export function pageOfList<T>(requestUrl: string, items: readonly T[], params: Record<string, string | undefined>): Page<T> {
  const { limit } = parsePaging({ limit: params.limit });
  if (params.after && params.before) throw invalidParameter('Both before and after parameters cannot be passed at the same time');
  let start = params.after ? decodeOffset(params.after, 'after') : 0;
  if (params.before) start = Math.max(0, decodeOffset(params.before, 'before') - limit);
  const end = Math.min(items.length, start + limit, params.before ? decodeOffset(params.before, 'before') : Infinity);
  if (start >= end) return { data: [] };
  return withCursors(requestUrl, items.slice(start, end), { before: encodeOffset(start), after: encodeOffset(end) }, end < items.length, start > 0);
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
  return envelope(requestUrl, all.slice(start, end), render, end < all.length, start > 0);
}
