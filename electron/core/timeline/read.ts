/**
 * Tolerant readers for raw JSON from servers. Real servers omit fields the docs promise, add
 * others and vary timestamp precision (docs/PROTOCOLS: "parse tolerantly, validate what Braid
 * relies on"), so every reader returns undefined/null for a wrong type instead of throwing.
 * `field` tries the camelCase key masto.js produces, then the snake_case key of the raw REST and
 * streaming payloads, so one normalizer serves both.
 */
export type RawRecord = Readonly<Record<string, unknown>>;

export function asRecord(value: unknown): RawRecord | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as RawRecord) : undefined;
}

const snakeCase = (camel: string): string => camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** `record.fooBar`, or `record.foo_bar` when the camelCase key is absent. */
export function field(record: RawRecord, camelKey: string): unknown {
  const value = record[camelKey];
  return value !== undefined ? value : record[snakeCase(camelKey)];
}

export function readString(record: RawRecord, key: string): string | undefined {
  const value = field(record, key);
  return typeof value === 'string' ? value : undefined;
}

/** Ids are opaque strings; a number is accepted only while it is exact (Meta's ids exceed 2^53). */
export function readId(record: RawRecord, key: string): string | undefined {
  const value = field(record, key);
  if (typeof value === 'string') return value.trim() === '' ? undefined : value;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value);
  return undefined;
}

export function readBoolean(record: RawRecord, key: string): boolean | undefined {
  const value = field(record, key);
  return typeof value === 'boolean' ? value : undefined;
}

/** A count Braid can show: a non-negative integer, or null when absent or nonsense. */
export function readCount(record: RawRecord, key: string): number | null {
  const value = field(record, key);
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : null;
}

export function readRecord(record: RawRecord, key: string): RawRecord | undefined {
  return asRecord(field(record, key));
}

export function readArray(record: RawRecord, key: string): readonly unknown[] {
  const value = field(record, key);
  return Array.isArray(value) ? value : [];
}

/**
 * An http(s) URL, as `URL` serializes it, or null. Everything else (javascript:, data:, relative
 * paths, garbage) is dropped here, so no other scheme can reach an href or src in the renderer.
 * `new URL` also removes the tabs and newlines that "java\tscript:" tricks rely on.
 */
export function httpUrl(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  try {
    const url = new URL(value.trim());
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

/**
 * A server timestamp as an ISO string, or undefined. Accepts Meta's `2023-10-17T05:42:03+0000`
 * (no colon in the offset, not ECMAScript's format), any fraction precision, and a bare date;
 * a date-time without a zone is read as UTC, as both APIs mean it.
 */
export function parseTimestamp(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  let text = value.trim().replace(/^(\d{4}-\d{2}-\d{2})[ t]/, '$1T');
  text = text.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  if (/T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(text)) text += 'Z';
  if (!/^\d{4}-\d{2}-\d{2}(T|$)/.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
}
