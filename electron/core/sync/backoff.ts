/**
 * Exponential backoff with full jitter (the AWS Architecture Blog's "Exponential Backoff And
 * Jitter"): the wait is random in [base, min(cap, base·2^attempt)], so many clients that lost
 * the same server do not come back in step.
 */
export interface BackoffOptions {
  baseMs: number;
  capMs: number;
  random?: () => number;
}

export function backoffDelay(attempt: number, options: BackoffOptions): number {
  const random = options.random ?? Math.random;
  const base = Math.min(options.baseMs, options.capMs);
  const ceiling = Math.min(options.capMs, base * 2 ** Math.max(0, Math.min(attempt, 30)));
  return Math.round(base + random() * Math.max(0, ceiling - base));
}
