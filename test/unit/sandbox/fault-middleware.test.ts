/**
 * Each injected fault as a client sees it over real HTTP, the admin routes that let
 * out-of-process tests set them, and the placeholder images the servers serve.
 */
import { Hono } from 'hono';
import type { HttpBindings } from '@hono/node-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAdminRoutes } from '../../sandbox/core/admin-routes.ts';
import { createClock } from '../../sandbox/core/clock.ts';
import { createFaultRegistry, faultMiddleware, type FaultRegistry } from '../../sandbox/core/faults.ts';
import { listen, type Listening } from '../../sandbox/core/http.ts';
import { mountPlaceholderMedia, placeholderUrl } from '../../sandbox/core/placeholder-media.ts';
import { createRateLimiter } from '../../sandbox/core/rate-limit.ts';
import { createFederation } from '../../sandbox/federation/delivery.ts';

let faults: FaultRegistry;
let server: Listening;
const clock = createClock();

beforeEach(async () => {
  faults = createFaultRegistry();
  const app = new Hono<{ Bindings: HttpBindings }>();
  app.use(
    faultMiddleware(faults, 'mastodon', {
      error: (c, status, retryAfter) => c.json({ error: `injected ${status}` }, status, retryAfter === undefined ? {} : { 'retry-after': String(retryAfter) }),
      revokedToken: (c) => c.json({ error: 'The access token was revoked' }, 401),
    }),
  );
  app.route('/__sandbox', createAdminRoutes({ clock, faults, federation: createFederation(), rateLimiters: { mastodon: createRateLimiter({ max: 300, windowMs: 300_000 }, clock) } }));
  mountPlaceholderMedia(app);
  app.get('/api/v1/thing', (c) => c.json({ id: '1', text: 'x'.repeat(2000) }));
  server = await listen(app);
});

afterEach(async () => {
  faults.releaseAll();
  await server.close();
});

const get = (init?: RequestInit): Promise<Response> => fetch(`${server.origin}/api/v1/thing`, init);
const inject = (fault: unknown): Promise<Response> =>
  fetch(`${server.origin}/__sandbox/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ path: '/api/v1/thing', times: 1, fault }) });

describe('fault middleware', () => {
  it('answers normally without a rule, and again after a one-time rule fired', async () => {
    expect((await get()).status).toBe(200);
    expect((await inject({ kind: 'status', status: 429, retryAfterSeconds: 7 })).status).toBe(201);
    const limited = await get();
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect(await limited.json()).toEqual({ error: 'injected 429' });
    expect((await get()).status).toBe(200);
  });

  it("gives the server's own revoked-token answer", async () => {
    await inject({ kind: 'revoked-token' });
    const response = await get();
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: 'The access token was revoked' });
  });

  it('sends malformed JSON and HTML where JSON was expected', async () => {
    await inject({ kind: 'malformed-json' });
    const malformed = await get();
    expect(malformed.headers.get('content-type')).toContain('application/json');
    await expect(malformed.json()).rejects.toThrow(SyntaxError);
    await inject({ kind: 'html' });
    const html = await get();
    expect(html.headers.get('content-type')).toContain('text/html');
    expect(await html.text()).toContain('Bad Gateway');
  });

  it('resets the connection', async () => {
    await inject({ kind: 'reset' });
    await expect(get()).rejects.toThrow();
  });

  it('cuts the body short of its Content-Length', async () => {
    await inject({ kind: 'truncated' });
    const response = await get();
    expect(response.status).toBe(200);
    await expect(response.text()).rejects.toThrow();
  });

  it('never answers a timed-out request, so the client must give up', async () => {
    await inject({ kind: 'timeout' });
    await expect(get({ signal: AbortSignal.timeout(300) })).rejects.toThrow(/abort|timeout/i);
    expect((await get()).status).toBe(200);
  });

  it('adds latency and still answers', async () => {
    await inject({ kind: 'latency', ms: 50 });
    const started = performance.now();
    expect((await get()).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(45);
  });
});

describe('admin routes', () => {
  it('moves the clock, lists and clears faults, and changes rate limits', async () => {
    const before = clock.now();
    const moved = await fetch(`${server.origin}/__sandbox/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ advanceMs: 3_600_000 }) });
    expect(moved.status).toBe(200);
    expect(clock.now() - before).toBeGreaterThanOrEqual(3_600_000);

    await inject({ kind: 'reset' });
    expect(((await (await fetch(`${server.origin}/__sandbox/faults`)).json()) as unknown[]).length).toBe(1);
    expect((await fetch(`${server.origin}/__sandbox/faults`, { method: 'DELETE' })).status).toBe(204);
    expect((await get()).status).toBe(200);

    const limit = await fetch(`${server.origin}/__sandbox/rate-limit`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ server: 'mastodon', max: 5 }) });
    expect(await limit.json()).toEqual({ max: 5, windowMs: 300_000 });
    const notRunning = await fetch(`${server.origin}/__sandbox/rate-limit`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ server: 'threads', max: 5 }) });
    expect(notRunning.status).toBe(400);
  });

  it('refuses a malformed fault rule with a message', async () => {
    const response = await fetch(`${server.origin}/__sandbox/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"path":"/x","fault":{"kind":"explode"}}' });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toContain('Not a fault rule');
  });
});

describe('placeholder images', () => {
  it('serves placeholder images and refuses odd names', async () => {
    const image = await fetch(placeholderUrl(server.origin, 'sunrise', { label: '<script>' }));
    expect(image.headers.get('content-type')).toBe('image/svg+xml');
    const svg = await image.text();
    expect(svg).toContain('&lt;script&gt;');
    expect(svg).not.toContain('<script>');
    expect((await fetch(`${server.origin}/media/..%2Fetc.svg`)).status).toBe(404);
    expect((await fetch(placeholderUrl(server.origin, 'avatar-bob.builds'))).status).toBe(200);
  });
});
