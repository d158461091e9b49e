/**
 * The Content-Security-Policy for Braid's renderer, built from `default-src 'none'` and opening
 * only what the app needs. Remote media is allowed over https only; scripts only from the app.
 */
export interface CspOptions {
  /** Extra origins the page may fetch or open WebSockets to (the browser host's own ws://). */
  connect?: string[];
  /** Vite's dev server injects styles at runtime and needs its HMR socket. */
  dev?: boolean;
}

export function buildCsp(options: CspOptions = {}): string {
  const connect = ["'self'", ...(options.connect ?? [])];
  const style = options.dev ? ["'self'", "'unsafe-inline'"] : ["'self'"];
  const directives: Record<string, string[]> = {
    'default-src': ["'none'"],
    'script-src': ["'self'"],
    'style-src': style,
    'img-src': ["'self'", 'https:', 'data:', 'blob:'],
    'media-src': ["'self'", 'https:', 'blob:'],
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
