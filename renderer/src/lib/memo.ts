/**
 * A bounded cache for a pure function of a string. Cards in the virtual list mount again every
 * time they scroll past, and a few calls per card (URL parsing, full-date formatting) are worth
 * keeping; the oldest answer is dropped once `size` are kept.
 */
export function memoize<T>(compute: (key: string) => T, size = 2_000): (key: string) => T {
  const cache = new Map<string, T>();
  return (key) => {
    const known = cache.get(key);
    if (known !== undefined || cache.has(key)) return known as T;
    const value = compute(key);
    cache.set(key, value);
    if (cache.size > size) cache.delete(cache.keys().next().value as string);
    return value;
  };
}
