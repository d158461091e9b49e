/**
 * How the browser host and its client in the page speak to each other: one definition for
 * electron/host/server.ts and renderer/src/lib/host-client.ts.
 */

/** The per-launch token is put into the served page as `<meta name=… content=token>`. */
export const HOST_TOKEN_META = 'braid-host-token';
/** Contract calls carry the token in this header (HTTP header names are case-insensitive). */
export const HOST_TOKEN_HEADER = 'x-braid-token';
/** `POST /api/<method>` with a JSON body `{ "input": … }`. */
export const HOST_API_ROOT = '/api';
/** WebSocket of pushed events, `?token=` in the query (browsers cannot set headers on it). */
export const HOST_EVENTS_PATH = '/events';

export function hostCallPath(method: string): string {
  return `${HOST_API_ROOT}/${encodeURIComponent(method)}`;
}
