/**
 * Id generators shaped like the real servers' ids.
 *
 * Mastodon ids are Snowflake-like: milliseconds since the epoch shifted left 16 bits, plus a
 * sequence, written as a decimal string. They sort by time, which is what its paging relies on
 * (https://docs.joinmastodon.org/api/guidelines/#id). Clients must treat them as opaque strings.
 *
 * Threads media and user ids are long decimal strings too; shortcodes are 11 characters of
 * base64url, as in https://www.threads.net/@user/post/C8fWzJ9yZ3q.
 */
const SHORTCODE_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

export interface IdGenerator {
  /** A new, unique id for an object created at `atMs`; later times give larger ids. */
  next(atMs: number): string;
}

export function snowflakeIds(): IdGenerator {
  // Seeding creates objects "in the past", so ids are not handed out in order: remember them all.
  const used = new Set<bigint>();
  return {
    next(atMs) {
      let id = BigInt(Math.floor(atMs)) << 16n;
      while (used.has(id)) id += 1n;
      used.add(id);
      return id.toString();
    },
  };
}

/** The time part of a Snowflake id, in ms, or undefined for an id that is not one. */
export function snowflakeTime(id: string): number | undefined {
  if (!/^\d{1,20}$/.test(id)) return undefined;
  return Number(BigInt(id) >> 16n);
}

/** Compare two decimal id strings numerically (-1, 0, 1). */
export function compareIds(a: string, b: string): number {
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** An 11-character shortcode derived from a numeric id, like Instagram and Threads use. */
export function shortcodeFor(id: string): string {
  let n = BigInt(id);
  let code = '';
  while (n > 0n) {
    code = SHORTCODE_ALPHABET[Number(n % 64n)] + code;
    n /= 64n;
  }
  return code.padStart(11, 'A').slice(-11);
}
