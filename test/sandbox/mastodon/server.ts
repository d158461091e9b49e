/**
 * The Mastodon-compatible sandbox server: Hono routes for the REST API, OAuth pages, streaming
 * over WebSocket and the ActivityPub surface, all on in-memory state and the sandbox clock.
 * masto.js v8 works against it unchanged (test/integration/sandbox/mastodon-*.test.ts).
 */
import { Hono } from 'hono';
import { faultMiddleware } from '../core/faults.ts';
import { listen } from '../core/http.ts';
import { createRateLimiter, type RateLimiter } from '../core/rate-limit.ts';
import type { SandboxServerOptions } from '../core/server-options.ts';
import type { MastodonAdmin } from './admin.ts';
import { createAdmin } from './admin-impl.ts';
import { authMiddleware, rateLimitMiddleware, type Env } from './api-support.ts';
import { takeDuePolls } from './compose.ts';
import { ApiError, type Ctx } from './context.ts';
import { closeDuePolls } from './interactions.ts';
import { createStore } from './model.ts';
import { createOAuthState } from './oauth-core.ts';
import { oauthPages } from './oauth-pages.ts';
import { accountRoutes } from './routes-accounts.ts';
import { apRoutes } from './routes-ap.ts';
import { instanceRoutes } from './routes-instance.ts';
import { mediaRoutes } from './routes-media.ts';
import { oauthRoutes } from './routes-oauth.ts';
import { searchRoutes } from './routes-search.ts';
import { statusRoutes } from './routes-statuses.ts';
import { timelineRoutes } from './routes-timelines.ts';
import { createStreaming } from './streaming.ts';

export interface MastodonServer {
  origin: string;
  host: string;
  port: number;
  admin: MastodonAdmin;
  rateLimiter: RateLimiter;
  close(): Promise<void>;
}

const ERROR_MESSAGES: Record<number, string> = {
  429: 'Too many requests',
  500: 'We’re sorry, but something went wrong on our end.',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

export async function startMastodonServer(options: SandboxServerOptions & { title?: string }): Promise<MastodonServer> {
  const { clock } = options;
  const store = createStore(clock, 'http://127.0.0.1', '127.0.0.1', options.title ?? 'Mastodon Sandbox');
  const log = options.log ?? ((): void => undefined);
  const authenticate = (token: string) => {
    const record = store.tokens.get(token);
    return record && !record.revoked ? record : undefined;
  };
  const streaming = createStreaming(store, authenticate);
  const ctx: Ctx = { store, federation: options.federation, streams: streaming.hub, log };
  const rateLimiter = createRateLimiter(options.rateLimit, clock);
  const oauth = createOAuthState();
  const app = new Hono<Env>();

  app.use(
    '*',
    faultMiddleware(options.faults, 'mastodon', {
      error: (c, status, retryAfterSeconds) =>
        c.json({ error: ERROR_MESSAGES[status] ?? 'Error' }, status, status === 429 || status === 503 ? { 'Retry-After': String(retryAfterSeconds ?? 30) } : {}),
      revokedToken: (c) => c.json({ error: 'The access token was revoked' }, 401),
    }),
  );
  if (options.adminRoutes) app.route('/__sandbox', options.adminRoutes);
  app.use('*', async (_c, next) => {
    closeDuePolls(ctx, takeDuePolls(ctx));
    await next();
  });
  app.use('/api/*', rateLimitMiddleware(rateLimiter, () => clock.now()));
  app.use('/api/*', authMiddleware(ctx));

  instanceRoutes(app, ctx);
  oauthRoutes(app, ctx, oauth);
  oauthPages(app, ctx, oauth, options.demoSignIn);
  accountRoutes(app, ctx);
  statusRoutes(app, ctx);
  timelineRoutes(app, ctx);
  mediaRoutes(app, ctx);
  searchRoutes(app, ctx);
  apRoutes(app, ctx);

  app.notFound((c) => c.json({ error: 'Record not found' }, 404));
  app.onError((error, c) => {
    if (error instanceof ApiError) return c.json({ error: error.message }, error.status);
    log(`[mastodon] ${c.req.method} ${c.req.path} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return c.json({ error: ERROR_MESSAGES[500] }, 500);
  });

  const listening = await listen(app, { port: options.port, onUpgrade: (req, socket, head) => streaming.handleUpgrade(req, socket, head) });
  store.origin = listening.origin;
  store.host = listening.host;
  options.federation.registerOrigin(listening.origin, (req) => Promise.resolve(app.fetch(req)));
  log(`[mastodon] listening on ${listening.origin}`);

  return {
    origin: listening.origin,
    host: listening.host,
    port: listening.port,
    admin: createAdmin(ctx),
    rateLimiter,
    async close() {
      streaming.hub.close();
      await listening.close();
    },
  };
}
