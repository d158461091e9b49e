/** The custom scheme the packaged renderer is served from (braid://app/index.html). */
export const APP_SCHEME = 'braid';
export const APP_HOST = 'app';
export const APP_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

export interface FrameLike {
  url: string;
  parent: FrameLike | null;
}

/**
 * `URL.origin` is "null" for non-special schemes such as braid:, so compare scheme and host
 * ourselves.
 */
export function originOf(raw: string): string | null {
  try {
    const url = new URL(raw);
    return `${url.protocol}//${url.host}`;
  } catch {
    return null;
  }
}

/** The origins allowed to talk to the backend: the app itself, and Vite's dev server in development. */
export function trustedOrigins(devServerUrl?: string): Set<string> {
  const origins = new Set([`${APP_SCHEME}://${APP_HOST}`]);
  const dev = devServerUrl ? originOf(devServerUrl) : null;
  if (dev) origins.add(dev);
  return origins;
}

/** A sender may call the contract only from the top frame of a page of ours. */
export function isTrustedFrame(frame: FrameLike | null | undefined, origins: Set<string>): boolean {
  if (!frame || frame.parent !== null) return false;
  const origin = originOf(frame.url);
  return origin !== null && origins.has(origin);
}
