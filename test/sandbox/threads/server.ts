/**
 * The Threads-like sandbox server: Threads Graph API shapes (graph.threads.net, under /v1.0 and
 * unversioned), its OAuth dialog, Braid's `braid_` extensions and the ActivityPub side of Threads'
 * Fediverse sharing. State lives in memory; time comes from the sandbox clock.
 * What it speaks is documented in docs/threads-api.md.
 */
import { Hono } from 'hono';
import type { HttpBindings } from '@hono/node-server';
import { faultMiddleware } from '../core/faults.ts';
import { listen } from '../core/http.ts';
import { createRateLimiter, type RateLimiter } from '../core/rate-limit.ts';
import type { SandboxServerOptions } from '../core/server-options.ts';
import type { ThreadsAdmin } from './admin.ts';
import { createAdmin } from './admin-impl.ts';
import { apRoutes } from './ap-routes.ts';
import type { GraphEnv } from './auth.ts';
import type { ThreadsContext } from './context.ts';
import { appRateLimited, errorResponse, GraphError, revokedToken, unexpected, unknownPath } from './errors.ts';
import { registerExtensionRoutes } from './extensions.ts';
import { registerPublishRoutes } from './graph-publish.ts';
import { registerReadRoutes } from './graph-read.ts';
import { oauthRoutes } from './oauth.ts';
import { createStore } from './store.ts';
import { mountPlaceholderMedia } from '../core/placeholder-media.ts';

export interface ThreadsServer {
  origin: string;
  host: string;
  port: number;
  admin: ThreadsAdmin;
  rateLimiter: RateLimiter;
  close(): Promise<void>;
}

export const DEFAULT_APP_ID = 'braid-sandbox-app';
export const DEFAULT_APP_SECRET = 'sandbox-app-secret';

export async function startThreadsServer(options: SandboxServerOptions & { appId?: string; appSecret?: string }): Promise<ThreadsServer> {
  let activityCounter = 0;
  const ctx: ThreadsContext = {
    store: createStore(options.clock),
    options,
    appId: options.appId ?? DEFAULT_APP_ID,
    appSecret: options.appSecret ?? DEFAULT_APP_SECRET,
    rateLimiter: createRateLimiter(options.rateLimit, options.clock),
    origin: '',
    host: '',
    nextActivityId: () => `${ctx.origin}/ap/activities/${(activityCounter += 1)}`,
    log: (line) => options.log?.(line),
  };

  const app = new Hono<{ Bindings: HttpBindings }>();
  app.use(
    '*',
    faultMiddleware(options.faults, 'threads', {
      error: (c, status, retryAfterSeconds) => {
        const error = status === 429 ? appRateLimited(retryAfterSeconds) : unexpected(status);
        if (status === 503 && retryAfterSeconds !== undefined) c.header('retry-after', String(retryAfterSeconds));
        return errorResponse(c, error);
      },
      revokedToken: (c) => errorResponse(c, revokedToken()),
    }),
  );
  if (options.adminRoutes) app.route('/__sandbox', options.adminRoutes);

  mountPlaceholderMedia(app);
  app.route('/', oauthRoutes(ctx));
  app.route('/', apRoutes(ctx));

  const graph = new Hono<GraphEnv>();
  registerExtensionRoutes(graph, ctx);
  registerPublishRoutes(graph, ctx);
  registerReadRoutes(graph, ctx);
  app.route('/v1.0', graph);
  app.route('/', graph);

  app.notFound((c) => errorResponse(c, unknownPath(c.req.path)));
  app.onError((error, c) => {
    if (error instanceof GraphError) return errorResponse(c, error);
    console.error('[sandbox threads] unexpected error', error);
    return errorResponse(c, unexpected(500));
  });

  const listening = await listen(app, options.port === undefined ? {} : { port: options.port });
  ctx.origin = listening.origin;
  ctx.host = listening.host;
  options.federation.registerOrigin(listening.origin, (request) => Promise.resolve(app.fetch(request)));
  return {
    origin: listening.origin,
    host: listening.host,
    port: listening.port,
    admin: createAdmin(ctx),
    rateLimiter: ctx.rateLimiter,
    close: () => listening.close(),
  };
}
