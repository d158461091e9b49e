/**
 * The Content-Security-Policy for Braid's renderer, built from `default-src 'none'` and opening
 * only what the app needs. Remote media is allowed over https (plus the loopback sandbox, below);
 * scripts only from the app.
 */
export interface CspOptions {
  /** Extra origins the page may fetch or open WebSockets to (the browser host's own ws://). */
  connect?: string[];
  /** Vite's dev server injects styles at runtime and needs its HMR socket. */
  dev?: boolean;
}

/**
 * The sandbox servers (test/sandbox, `npm run sandbox`) serve avatars and media over plain http
 * on 127.0.0.1. Loopback only: remote media still needs https.
 */
const LOOPBACK_HTTP = ['http://127.0.0.1:*', 'http://localhost:*'];

export function buildCsp(options: CspOptions = {}): string {
  const connect = ["'self'", ...(options.connect ?? [])];
  const style = options.dev ? ["'self'", "'unsafe-inline'"] : ["'self'"];
  const directives: Record<string, string[]> = {
    'default-src': ["'none'"],
    'script-src': ["'self'"],
    'style-src': style,
    'img-src': ["'self'", 'https:', 'data:', 'blob:', ...LOOPBACK_HTTP],
    'media-src': ["'self'", 'https:', 'blob:', ...LOOPBACK_HTTP],
    'font-src': ["'self'"],
    'connect-src': connect,
    'object-src': ["'none'"],
    'base-uri': ["'none'"],
    'form-action': ["'none'"],
    'frame-ancestors': ["'none'"],
  };
  return Object.entries(directives)
    .map(([name, values]) => `${name} ${values.join(' ')}`)
    .join('; ');
}

/** Headers every page of the renderer is served with, in Electron and in the browser host. */
export function securityHeaders(csp: string): Record<string, string> {
  return {
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
  };
}
