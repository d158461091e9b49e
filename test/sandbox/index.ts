/**
 * The sandbox Fediverse: a Threads-like server and a Mastodon-compatible server on 127.0.0.1
 * that federate with each other. Tests, benchmarks and `npm run demo` start it through
 * `startSandbox()`; `npm run sandbox` runs it from the command line (cli.ts).
 */
import { createAdminRoutes } from './core/admin-routes.ts';
import { createClock, type SandboxClock } from './core/clock.ts';
import { createFaultRegistry, type FaultRegistry } from './core/faults.ts';
import type { RateLimitOptions } from './core/rate-limit.ts';
import { createFederation, type Federation } from './federation/delivery.ts';
import { startMastodonServer, type MastodonServer } from './mastodon/server.ts';
import { seedSandbox, type SeedResult } from './seed/generate.ts';
import { startThreadsServer, type ThreadsServer } from './threads/server.ts';

import { DEMO_PASSWORD, DEMO_USERNAME } from './seed/people.ts';
export { DEMO_PASSWORD, DEMO_USERNAME, passwordFor } from './seed/people.ts';
export type { SeedResult } from './seed/generate.ts';
export type { FaultRuleInput } from './core/faults.ts';

/** Mastodon's documented default: 300 requests per 5 minutes per token. */
export const DEFAULT_RATE_LIMIT: RateLimitOptions = { max: 300, windowMs: 5 * 60_000 };
export const THREADS_APP = { appId: 'braid-sandbox-app', appSecret: 'sandbox-app-secret' } as const;

export interface SandboxOptions {
  /** Seed with this seed; `false` starts both servers empty (tests that build their own world). */
  seed?: number | false;
  /** Posts to seed across both servers (default 400). */
  posts?: number;
  onSeedProgress?: (done: number, total: number) => void;
  ports?: { threads?: number; mastodon?: number };
  /** Real ms before each ActivityPub delivery (default 0). */
  federationDelayMs?: number;
  rateLimit?: Partial<Record<'threads' | 'mastodon', RateLimitOptions>>;
  /** The servers' clock starts here (ms since the epoch); default: now. */
  clockStart?: number;
  log?: (line: string) => void;
  /** `npm run demo`: sign-in pages come filled in with the demo account, one click to allow. */
  demoSignIn?: boolean;
}

export interface Sandbox {
  threads: ThreadsServer;
  mastodon: MastodonServer;
  clock: SandboxClock;
  faults: FaultRegistry;
  federation: Federation;
  /** Undefined when started with `seed: false`. */
  seeded: SeedResult | undefined;
  stop(): Promise<void>;
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const clock = createClock(options.clockStart);
  const faults = createFaultRegistry();
  const federation = createFederation({ delayMs: options.federationDelayMs ?? 0, ...(options.log ? { log: options.log } : {}) });
  const rateLimiters: Parameters<typeof createAdminRoutes>[0]['rateLimiters'] = {};
  const common = { clock, faults, federation, adminRoutes: createAdminRoutes({ clock, faults, federation, rateLimiters }), ...(options.log ? { log: options.log } : {}),
    ...(options.demoSignIn ? { demoSignIn: { username: DEMO_USERNAME, password: DEMO_PASSWORD } } : {}),
  };
  const threads = await startThreadsServer({
    ...common,
    ...THREADS_APP,
    rateLimit: options.rateLimit?.threads ?? DEFAULT_RATE_LIMIT,
    ...(options.ports?.threads ? { port: options.ports.threads } : {}),
  });
  let mastodon: MastodonServer;
  try {
    mastodon = await startMastodonServer({
      ...common,
      rateLimit: options.rateLimit?.mastodon ?? DEFAULT_RATE_LIMIT,
      ...(options.ports?.mastodon ? { port: options.ports.mastodon } : {}),
    });
  } catch (error) {
    await threads.close();
    throw error;
  }
  rateLimiters.threads = threads.rateLimiter;
  rateLimiters.mastodon = mastodon.rateLimiter;

  // Stopping twice is harmless: a test that takes the servers down ("offline") and its fixture both stop them.
  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      federation.stop();
      faults.releaseAll();
      await Promise.all([threads.close(), mastodon.close()]);
    })();
    return stopping;
  };
  let seeded: SeedResult | undefined;
  if (options.seed !== false) {
    try {
      seeded = await seedSandbox(
        { clock, federation, threads, mastodon },
        { ...(options.seed !== undefined ? { seed: options.seed } : {}), ...(options.posts !== undefined ? { posts: options.posts } : {}), ...(options.onSeedProgress ? { onProgress: options.onSeedProgress } : {}) },
      );
    } catch (error) {
      await stop();
      throw error;
    }
  }
  return { threads, mastodon, clock, faults, federation, seeded, stop };
}
