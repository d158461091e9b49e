/**
 * Helpers for the Threads-like server's integration tests (test/integration/sandbox/threads-*):
 * one server on its own clock, a Graph API caller, and a minimal fake Fediverse server that
 * serves actors and records what is delivered to its inboxes.
 */
import { Hono, type Context } from 'hono';
import { createClock, type SandboxClock } from '../core/clock.ts';
import { createFaultRegistry, type FaultRegistry } from '../core/faults.ts';
import { listen } from '../core/http.ts';
import type { RateLimitOptions } from '../core/rate-limit.ts';
import { createFederation, type Federation } from '../federation/delivery.ts';
import { startThreadsServer, type ThreadsServer } from './server.ts';

export interface TestThreads {
  server: ThreadsServer;
  clock: SandboxClock;
  faults: FaultRegistry;
  federation: Federation;
  /** Fetch a Graph path (e.g. `/v1.0/me?fields=id`) with a token as a Bearer header. */
  graph(path: string, token?: string, init?: RequestInit): Promise<Response>;
  stop(): Promise<void>;
}

export async function startTestThreads(rateLimit: RateLimitOptions = { max: 10_000, windowMs: 3600_000 }): Promise<TestThreads> {
  const clock = createClock();
  const faults = createFaultRegistry();
  const federation = createFederation({ retryBaseMs: 10, maxAttempts: 2 });
  const server = await startThreadsServer({ clock, faults, federation, rateLimit });
  return {
    server,
    clock,
    faults,
    federation,
    graph: (path, token, init = {}) => {
      const headers = new Headers(init.headers);
      if (token !== undefined) headers.set('authorization', `Bearer ${token}`);
      return fetch(`${server.origin}${path}`, { ...init, headers });
    },
    stop: async () => {
      federation.stop();
      faults.releaseAll();
      await server.close();
    },
  };
}

/** POST a form to the Graph API. */
export function form(values: Record<string, string>): RequestInit {
  return { method: 'POST', body: new URLSearchParams(values) };
}

export interface FakeFediverse {
  origin: string;
  host: string;
  actorId(username: string): string;
  /** Everything POSTed to any inbox, oldest first. */
  received: { inbox: string; activity: Record<string, unknown> }[];
  close(): Promise<void>;
}

/** A stand-in Mastodon: `/users/<name>` actors with `/users/<name>/inbox` and a shared `/inbox`. */
export async function startFakeFediverse(): Promise<FakeFediverse> {
  const app = new Hono();
  const received: FakeFediverse['received'] = [];
  let origin = '';
  app.get('/users/:name', (c) => {
    const id = `${origin}/users/${c.req.param('name')}`;
    return c.json(
      { id, type: 'Person', preferredUsername: c.req.param('name'), name: c.req.param('name'), inbox: `${id}/inbox`, endpoints: { sharedInbox: `${origin}/inbox` }, url: `${origin}/@${c.req.param('name')}` },
      200,
      { 'content-type': 'application/activity+json' },
    );
  });
  const record = async (c: Context): Promise<Response> => {
    received.push({ inbox: c.req.url, activity: await c.req.json<Record<string, unknown>>() });
    return c.body(null, 202);
  };
  app.post('/inbox', record);
  app.post('/users/:name/inbox', record);
  const listening = await listen(app);
  origin = listening.origin;
  return { origin, host: listening.host, actorId: (username) => `${origin}/users/${username}`, received, close: () => listening.close() };
}
