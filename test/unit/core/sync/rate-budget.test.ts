import { beforeEach, describe, expect, it } from 'vitest';
import { RateBudget, retryAfterMs } from '../../../../electron/core/sync/rate-budget';

// On a whole second, so an HTTP date (second precision) names an exact time.
const START = Date.parse('2026-03-01T12:00:00.000Z');
let clock: number;
const now = () => clock;

beforeEach(() => {
  clock = START;
});

/** What Mastodon sends with every answer (docs.joinmastodon.org/api/rate-limits). */
function mastodonHeaders(limit: number, remaining: number, resetInMs: number, extra: Record<string, string> = {}): Headers {
  return new Headers({
    'X-RateLimit-Limit': String(limit),
    'X-RateLimit-Remaining': String(remaining),
    'X-RateLimit-Reset': new Date(clock + resetInMs).toISOString(),
    ...extra,
  });
}

const delays = (budget: RateBudget) => ({ live: budget.delayFor('live'), background: budget.delayFor('background') });

describe('RateBudget', () => {
  it('lets everything go before the server has said anything', () => {
    expect(delays(new RateBudget({ now }))).toEqual({ live: 0, background: 0 });
  });

  describe('Mastodon X-RateLimit headers', () => {
    it('let both kinds of work go while plenty is left', () => {
      const budget = new RateBudget({ now });
      budget.observe(mastodonHeaders(300, 200, 300_000), 200);
      expect(budget.state).toMatchObject({ limit: 300, remaining: 200, resetAt: START + 300_000 });
      expect(delays(budget)).toEqual({ live: 0, background: 0 });
    });

    it('stop background work at the reserve (a fifth of the limit) until the window resets, and keep live work going', () => {
      const budget = new RateBudget({ now });
      budget.observe(mastodonHeaders(300, 61, 120_000), 200);
      expect(delays(budget)).toEqual({ live: 0, background: 0 });
      budget.observe(mastodonHeaders(300, 60, 120_000), 200);
      expect(delays(budget)).toEqual({ live: 0, background: 120_000 });
      clock += 20_000;
      expect(budget.delayFor('background')).toBe(100_000);
      clock = START + 120_000;
      expect(delays(budget)).toEqual({ live: 0, background: 0 });
    });

    it('hold back live work only for the very last request', () => {
      const budget = new RateBudget({ now });
      budget.observe(mastodonHeaders(300, 2, 60_000), 200);
      expect(budget.delayFor('live')).toBe(0);
      budget.observe(mastodonHeaders(300, 1, 60_000), 200);
      expect(budget.delayFor('live')).toBe(60_000);
    });

    it('keep at least two requests back from background work on a small allowance', () => {
      const budget = new RateBudget({ now });
      budget.observe(mastodonHeaders(5, 3, 10_000), 200);
      expect(budget.delayFor('background')).toBe(0);
      budget.observe(mastodonHeaders(5, 2, 10_000), 200);
      expect(budget.delayFor('background')).toBe(10_000);
    });

    it('honour a custom reserve', () => {
      const budget = new RateBudget({ now, reserve: 0.5 });
      budget.observe(mastodonHeaders(100, 50, 10_000), 200);
      expect(delays(budget)).toEqual({ live: 0, background: 10_000 });
    });

    it('ignore headers that are not numbers or dates', () => {
      const budget = new RateBudget({ now });
      budget.observe(new Headers({ 'X-RateLimit-Limit': 'lots', 'X-RateLimit-Remaining': '-1', 'X-RateLimit-Reset': 'soon' }), 200);
      expect(budget.state).toMatchObject({ limit: null, remaining: null, resetAt: null });
      expect(delays(budget)).toEqual({ live: 0, background: 0 });
    });
  });

  describe('spend', () => {
    it('counts requests down between answers, so a burst stops at the reserve before the next answer', () => {
      const budget = new RateBudget({ now });
      budget.observe(mastodonHeaders(300, 63, 60_000), 200);
      let sent = 0;
      while (budget.delayFor('background') === 0) {
        budget.spend();
        sent += 1;
        if (sent > 10) break;
      }
      expect(sent).toBe(3);
      expect(budget.state.remaining).toBe(60);
      expect(budget.delayFor('live')).toBe(0);
    });

    it('never counts below zero', () => {
      const budget = new RateBudget({ now });
      budget.observe(mastodonHeaders(300, 1, 60_000), 200);
      budget.spend();
      budget.spend();
      expect(budget.state.remaining).toBe(0);
    });

    it('keeps the smallest pause between two requests', () => {
      const budget = new RateBudget({ now, minIntervalMs: 250 });
      expect(budget.delayFor('background')).toBe(0);
      budget.spend();
      expect(delays(budget)).toEqual({ live: 250, background: 250 });
      clock += 100;
      expect(budget.delayFor('live')).toBe(150);
      clock += 150;
      expect(budget.delayFor('live')).toBe(0);
    });
  });

  describe('Retry-After and 429', () => {
    it('blocks everything for Retry-After seconds after a 429', () => {
      const budget = new RateBudget({ now });
      budget.observe(new Headers({ 'Retry-After': '30' }), 429);
      expect(budget.state.blockedUntil).toBe(START + 30_000);
      expect(delays(budget)).toEqual({ live: 30_000, background: 30_000 });
      clock += 30_000;
      expect(delays(budget)).toEqual({ live: 0, background: 0 });
    });

    it('reads Retry-After as an HTTP date', () => {
      const budget = new RateBudget({ now });
      budget.observe(new Headers({ 'Retry-After': new Date(START + 90_000).toUTCString() }), 429);
      expect(budget.delayFor('live')).toBe(90_000);
    });

    it('uses the reset time of a 429 that names no Retry-After', () => {
      const budget = new RateBudget({ now });
      budget.observe(mastodonHeaders(300, 0, 45_000), 429);
      expect(budget.state.blockedUntil).toBe(START + 45_000);
      expect(delays(budget)).toEqual({ live: 45_000, background: 45_000 });
    });

    it('pauses for the default time after a 429 that names no time at all', () => {
      const budget = new RateBudget({ now, defaultPauseMs: 15_000 });
      budget.observe(new Headers(), 429);
      expect(delays(budget)).toEqual({ live: 15_000, background: 15_000 });
    });

    it('treats a rate-limit answer that is not a 429 (Meta’s error codes) like one', () => {
      const budget = new RateBudget({ now, defaultPauseMs: 15_000 });
      budget.observe(new Headers(), 400, true);
      expect(budget.delayFor('live')).toBe(15_000);
    });

    it('counts nothing left after a 429, until the window resets', () => {
      const budget = new RateBudget({ now });
      budget.observe(mastodonHeaders(300, 250, 120_000, { 'Retry-After': '10' }), 429);
      expect(budget.state.remaining).toBe(0);
      clock += 10_000;
      expect(budget.delayFor('live')).toBe(110_000);
    });

    it('waits for a 503 that says when to come back, and not for one that does not', () => {
      const said = new RateBudget({ now });
      said.observe(new Headers({ 'Retry-After': '5' }), 503);
      expect(said.delayFor('live')).toBe(5_000);
      const silent = new RateBudget({ now });
      silent.observe(new Headers(), 503);
      expect(silent.delayFor('live')).toBe(0);
    });

    it('forgets a block that has run out when the next answer is fine', () => {
      const budget = new RateBudget({ now });
      budget.observe(new Headers({ 'Retry-After': '1' }), 429);
      clock += 1_000;
      budget.observe(mastodonHeaders(300, 299, 300_000), 200);
      expect(budget.state.blockedUntil).toBeNull();
      expect(delays(budget)).toEqual({ live: 0, background: 0 });
    });
  });

  describe('Meta X-App-Usage', () => {
    const usage = (callCount: number, cpu = 0, time = 0) => new Headers({ 'X-App-Usage': JSON.stringify({ call_count: callCount, total_cputime: cpu, total_time: time }) });

    it('stops background work first, at 80 %, and live work at 95 %', () => {
      const budget = new RateBudget({ now, defaultPauseMs: 60_000 });
      budget.observe(usage(79), 200);
      expect(delays(budget)).toEqual({ live: 0, background: 0 });
      budget.observe(usage(80), 200);
      expect(delays(budget)).toEqual({ live: 0, background: 60_000 });
      budget.observe(usage(95), 200);
      expect(delays(budget)).toEqual({ live: 60_000, background: 60_000 });
    });

    it('goes by the highest of the three percentages', () => {
      const budget = new RateBudget({ now });
      budget.observe(usage(10, 85, 20), 200);
      expect(budget.state.usagePercent).toBe(85);
      expect(delays(budget)).toMatchObject({ live: 0, background: 60_000 });
      budget.observe(usage(10, 20, 96), 200);
      expect(budget.state.usagePercent).toBe(96);
    });

    it('lets background work go again once an answer shows usage has dropped', () => {
      const budget = new RateBudget({ now });
      budget.observe(usage(90), 200);
      expect(budget.delayFor('background')).toBeGreaterThan(0);
      budget.observe(usage(40), 200);
      expect(budget.delayFor('background')).toBe(0);
    });

    it('pauses for a while after a high reading, then lets one request read the usage again', () => {
      const budget = new RateBudget({ now, defaultPauseMs: 60_000 });
      budget.observe(usage(97), 200);
      expect(delays(budget)).toEqual({ live: 60_000, background: 60_000 });
      clock += 20_000;
      expect(delays(budget)).toEqual({ live: 40_000, background: 40_000 });
      // A day later nothing new has been read: the pause is over, not renewed forever.
      clock += 86_400_000;
      expect(delays(budget)).toEqual({ live: 0, background: 0 });
    });

    it('ignores a usage header it cannot read', () => {
      const budget = new RateBudget({ now });
      for (const value of ['not json', '{"call_count":"lots"}', '[]']) {
        budget.observe(new Headers({ 'X-App-Usage': value }), 200);
        expect(budget.state.usagePercent, value).toBeNull();
        expect(delays(budget)).toEqual({ live: 0, background: 0 });
      }
    });
  });

  describe('block', () => {
    it('blocks everything for the given time, from now', () => {
      const budget = new RateBudget({ now });
      budget.block(12_000);
      expect(delays(budget)).toEqual({ live: 12_000, background: 12_000 });
      clock += 12_000;
      expect(delays(budget)).toEqual({ live: 0, background: 0 });
    });

    it('replaces an earlier block', () => {
      const budget = new RateBudget({ now });
      budget.observe(new Headers({ 'Retry-After': '60' }), 429);
      budget.block(5_000);
      expect(budget.delayFor('live')).toBe(5_000);
    });
  });
});

describe('retryAfterMs', () => {
  it('reads seconds and HTTP dates, and nothing else', () => {
    expect(retryAfterMs(null, START)).toBeNull();
    expect(retryAfterMs(' 120 ', START)).toBe(120_000);
    expect(retryAfterMs('0', START)).toBe(0);
    expect(retryAfterMs('Sun, 01 Mar 2026 12:02:00 GMT', START)).toBe(120_000);
    // A date already past means: now.
    expect(retryAfterMs('Sun, 01 Mar 2026 11:00:00 GMT', START)).toBe(0);
    expect(retryAfterMs('soon', START)).toBeNull();
    expect(retryAfterMs('30s', START)).toBeNull();
    // Not seconds and not an HTTP date: Date.parse would read these as years.
    expect(retryAfterMs('1.5', START)).toBeNull();
    expect(retryAfterMs('-5', START)).toBeNull();
  });
});
