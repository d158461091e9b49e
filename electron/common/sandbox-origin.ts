/**
 * The sandbox's Threads-like server is named by an http(s) origin (BRAID_SANDBOX_THREADS,
 * `--sandbox-threads`). A path, a query or another scheme is a typo worth stopping for.
 * Returns the origin, or undefined when `raw` is not one.
 */
export function parseSandboxOrigin(raw: string): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  const isHttp = url.protocol === 'http:' || url.protocol === 'https:';
  if (!isHttp || url.username || url.password || url.pathname !== '/' || url.search || url.hash) return undefined;
  return url.origin;
}

export const SANDBOX_ORIGIN_EXAMPLE = 'http://127.0.0.1:4100';
