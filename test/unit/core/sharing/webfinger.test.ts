/**
 * WebFinger for a Threads profile answers only while the user shares (docs/threads-api.md,
 * Federation surface). Only a well-formed JRD with an ActivityPub `self` link may read as
 * "shared": every failure is "unknown", 404/410 alone are "not shared".
 */
import { describe, expect, it } from 'vitest';
import type { Fetch } from '../../../../electron/core/net/http';
import { readJrd, webFinger, webFingerUrl } from '../../../../electron/core/sharing/webfinger';
import { retryAfterMs } from '../../../../electron/core/sync/rate-budget';

const QUERY = { origin: 'https://www.threads.net', username: 'alice', domain: 'threads.net' } as const;
const NOW = Date.parse('2026-11-02T10:00:00Z');

const JRD = {
  subject: 'acct:alice@threads.net',
  links: [
    { rel: 'self', type: 'application/activity+json', href: 'https://threads.net/ap/users/17841400000000001/' },
    { rel: 'http://webfinger.net/rel/profile-page', type: 'text/html', href: 'https://www.threads.net/@alice' },
  ],
};

/** A fetch that answers once with `response` and records the request. */
function answering(response: () => Response): { fetch: Fetch; urls: string[] } {
  const urls: string[] = [];
  const fetch: Fetch = (input) => {
    urls.push(String(input instanceof Request ? input.url : input));
    return Promise.resolve(response());
  };
  return { fetch, urls };
}

const json = (body: unknown, status = 200, headers: Record<string, string> = {}): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/jrd+json', ...headers } });

describe('webFinger', () => {
  it('reads a JRD with an ActivityPub self link as shared, asking for acct:<user>@<domain>', async () => {
    const { fetch, urls } = answering(() => json(JRD));
    const result = await webFinger(fetch, QUERY, () => NOW);
    expect(result).toEqual({ state: 'shared', actorId: 'https://threads.net/ap/users/17841400000000001/', profileUrl: 'https://www.threads.net/@alice' });
    expect(urls).toEqual(['https://www.threads.net/.well-known/webfinger?resource=acct%3Aalice%40threads.net']);
    expect(webFingerUrl(QUERY).searchParams.get('resource')).toBe('acct:alice@threads.net');
  });

  it('accepts the ld+json ActivityStreams profile type too', async () => {
    const body = { links: [{ rel: 'self', type: 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"', href: 'https://threads.net/ap/users/1/' }] };
    const { fetch } = answering(() => json(body));
    expect((await webFinger(fetch, QUERY)).state).toBe('shared');
  });

  it.each([404, 410])('reads %i as not shared', async (status) => {
    const { fetch } = answering(() => new Response('Not Found', { status }));
    expect(await webFinger(fetch, QUERY)).toEqual({ state: 'not-shared', status });
  });

  it('reads a server that never answers as unknown within the timeout', async () => {
    const never: Fetch = (_input, init) =>
      new Promise((_resolve, reject) => {
        init?.signal?.addEventListener('abort', () => reject(init.signal?.reason as Error));
      });
    const started = Date.now();
    const result = await webFinger(never, { ...QUERY, timeoutMs: 50 });
    expect(result.state).toBe('unknown');
    expect(result.state === 'unknown' && result.reason).toMatch(/did not answer/);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('reads a refused connection as unknown, naming the host', async () => {
    const refused: Fetch = () => Promise.reject(Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }) }));
    const result = await webFinger(refused, QUERY);
    expect(result).toMatchObject({ state: 'unknown', retryAfterMs: null });
    expect(result.state === 'unknown' && result.reason).toContain('www.threads.net refused the connection');
  });

  it.each([500, 502, 503])('reads HTTP %i as unknown, never shared', async (status) => {
    const { fetch } = answering(() => json(JRD, status));
    const result = await webFinger(fetch, QUERY, () => NOW);
    expect(result.state).toBe('unknown');
    expect(result.state === 'unknown' && result.reason).toContain(`HTTP ${status}`);
  });

  it('reads a 429 as unknown and passes on its Retry-After, in seconds or as a date', async () => {
    const seconds = await webFinger(answering(() => json({}, 429, { 'retry-after': '120' })).fetch, QUERY, () => NOW);
    expect(seconds).toMatchObject({ state: 'unknown', retryAfterMs: 120_000 });
    expect(seconds.state === 'unknown' && seconds.reason).toMatch(/slow down/);
    const date = new Date(NOW + 30_000).toUTCString();
    const dated = await webFinger(answering(() => json({}, 429, { 'retry-after': date })).fetch, QUERY, () => NOW);
    expect(dated).toMatchObject({ state: 'unknown', retryAfterMs: 30_000 });
    expect(retryAfterMs(new Headers().get('retry-after'), NOW)).toBeNull();
  });

  it('reads a 200 HTML page as unknown', async () => {
    const { fetch } = answering(() => new Response('<!doctype html><title>Threads</title>', { status: 200, headers: { 'content-type': 'text/html' } }));
    const result = await webFinger(fetch, QUERY);
    expect(result.state).toBe('unknown');
  });

  it.each([
    ['no links', { subject: 'acct:alice@threads.net' }],
    ['only a profile page', { links: [{ rel: 'http://webfinger.net/rel/profile-page', href: 'https://www.threads.net/@alice' }] }],
    ['a self link of another type', { links: [{ rel: 'self', type: 'text/html', href: 'https://threads.net/ap/users/1/' }] }],
    ['a self link that is not http(s)', { links: [{ rel: 'self', type: 'application/activity+json', href: 'javascript:alert(1)' }] }],
    ['links that are not a list', { links: 'self' }],
  ])('reads a JRD with %s as unknown', async (_name, body) => {
    const { fetch } = answering(() => json(body));
    const result = await webFinger(fetch, QUERY);
    expect(result.state).toBe('unknown');
    expect(readJrd(body)).toBeNull();
  });
});
