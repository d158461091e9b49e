/**
 * Paging parameters and the Link header, exactly as Mastodon writes them
 * (https://docs.joinmastodon.org/api/guidelines/#pagination):
 * `<…?max_id=OLDEST>; rel="next", <…?min_id=NEWEST>; rel="prev"`, omitted for an empty page.
 */
import type { PageQuery } from './sorted-ids.ts';
import type { C } from './api-support.ts';

export function pageQuery(c: C, defaultLimit = 20, maxLimit = 40): PageQuery {
  const q = (name: string): string | undefined => {
    const v = c.req.query(name);
    return v === undefined || v === '' ? undefined : v;
  };
  const raw = Number.parseInt(q('limit') ?? '', 10);
  const limit = Number.isFinite(raw) && raw > 0 ? Math.min(raw, maxLimit) : defaultLimit;
  return { maxId: q('max_id'), sinceId: q('since_id'), minId: q('min_id'), limit };
}

/** Set the Link header for a page whose items have these paging ids, newest first. */
export function setLink(c: C, origin: string, pageIds: string[]): void {
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
  c.header('Link', `<${make('max_id', oldest)}>; rel="next", <${make('min_id', newest)}>; rel="prev"`);
}
