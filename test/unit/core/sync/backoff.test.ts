import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../../../electron/core/sync/backoff';

const options = { baseMs: 100, capMs: 5_000 };

describe('backoffDelay', () => {
  it('waits exactly the base time before the first retry, whatever the dice say', () => {
    for (const roll of [0, 0.5, 0.999]) expect(backoffDelay(0, { ...options, random: () => roll })).toBe(100);
  });

  it('never waits less than the base time', () => {
    for (let attempt = 0; attempt < 12; attempt += 1) expect(backoffDelay(attempt, { ...options, random: () => 0 })).toBe(100);
  });

  it('doubles the longest wait with every failure', () => {
    const longest = Array.from({ length: 6 }, (_, attempt) => backoffDelay(attempt, { ...options, random: () => 1 }));
    expect(longest).toEqual([100, 200, 400, 800, 1600, 3200]);
  });

  it('stops growing at the cap, even after very many failures', () => {
    for (const attempt of [6, 7, 30, 31, 1000, Number.MAX_SAFE_INTEGER]) {
      expect(backoffDelay(attempt, { ...options, random: () => 1 }), `attempt ${attempt}`).toBe(5_000);
    }
  });

  it('treats a negative attempt as the first', () => {
    expect(backoffDelay(-3, { ...options, random: () => 1 })).toBe(100);
  });

  it('spreads retries over the whole window so clients that failed together do not return together', () => {
    const rolls = Array.from({ length: 101 }, (_, i) => i / 100);
    const delays = rolls.map((roll) => backoffDelay(4, { ...options, random: () => roll }));
    expect(Math.min(...delays)).toBe(100);
    expect(Math.max(...delays)).toBe(1_600);
    // Evenly: the middle roll lands in the middle of [base, base·2^4].
    expect(delays[50]).toBe(850);
    expect(new Set(delays).size).toBe(101);
    expect([...delays].sort((a, b) => a - b)).toEqual(delays);
  });

  it('stays within [base, min(cap, base·2^attempt)] with the real random source', () => {
    for (let attempt = 0; attempt < 10; attempt += 1) {
      const ceiling = Math.min(5_000, 100 * 2 ** attempt);
      for (let i = 0; i < 200; i += 1) {
        const delay = backoffDelay(attempt, options);
        expect(delay).toBeGreaterThanOrEqual(100);
        expect(delay).toBeLessThanOrEqual(ceiling);
        expect(Number.isInteger(delay)).toBe(true);
      }
    }
  });
});
