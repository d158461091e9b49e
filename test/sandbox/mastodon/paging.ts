/**
 * Paging parameters and the Link header, exactly as Mastodon writes them
 * (https://docs.joinmastodon.org/api/guidelines/#pagination):
 * `<…?max_id=OLDEST>; rel="next", <…?min_id=NEWEST>; rel="prev"`, omitted for an empty page.
 */
import type { PageQuery } from '../core/sorted-ids.ts';
import type { C } from './api-support.ts';

/**
 * An id parameter as Rails casts it for a bigint column: the leading digits ("12abc" → 12,
 * "abc" → 0), without leading zeros so ids still compare by length.
 */
function idParam(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  const digits = /^\s*\+?(\d+)/.exec(value)?.[1] ?? '0';
  return digits.replace(/^0+(?=\d)/, '');
}

/** Api::BaseController#limit_param: `[limit.to_i.abs, max].min`, so "abc" and 0 give an empty page. */
export function limitParam(raw: string | undefined, defaultLimit: number, maxLimit: number): number {
  if (raw === undefined) return defaultLimit;
  const n = Math.abs(Number.parseInt(/^\s*[-+]?\d+/.exec(raw)?.[0] ?? '0', 10));
  return Math.min(Number.isFinite(n) ? n : 0, maxLimit);
}

export function pageQuery(c: C, defaultLimit = 20, maxLimit = defaultLimit * 2): PageQuery {
  return {
    maxId: idParam(c.req.query('max_id')),
    sinceId: idParam(c.req.query('since_id')),
    minId: idParam(c.req.query('min_id')),
    limit: limitParam(c.req.query('limit'), defaultLimit, maxLimit),
  };
}

export interface LinkOptions {
  /**
   * Account lists and account statuses only offer `next` when the page came back full
   * (`records_continue?`); timelines and notifications always do.
   */
  fullPageLimit?: number;
  /** favourited_by / reblogged_by link `prev` with since_id; everything else with min_id. */
  prevParam?: 'min_id' | 'since_id';
}

/** Set the Link header for a page whose items have these paging ids, newest first. */
export function setLink(c: C, origin: string, pageIds: string[], options: LinkOptions = {}): void {
  if (pageIds.length === 0) return;
  const url = new URL(c.req.url);
  const base = new URLSearchParams();
  for (const [key, value] of url.searchParams) if (!['max_id', 'min_id', 'since_id'].includes(key)) base.append(key, value);
  const make = (key: string, id: string): string => {
    const search = new URLSearchParams(base);
    search.set(key, id);
    return `${origin}${url.pathname}?${search.toString()}`;
  };
  const newest = pageIds[0] as string;
  const oldest = pageIds[pageIds.length - 1] as string;
  const prev = `<${make(options.prevParam ?? 'min_id', newest)}>; rel="prev"`;
  const hasNext = options.fullPageLimit === undefined || pageIds.length >= options.fullPageLimit;
  c.header('Link', hasNext ? `<${make('max_id', oldest)}>; rel="next", ${prev}` : prev);
}
