/**
 * Fixed-window rate limiting on the sandbox clock. Windows are aligned to the epoch, as
 * Mastodon's rack-attack throttles are, so every token's window resets at the same instant
 * (https://docs.joinmastodon.org/api/rate-limits/).
 */
import type { SandboxClock } from './clock.ts';

export interface RateLimitOptions {
  /** Requests allowed per window. */
  max: number;
  windowMs: number;
}

export interface RateLimitState {
  limit: number;
  remaining: number;
  /** When the current window ends, ms since the epoch. */
  resetAt: number;
  /** True when this request is over the limit and must be refused. */
  limited: boolean;
}

export interface RateLimiter {
  /** Count one request for `key` and say whether it may proceed. */
  hit(key: string): RateLimitState;
  options(): RateLimitOptions;
  configure(options: Partial<RateLimitOptions>): void;
  reset(): void;
}

export function createRateLimiter(initial: RateLimitOptions, clock: SandboxClock): RateLimiter {
  let options = { ...initial };
  let counts = new Map<string, { windowStart: number; count: number }>();
  return {
    hit(key) {
      const now = clock.now();
      const windowStart = Math.floor(now / options.windowMs) * options.windowMs;
      let entry = counts.get(key);
      if (!entry || entry.windowStart !== windowStart) {
        entry = { windowStart, count: 0 };
        counts.set(key, entry);
      }
      entry.count += 1;
      return {
        limit: options.max,
        remaining: Math.max(0, options.max - entry.count),
        resetAt: windowStart + options.windowMs,
        limited: entry.count > options.max,
      };
    },
    options: () => ({ ...options }),
    configure(patch) {
      options = { ...options, ...patch };
      counts = new Map();
    },
    reset() {
      counts = new Map();
    },
  };
}
