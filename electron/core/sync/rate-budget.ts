/**
 * One request budget per account. Every sync request waits here first. The budget reads what
 * the server says about its limits — Mastodon's `X-RateLimit-Limit/Remaining/Reset`
 * (docs.joinmastodon.org/api/rate-limits), Meta's `X-App-Usage` percentage, and `Retry-After`
 * on a 429 or 503 — and keeps a reserve: background work (backfill, gap filling) stops well
 * before the limit so that live work and the user's own actions still fit, and nothing Braid
 * does on its own should ever be answered with a 429.
 */
export type RequestPriority = 'live' | 'background';

export interface RateBudgetOptions {
  now: () => number;
  /** Wait used after a rate-limit answer that names no time (Meta's codes 4 and 17). */
  defaultPauseMs?: number;
  /** Fraction of the allowance background work leaves unused. */
  reserve?: number;
  /** Smallest pause between two requests of one account, so a long backfill is gentle. */
  minIntervalMs?: number;
}

export interface RateBudgetState {
  limit: number | null;
  remaining: number | null;
  resetAt: number | null;
  /** Meta's usage, 0–100. */
  usagePercent: number | null;
  blockedUntil: number | null;
}

export class RateBudget {
  readonly #options: Required<RateBudgetOptions>;
  #state: RateBudgetState = { limit: null, remaining: null, resetAt: null, usagePercent: null, blockedUntil: null };
  #lastRequestAt = Number.NEGATIVE_INFINITY;
  /** When the usage percentage was last read: a high one pauses for a while from then, not forever. */
  #usageSeenAt = Number.NEGATIVE_INFINITY;

  constructor(options: RateBudgetOptions) {
    this.#options = { defaultPauseMs: 60_000, reserve: 0.2, minIntervalMs: 0, ...options };
  }

  get state(): Readonly<RateBudgetState> {
    return this.#state;
  }

  /** How long a request of this priority must wait now; 0 when it may go. */
  delayFor(priority: RequestPriority): number {
    const now = this.#options.now();
    const { blockedUntil, remaining, limit, resetAt, usagePercent } = this.#state;
    let until = Math.max(blockedUntil ?? 0, this.#lastRequestAt + this.#options.minIntervalMs);
    if (remaining !== null && resetAt !== null && resetAt > now) {
      const keep = priority === 'live' ? 1 : Math.max(2, Math.ceil((limit ?? 300) * this.#options.reserve));
      if (remaining <= keep) until = Math.max(until, resetAt);
    }
    if (usagePercent !== null && usagePercent >= (priority === 'live' ? 95 : 100 - this.#options.reserve * 100)) {
      // Meta gives no reset time: let the window move on, then one request reads the usage again.
      until = Math.max(until, this.#usageSeenAt + this.#options.defaultPauseMs);
    }
    return Math.max(0, until - now);
  }

  /** Note that a request is going out now (keeps the count right between answers). */
  spend(): void {
    this.#lastRequestAt = this.#options.now();
    if (this.#state.remaining !== null) this.#state.remaining = Math.max(0, this.#state.remaining - 1);
  }

  /** Reads a response's headers. `status` 429 (or a Meta rate-limit code) blocks until the server's time. */
  observe(headers: Headers, status: number, rateLimited = status === 429): void {
    const now = this.#options.now();
    const limit = intHeader(headers, 'x-ratelimit-limit');
    const remaining = intHeader(headers, 'x-ratelimit-remaining');
    const reset = headers.get('x-ratelimit-reset');
    if (limit !== null) this.#state.limit = limit;
    if (remaining !== null) this.#state.remaining = remaining;
    if (reset) {
      const at = Date.parse(reset);
      if (Number.isFinite(at)) this.#state.resetAt = at;
    }
    const usage = headers.get('x-app-usage');
    if (usage) {
      this.#state.usagePercent = metaUsage(usage);
      this.#usageSeenAt = now;
    }
    const retryAfter = retryAfterMs(headers.get('retry-after'), now);
    if (rateLimited || (status === 503 && retryAfter !== null)) {
      const wait = retryAfter ?? (this.#state.resetAt !== null && this.#state.resetAt > now ? this.#state.resetAt - now : this.#options.defaultPauseMs);
      this.#state.blockedUntil = now + wait;
      if (rateLimited) this.#state.remaining = 0;
    } else if (this.#state.blockedUntil !== null && this.#state.blockedUntil <= now) {
      this.#state.blockedUntil = null;
    }
  }

  /** A rate-limit answer whose headers Braid could not see (e.g. inside an error). */
  block(forMs: number): void {
    this.#state.blockedUntil = this.#options.now() + forMs;
  }
}

function intHeader(headers: Headers, name: string): number | null {
  const value = headers.get(name);
  if (value === null || !/^\d+$/.test(value.trim())) return null;
  return Number(value.trim());
}

/** `Retry-After` is seconds or an HTTP date (RFC 9110 §10.2.3). */
export function retryAfterMs(value: string | null, now: number): number | null {
  if (value === null) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  // Only an IMF-fixdate ("Wed, 21 Oct 2015 07:28:00 GMT"); Date.parse would read "1.5" as a year.
  if (!/GMT$/.test(trimmed)) return null;
  const at = Date.parse(trimmed);
  return Number.isFinite(at) ? Math.max(0, at - now) : null;
}

/** The highest of Meta's usage percentages (`call_count`, `total_cputime`, `total_time`). */
function metaUsage(value: string): number | null {
  try {
    const parsed = JSON.parse(value) as Record<string, unknown>;
    const numbers = ['call_count', 'total_cputime', 'total_time'].map((key) => parsed[key]).filter((n): n is number => typeof n === 'number');
    return numbers.length > 0 ? Math.max(...numbers) : null;
  } catch {
    return null;
  }
}
