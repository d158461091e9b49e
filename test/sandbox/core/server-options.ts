/** What every sandbox server is given by startSandbox (or by a test that starts one alone). */
import type { Hono } from 'hono';
import type { SandboxClock } from './clock.ts';
import type { FaultRegistry } from './faults.ts';
import type { RateLimitOptions } from './rate-limit.ts';
import type { Federation } from '../federation/delivery.ts';

export interface SandboxServerOptions {
  clock: SandboxClock;
  faults: FaultRegistry;
  federation: Federation;
  rateLimit: RateLimitOptions;
  /** 0 or omitted: a random free port. */
  port?: number;
  /** Mounted at /__sandbox (clock, faults, federation control over HTTP for out-of-process tests). */
  adminRoutes?: Hono;
  /**
   * `npm run demo`: the sign-in page comes filled in with this account and one button signs in
   * and allows the app (a sandbox-only shortcut, documented in docs/sandbox.md).
   */
  demoSignIn?: { username: string; password: string };
  /** One line per notable event (deliveries, logins); silent when omitted. */
  log?: (line: string) => void;
}
