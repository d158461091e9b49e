/**
 * Looking a Threads post up from the user's Mastodon account (GET /api/v2/search with
 * resolve=true): found by its permalink → shared; nothing found → not shared; every failure
 * → unknown, never shared.
 */
import { describe, expect, it } from 'vitest';
import type { Fetch } from '../../../../electron/core/net/http';
import { searchPost } from '../../../../electron/core/sharing/post-search';

const PERMALINK = 'https://www.threads.net/@alice/post/C1a2b3';
const QUERY = { server: 'https://mastodon.social', token: 'secret-token', permalink: PERMALINK } as const;
const NOW = Date.parse('2026-11-02T10:00:00Z');

function answering(response: () => Response): { fetch: Fetch; calls: { url: URL; headers: Headers }[] } {
  const calls: { url: URL; headers: Headers }[] = [];
  const fetch: Fetch = (input, init) => {
    calls.push({ url: new URL(String(input instanceof Request ? input.url : input)), headers: new Headers(init?.headers) });
    return Promise.resolve(response());
  };
  return { fetch, calls };
}

const json = (body: unknown, status = 200, headers: Record<string, string> = {}): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

const status = (url: string | null, uri: string) => ({ id: '1', url, uri, content: '<p>hi</p>' });

describe('searchPost', () => {
  it('asks the Mastodon server to resolve the permalink, with the token in the Authorization header', async () => {
    const { fetch, calls } = answering(() => json({ accounts: [], statuses: [], hashtags: [] }));
    await searchPost(fetch, QUERY);
    expect(calls).toHaveLength(1);
    const { url, headers } = calls[0] as { url: URL; headers: Headers };
    expect(url.origin + url.pathname).toBe('https://mastodon.social/api/v2/search');
    expect(Object.fromEntries(url.searchParams)).toEqual({ q: PERMALINK, resolve: 'true', type: 'statuses', limit: '1' });
    expect(headers.get('authorization')).toBe('Bearer secret-token');
    expect(url.href).not.toContain('secret-token');
  });

  it('reads a status whose url is the permalink (scheme, www. and trailing slash aside) as shared', async () => {
    const { fetch } = answering(() => json({ statuses: [status('http://threads.net/@alice/post/C1a2b3/', 'https://threads.net/ap/users/1/post/9/')] }));
    expect(await searchPost(fetch, QUERY)).toEqual({ state: 'shared', statusUrl: 'http://threads.net/@alice/post/C1a2b3/' });
  });

  it('reads a status whose uri is the permalink as shared', async () => {
    const { fetch } = answering(() => json({ statuses: [status(null, PERMALINK)] }));
    expect((await searchPost(fetch, QUERY)).state).toBe('shared');
  });

  it('reads an empty answer as not shared', async () => {
    const { fetch } = answering(() => json({ accounts: [], statuses: [], hashtags: [] }));
    expect(await searchPost(fetch, QUERY)).toEqual({ state: 'not-shared' });
  });

  it('reads a different post as unknown, not shared', async () => {
    const { fetch } = answering(() => json({ statuses: [status('https://www.threads.net/@alice/post/OTHER', 'https://threads.net/ap/users/1/post/8/')] }));
    const result = await searchPost(fetch, QUERY);
    expect(result).toMatchObject({ state: 'unknown', rateLimited: false });
  });

  it.each([
    [401, /did not accept Braid's sign-in/],
    [403, /did not accept Braid's sign-in/],
    [500, /having trouble \(HTTP 500\)/],
    [502, /having trouble \(HTTP 502\)/],
    [422, /HTTP 422/],
  ])('reads HTTP %i as unknown', async (code, reason) => {
    const { fetch } = answering(() => json({ error: 'nope' }, code));
    const result = await searchPost(fetch, QUERY);
    expect(result.state).toBe('unknown');
    expect(result.state === 'unknown' && result.reason).toMatch(reason);
  });

  it('reads a 429 as unknown and rate limited, with its Retry-After', async () => {
    const seen: number[] = [];
    const { fetch } = answering(() => json({ error: 'Too many requests' }, 429, { 'retry-after': '90', 'x-ratelimit-remaining': '0' }));
    const result = await searchPost(fetch, { ...QUERY, onResponse: (code) => seen.push(code) }, () => NOW);
    expect(result).toMatchObject({ state: 'unknown', rateLimited: true, retryAfterMs: 90_000 });
    expect(seen).toEqual([429]);
  });

  it('reads an answer that is not JSON, or has no statuses, as unknown', async () => {
    expect((await searchPost(answering(() => new Response('<html>', { status: 200 })).fetch, QUERY)).state).toBe('unknown');
    expect((await searchPost(answering(() => json({ accounts: [] })).fetch, QUERY)).state).toBe('unknown');
  });

  it('reads a server that never answers as unknown within the timeout', async () => {
    const never: Fetch = (_input, init) =>
      new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal?.reason as Error)));
    const result = await searchPost(never, { ...QUERY, timeoutMs: 50 });
    expect(result.state).toBe('unknown');
    expect(result.state === 'unknown' && result.reason).toMatch(/did not answer/);
  });

  it('passes a cancellation on instead of reading it as an answer', async () => {
    const abort = new AbortController();
    const never: Fetch = (_input, init) =>
      new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal?.reason as Error)));
    const pending = searchPost(never, { ...QUERY, signal: abort.signal });
    abort.abort();
    await expect(pending).rejects.toThrow();
  });
});
