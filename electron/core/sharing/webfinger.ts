/**
 * WebFinger (RFC 7033) for a Threads profile: `acct:<user>@<threads domain>` answers only while
 * the user shares to the Fediverse (PROTOCOLS.md, Threads federation). The answer is one of
 * three, and only a well-formed JRD with an ActivityPub `self` link counts as "shared": a 404 or
 * 410 is "not shared", and everything else — a timeout, a refused connection, a 5xx, a 429, a
 * page that is not a JRD — is "unknown", never a guess either way.
 */
import { BraidError } from '@shared/errors';
import { asRecord, request, type Fetch } from '../net/http';
import { retryAfterMs } from '../sync/rate-budget';

export type WebFingerResult =
  | { state: 'shared'; actorId: string; profileUrl: string | null }
  | { state: 'not-shared'; status: number }
  | { state: 'unknown'; reason: string; retryAfterMs: number | null };

export interface WebFingerQuery {
  /** Where the domain serves `/.well-known/webfinger`: https://www.threads.net, the sandbox's origin. */
  origin: string;
  username: string;
  /** The domain in the handle: threads.net, 127.0.0.1:4100. */
  domain: string;
  timeoutMs?: number;
  signal?: AbortSignal;
}

const ACTIVITY_TYPES = new Set(['application/activity+json', 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"']);

export function webFingerUrl(query: Pick<WebFingerQuery, 'origin' | 'username' | 'domain'>): URL {
  const url = new URL('/.well-known/webfinger', query.origin);
  url.searchParams.set('resource', `acct:${query.username}@${query.domain}`);
  return url;
}

function httpUrl(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
  } catch {
    return null;
  }
}

/** The actor and profile page in a JRD; null when it has no ActivityPub `self` link. */
export function readJrd(body: unknown): { actorId: string; profileUrl: string | null } | null {
  const links = asRecord(body)?.links;
  if (!Array.isArray(links)) return null;
  let actorId: string | null = null;
  let profileUrl: string | null = null;
  for (const raw of links) {
    const link = asRecord(raw);
    if (!link) continue;
    const type = typeof link.type === 'string' ? link.type.trim().toLowerCase() : '';
    if (link.rel === 'self' && ACTIVITY_TYPES.has(type)) actorId ??= httpUrl(link.href);
    if (link.rel === 'http://webfinger.net/rel/profile-page') profileUrl ??= httpUrl(link.href);
  }
  return actorId === null ? null : { actorId, profileUrl };
}

export async function webFinger(fetch: Fetch, query: WebFingerQuery, now: () => number = Date.now): Promise<WebFingerResult> {
  const url = webFingerUrl(query);
  let response: Response;
  try {
    response = await request(fetch, url, {
      headers: { accept: 'application/jrd+json, application/json' },
      ...(query.timeoutMs === undefined ? {} : { timeoutMs: query.timeoutMs }),
      ...(query.signal ? { signal: query.signal } : {}),
    });
  } catch (error) {
    const reason = error instanceof BraidError ? error.message : `${url.host} could not be reached.`;
    return { state: 'unknown', reason, retryAfterMs: null };
  }
  if (response.status === 404 || response.status === 410) {
    await response.body?.cancel().catch(() => undefined);
    return { state: 'not-shared', status: response.status };
  }
  if (!response.ok) {
    await response.body?.cancel().catch(() => undefined);
    const reason =
      response.status === 429
        ? `${url.host} asked Braid to slow down.`
        : response.status >= 500
          ? `${url.host} is having trouble (HTTP ${response.status}).`
          : `${url.host} answered HTTP ${response.status}.`;
    return { state: 'unknown', reason, retryAfterMs: retryAfterMs(response.headers.get('retry-after'), now()) };
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    return { state: 'unknown', reason: `${url.host} sent a WebFinger answer Braid could not read.`, retryAfterMs: null };
  }
  const jrd = readJrd(body);
  if (!jrd) return { state: 'unknown', reason: `${url.host}'s WebFinger answer has no ActivityPub actor.`, retryAfterMs: null };
  return { state: 'shared', ...jrd };
}
