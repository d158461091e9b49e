/**
 * What a shell lends the core for signing in. Electron passes both; the browser host passes
 * neither, and its renderer opens the sign-in page in a new tab instead.
 */

/** Opens an http(s) address in the system browser; resolves false when it refused to. */
export type OpenExternal = (url: string) => Promise<boolean>;

export interface AuthWindowRequest {
  /** The server's sign-in page. */
  authorizeUrl: string;
  /** The registered redirect URI: the first navigation to it (same origin and path) is the answer. */
  redirectUri: string;
  /** Aborted when the flow times out or is cancelled: the window must close. */
  signal: AbortSignal;
}

/**
 * Shows the sign-in page in a dedicated, sandboxed window with its own throwaway session and
 * resolves with the full address the server redirected to (code, state and all), without ever
 * loading it. Rejects with BraidError `link.cancelled` when the user closes the window.
 */
export type AuthWindowOpener = (request: AuthWindowRequest) => Promise<string>;
