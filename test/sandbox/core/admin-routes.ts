/**
 * The sandbox's control panel over HTTP, mounted at /__sandbox on both servers, so tests that
 * run the sandbox in another process (e2e, `npm run sandbox`) can move the clock, inject
 * faults, change rate limits and wait for federation. Not part of either real API.
 *
 *   GET    /__sandbox                  → { now, clockOffsetMs, faults, deliveries, rateLimits }
 *   POST   /__sandbox/clock            { "advanceMs": 3600000 } | { "set": "2026-01-01T00:00:00Z" }
 *   GET    /__sandbox/faults           → rules
 *   POST   /__sandbox/faults           { "server": "mastodon", "method": "GET", "path": "/api/v1/timelines/home", "times": 1, "fault": { "kind": "status", "status": 503, "retryAfterSeconds": 2 } }
 *   DELETE /__sandbox/faults/:id, DELETE /__sandbox/faults
 *   POST   /__sandbox/rate-limit       { "server": "threads", "max": 10, "windowMs": 60000 }
 *   POST   /__sandbox/federation/idle  → waits until every delivery is done
 *   GET    /__sandbox/federation       → deliveries so far
 */
import { Hono } from 'hono';
import { z } from 'zod';
import type { SandboxClock } from './clock.ts';
import { faultRuleSchema, SERVER_NAMES, type FaultRegistry, type ServerName } from './faults.ts';
import type { RateLimiter } from './rate-limit.ts';
import type { Federation } from '../federation/delivery.ts';

export interface AdminTargets {
  clock: SandboxClock;
  faults: FaultRegistry;
  federation: Federation;
  /** Filled in once the servers are up. */
  rateLimiters: Partial<Record<ServerName, RateLimiter>>;
}

const clockSchema = z.union([
  z.object({ advanceMs: z.number().int().min(0) }),
  z.object({ set: z.union([z.number(), z.string()]) }),
]);
const rateLimitSchema = z.object({
  server: z.enum(SERVER_NAMES),
  max: z.number().int().min(1).optional(),
  windowMs: z.number().int().min(1).optional(),
});

async function readJson(request: Request): Promise<unknown> {
  try {
    return await request.json();
  } catch {
    return undefined;
  }
}

export function createAdminRoutes(targets: AdminTargets): Hono {
  const admin = new Hono();
  const invalid = (message: string): Response => Response.json({ error: message }, { status: 400 });
  const summary = () => ({
    now: new Date(targets.clock.now()).toISOString(),
    clockOffsetMs: targets.clock.offset(),
    faults: targets.faults.list(),
    deliveries: targets.federation.deliveries().length,
    rateLimits: Object.fromEntries(Object.entries(targets.rateLimiters).map(([name, limiter]) => [name, limiter.options()])),
  });

  admin.get('/', (c) => c.json(summary()));
  admin.post('/clock', async (c) => {
    const parsed = clockSchema.safeParse(await readJson(c.req.raw));
    if (!parsed.success) return invalid('Send { "advanceMs": <ms> } or { "set": <ISO time or epoch ms> }.');
    if ('advanceMs' in parsed.data) targets.clock.advance(parsed.data.advanceMs);
    else {
      const at = typeof parsed.data.set === 'number' ? parsed.data.set : Date.parse(parsed.data.set);
      if (!Number.isFinite(at)) return invalid(`"${String(parsed.data.set)}" is not a time.`);
      targets.clock.set(at);
    }
    return c.json(summary());
  });
  admin.get('/faults', (c) => c.json(targets.faults.list()));
  admin.post('/faults', async (c) => {
    const parsed = faultRuleSchema.safeParse(await readJson(c.req.raw));
    if (!parsed.success) return invalid(`Not a fault rule: ${z.prettifyError(parsed.error)}`);
    return c.json(targets.faults.add(parsed.data), 201);
  });
  admin.delete('/faults/:id', (c) =>
    targets.faults.remove(c.req.param('id')) ? c.body(null, 204) : c.json({ error: 'No such fault rule' }, 404),
  );
  admin.delete('/faults', (c) => {
    targets.faults.clear();
    return c.body(null, 204);
  });
  admin.post('/rate-limit', async (c) => {
    const parsed = rateLimitSchema.safeParse(await readJson(c.req.raw));
    if (!parsed.success) return invalid('Send { "server": "mastodon" | "threads", "max"?: n, "windowMs"?: ms }.');
    const { server, ...patch } = parsed.data;
    const limiter = targets.rateLimiters[server];
    if (!limiter) return invalid(`The ${server} server is not running.`);
    limiter.configure(patch);
    return c.json(limiter.options());
  });
  admin.get('/federation', (c) => c.json(targets.federation.deliveries()));
  admin.post('/federation/idle', async (c) => {
    await targets.federation.idle();
    return c.json({ deliveries: targets.federation.deliveries().length });
  });
  return admin;
}
