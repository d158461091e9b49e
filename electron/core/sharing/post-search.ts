/**
 * Is a Threads post on the Fediverse? Asks the user's Mastodon server to find it by its
 * permalink (docs.joinmastodon.org/methods/search/#v2): with `resolve=true` the server fetches
 * the permalink as ActivityPub, which Threads answers only for shared posts. A status whose
 * `url` or `uri` is the permalink means "shared"; an empty answer "not shared"; anything else
 * — a refused sign-in, a 429, a 5xx, an answer Braid cannot read — "unknown", never a guess.
 */
import { BraidError } from '@shared/errors';
import { asRecord, readJson, request, type Fetch } from '../net/http';
import { retryAfterMs } from '../sync/rate-budget';
import { canonicalKey } from '../timeline/text';

export type PostSearchResult =
  | { state: 'shared'; statusUrl: string | null }
  | { state: 'not-shared' }
  | { state: 'unknown'; reason: string; retryAfterMs: number | null; rateLimited: boolean };

export interface PostSearchQuery {
  /** The Mastodon server's origin: https://mastodon.social. */
  server: string;
  token: string;
  permalink: string;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Every answer's status and headers, for the caller's rate budget. */
  onResponse?: (status: number, headers: Headers) => void;
}

function postSearchUrl(server: string, permalink: string): URL {
  const url = new URL('/api/v2/search', server);
  url.searchParams.set('q', permalink);
  url.searchParams.set('resolve', 'true');
  url.searchParams.set('type', 'statuses');
  url.searchParams.set('limit', '1');
  return url;
}

export async function searchPost(fetch: Fetch, query: PostSearchQuery, now: () => number = Date.now): Promise<PostSearchResult> {
  const url = postSearchUrl(query.server, query.permalink);
  const wanted = canonicalKey(query.permalink);
  if (wanted === null) return { state: 'unknown', reason: 'the post has no web link to search for.', retryAfterMs: null, rateLimited: false };
  let response: Response;
  try {
    response = await request(fetch, url, {
      headers: { authorization: `Bearer ${query.token}`, accept: 'application/json' },
      ...(query.timeoutMs === undefined ? {} : { timeoutMs: query.timeoutMs }),
      ...(query.signal ? { signal: query.signal } : {}),
    });
  } catch (error) {
    if (query.signal?.aborted) throw error;
    return { state: 'unknown', reason: error instanceof BraidError ? error.message : `${url.host} could not be reached.`, retryAfterMs: null, rateLimited: false };
  }
  query.onResponse?.(response.status, response.headers);
  if (!response.ok) {
    await response.body?.cancel().catch(() => undefined);
    const status = response.status;
    const rateLimited = status === 429;
    const reason =
      status === 401 || status === 403
        ? `${url.host} did not accept Braid's sign-in for searching (HTTP ${status}).`
        : rateLimited
          ? `${url.host} asked Braid to slow down.`
          : status >= 500
            ? `${url.host} is having trouble (HTTP ${status}).`
            : `${url.host} answered the search with HTTP ${status}.`;
    return { state: 'unknown', reason, retryAfterMs: retryAfterMs(response.headers.get('retry-after'), now()), rateLimited };
  }
  let body: unknown;
  try {
    body = await readJson(response, `${url.host}'s search`);
  } catch (error) {
    return { state: 'unknown', reason: error instanceof Error ? error.message : `${url.host} sent a search answer Braid could not read.`, retryAfterMs: null, rateLimited: false };
  }
  const statuses = asRecord(body)?.statuses;
  if (!Array.isArray(statuses)) return { state: 'unknown', reason: `${url.host} sent a search answer without statuses.`, retryAfterMs: null, rateLimited: false };
  if (statuses.length === 0) return { state: 'not-shared' };
  for (const raw of statuses) {
    const status = asRecord(raw);
    if (!status) continue;
    const statusUrl = typeof status.url === 'string' ? status.url : null;
    const statusUri = typeof status.uri === 'string' ? status.uri : null;
    if (canonicalKey(statusUrl) === wanted || canonicalKey(statusUri) === wanted) return { state: 'shared', statusUrl };
  }
  return { state: 'unknown', reason: `${url.host} found a different post for that link.`, retryAfterMs: null, rateLimited: false };
}
