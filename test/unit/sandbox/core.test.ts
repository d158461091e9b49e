/** The sandbox's shared pieces: clock, ids, rate limits and fault rules. */
import { describe, expect, it } from 'vitest';
import { createClock } from '../../sandbox/core/clock.ts';
import { createFaultRegistry } from '../../sandbox/core/faults.ts';
import { compareIds, shortcodeFor, snowflakeIds, snowflakeTime } from '../../sandbox/core/ids.ts';
import { createRng } from '../../sandbox/core/random.ts';
import { createRateLimiter } from '../../sandbox/core/rate-limit.ts';

describe('sandbox clock', () => {
  it('follows real time plus what tests add', () => {
    let real = 1_000_000;
    const clock = createClock(undefined, () => real);
    expect(clock.now()).toBe(1_000_000);
    clock.advance(3_600_000);
    real += 5;
    expect(clock.now()).toBe(4_600_005);
    clock.set(42);
    expect(clock.now()).toBe(42);
    expect(() => clock.advance(-1)).toThrow(RangeError);
  });
});

describe('ids', () => {
  it('makes unique Snowflake ids that sort by time even when created out of order', () => {
    const ids = snowflakeIds();
    const later = ids.next(2_000_000_000_000);
    const earlier = ids.next(1_000_000_000_000);
    const sameMs = [ids.next(1_500_000_000_000), ids.next(1_500_000_000_000)];
    expect(new Set([later, earlier, ...sameMs]).size).toBe(4);
    expect(compareIds(earlier, later)).toBe(-1);
    expect(compareIds(sameMs[0] as string, sameMs[1] as string)).toBe(-1);
    expect(snowflakeTime(earlier)).toBe(1_000_000_000_000);
    expect(snowflakeTime('not-an-id')).toBeUndefined();
  });

  it('compares decimal ids of different lengths numerically', () => {
    expect(compareIds('9', '10')).toBe(-1);
    expect(compareIds('10', '10')).toBe(0);
  });

  it('derives 11-character base64url shortcodes', () => {
    const code = shortcodeFor('3456789012345678901');
    expect(code).toMatch(/^[\w-]{11}$/);
    expect(shortcodeFor('3456789012345678902')).not.toBe(code);
  });
});

describe('seeded randomness', () => {
  it('repeats for the same seed', () => {
    const a = createRng(5);
    const b = createRng(5);
    const draws = Array.from({ length: 5 }, () => a.int(1, 100));
    expect(Array.from({ length: 5 }, () => b.int(1, 100))).toEqual(draws);
    expect(draws.every((n) => n >= 1 && n <= 100)).toBe(true);
  });
});

describe('rate limiter', () => {
  it('allows max requests per window, then refuses until the window resets', () => {
    const clock = createClock(10 * 60_000);
    const limiter = createRateLimiter({ max: 2, windowMs: 60_000 }, clock);
    expect(limiter.hit('token')).toMatchObject({ limited: false, remaining: 1, resetAt: 11 * 60_000 });
    expect(limiter.hit('token')).toMatchObject({ limited: false, remaining: 0 });
    expect(limiter.hit('token')).toMatchObject({ limited: true, remaining: 0 });
    expect(limiter.hit('other').limited).toBe(false);
    clock.advance(60_000);
    expect(limiter.hit('token')).toMatchObject({ limited: false, remaining: 1 });
  });
});

describe('fault registry', () => {
  it('matches server, method and path patterns, and stops after `times`', () => {
    const faults = createFaultRegistry();
    const rule = faults.add({ server: 'mastodon', method: 'get', path: '/api/v1/statuses/*/favourite', times: 2, fault: { kind: 'reset' } });
    expect(faults.take('threads', 'GET', '/api/v1/statuses/1/favourite')).toBeUndefined();
    expect(faults.take('mastodon', 'POST', '/api/v1/statuses/1/favourite')).toBeUndefined();
    expect(faults.take('mastodon', 'GET', '/api/v1/statuses/1/2/favourite')).toBeUndefined();
    expect(faults.take('mastodon', 'GET', '/api/v1/statuses/1/favourite')?.id).toBe(rule.id);
    expect(faults.take('mastodon', 'GET', '/api/v1/statuses/2/favourite')?.hits).toBe(2);
    expect(faults.take('mastodon', 'GET', '/api/v1/statuses/3/favourite')).toBeUndefined();
  });

  it('treats ** as any depth and keeps a rule without times until removed', () => {
    const faults = createFaultRegistry();
    const rule = faults.add({ path: '/v1.0/**', fault: { kind: 'status', status: 500 } });
    for (let i = 0; i < 3; i += 1) expect(faults.take('threads', 'GET', '/v1.0/me/threads')).toBeDefined();
    expect(faults.remove(rule.id)).toBe(true);
    expect(faults.take('threads', 'GET', '/v1.0/me')).toBeUndefined();
  });

  it('rejects a rule that is not one', () => {
    const faults = createFaultRegistry();
    expect(() => faults.add({ path: 'no-slash', fault: { kind: 'reset' } })).toThrow();
    expect(() => faults.add({ path: '/x', fault: { kind: 'status', status: 418 as 500 } })).toThrow();
  });
});
