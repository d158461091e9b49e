/**
 * The sandbox's clock. Both servers read time only from here, so tests can make a Threads
 * short-lived token expire, a rate-limit window reset or a poll close without waiting.
 * It starts at real time and then moves with real time, plus whatever tests add.
 */
export interface SandboxClock {
  /** Milliseconds since the epoch, as the servers see it. */
  now(): number;
  /** Move the servers' time forward by `ms` (tests: "an hour later"). */
  advance(ms: number): void;
  /** Jump to an absolute time. */
  set(epochMs: number): void;
  /** How far the clock is from real time, in ms. */
  offset(): number;
}

export function createClock(start?: number, realNow: () => number = Date.now): SandboxClock {
  let offset = start === undefined ? 0 : start - realNow();
  return {
    now: () => realNow() + offset,
    advance(ms) {
      if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`clock.advance needs a non-negative number of ms, got ${ms}`);
      offset += ms;
    },
    set(epochMs) {
      if (!Number.isFinite(epochMs)) throw new RangeError(`clock.set needs a time in ms, got ${epochMs}`);
      offset = epochMs - realNow();
    },
    offset: () => offset,
  };
}
