/**
 * Helpers for the Mastodon sandbox's own tests: a fresh server per test file, driving the OAuth
 * HTML pages with plain fetch (as a browser would), and a tiny fake remote Fediverse server.
 */
import { Hono } from 'hono';
import { createClock, type SandboxClock } from '../core/clock.ts';
import { createFaultRegistry, type FaultRegistry } from '../core/faults.ts';
import { listen, type Listening } from '../core/http.ts';
import type { RateLimitOptions } from '../core/rate-limit.ts';
import { ACTIVITY_JSON } from '../federation/activities.ts';
import { createFederation, type Federation } from '../federation/delivery.ts';
import { s256 } from './oauth-core.ts';
import { startMastodonServer, type MastodonServer } from './server.ts';

export interface TestMastodon {
  server: MastodonServer;
  clock: SandboxClock;
  faults: FaultRegistry;
  federation: Federation;
  stop(): Promise<void>;
}

export async function startTestMastodon(rateLimit: RateLimitOptions = { max: 10_000, windowMs: 300_000 }): Promise<TestMastodon> {
  const clock = createClock();
  const faults = createFaultRegistry();
  const federation = createFederation({ delayMs: 0, retryBaseMs: 20, maxAttempts: 2 });
  const server = await startMastodonServer({ clock, faults, federation, rateLimit });
  return {
    server,
    clock,
    faults,
    federation,
    async stop() {
      federation.stop();
      faults.releaseAll();
      await server.close();
    },
  };
}

const unescape = (s: string): string => s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** The hidden inputs of the first form on a page. */
export function hiddenFields(page: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of page.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)) out[unescape(m[1] as string)] = unescape(m[2] as string);
  return out;
}

export interface BrowserAuthorize {
  origin: string;
  clientId: string;
  redirectUri: string;
  scope: string;
  state: string;
  verifier?: string;
  username: string;
  password: string;
  decision?: 'authorize' | 'deny';
}

/** Log in and answer the consent page; returns the final redirect's Location (or the page for oob). */
export async function authorizeInBrowser(o: BrowserAuthorize): Promise<{ location: string | null; consentPage: string; response: Response }> {
  const query = new URLSearchParams({ response_type: 'code', client_id: o.clientId, redirect_uri: o.redirectUri, scope: o.scope, state: o.state });
  if (o.verifier !== undefined) {
    query.set('code_challenge', s256(o.verifier));
    query.set('code_challenge_method', 'S256');
  }
  const loginPage = await (await fetch(`${o.origin}/oauth/authorize?${query.toString()}`)).text();
  if (!loginPage.includes('name="password"')) throw new Error(`expected a login form, got: ${loginPage.slice(0, 300)}`);
  const signIn = await fetch(`${o.origin}/auth/sign_in`, {
    method: 'POST',
    redirect: 'manual',
    body: new URLSearchParams({ ...hiddenFields(loginPage), username: o.username, password: o.password }),
  });
  const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const next = signIn.headers.get('location');
  if (signIn.status !== 303 || next === null) throw new Error(`sign in failed with ${signIn.status}`);
  const consent = await fetch(new URL(next, o.origin), { headers: { cookie }, redirect: 'manual' });
  // A user who already authorized this app with these scopes is sent straight back, as on Mastodon.
  if (consent.status === 302) return { location: consent.headers.get('location'), consentPage: '', response: consent };
  const consentPage = await consent.text();
  const response = await fetch(`${o.origin}/oauth/authorize`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie },
    body: new URLSearchParams({ ...hiddenFields(consentPage), decision: o.decision ?? 'authorize' }),
  });
  return { location: response.headers.get('location'), consentPage, response };
}

export interface FakeRemote {
  listening: Listening;
  host: string;
  origin: string;
  /** Bodies POSTed to any inbox, oldest first. */
  received: Record<string, unknown>[];
  actorId(username: string): string;
  addNote(note: Record<string, unknown>): void;
  close(): Promise<void>;
}

/** A minimal remote ActivityPub server with users `carol` and `dave`. */
export async function startFakeRemote(): Promise<FakeRemote> {
  const app = new Hono();
  const received: Record<string, unknown>[] = [];
  const notes = new Map<string, Record<string, unknown>>();
  let origin = '';
  let host = '';
  const actorId = (u: string): string => `${origin}/ap/users/${u}`;
  const ap = (body: unknown): Response => new Response(JSON.stringify(body), { headers: { 'content-type': ACTIVITY_JSON } });
  app.get('/.well-known/webfinger', (c) => {
    const m = /^acct:(carol|dave)@(.+)$/.exec(c.req.query('resource') ?? '');
    if (!m || m[2] !== host) return c.json({}, 404);
    return c.json({ subject: `acct:${m[1]}@${host}`, links: [{ rel: 'self', type: ACTIVITY_JSON, href: actorId(m[1] as string) }] });
  });
  app.get('/ap/users/:name', (c) => {
    const name = c.req.param('name');
    if (name !== 'carol' && name !== 'dave') return c.json({}, 404);
    return ap({ id: actorId(name), type: 'Person', preferredUsername: name, name: `${name} <b>remote</b>`, summary: '<p>bio<script>x()</script></p>', url: `${origin}/@${name}`, inbox: `${actorId(name)}/inbox`, endpoints: { sharedInbox: `${origin}/ap/inbox` } });
  });
  app.get('/ap/notes/:id', (c) => {
    const note = notes.get(`${origin}/ap/notes/${c.req.param('id')}`);
    return note ? ap(note) : c.json({}, 404);
  });
  app.post('/ap/*', async (c) => {
    received.push(await c.req.json<Record<string, unknown>>());
    return c.body(null, 202);
  });
  const listening = await listen(app);
  origin = listening.origin;
  host = listening.host;
  return {
    listening,
    host,
    origin,
    received,
    actorId,
    addNote: (note) => notes.set(note.id as string, note),
    close: () => listening.close(),
  };
}
