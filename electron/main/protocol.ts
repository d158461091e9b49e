import { buildCsp, securityHeaders } from '../common/csp';
import { readStaticFile } from '../common/static-files';
import { APP_HOST } from './trust';

/**
 * Serves the built renderer on braid://app/ with Braid's CSP on every response. A custom
 * scheme (instead of file://) gives the page a real origin to check IPC senders against.
 */
export function createAppProtocolHandler(rendererDir: string): (request: Request) => Promise<Response> {
  const headers = securityHeaders(buildCsp());
  return async (request) => {
    const url = new URL(request.url);
    if (url.host !== APP_HOST || request.method !== 'GET') {
      return new Response('Not found', { status: 404, headers });
    }
    const file = await readStaticFile(rendererDir, url.pathname);
    if (!file) return new Response('Not found', { status: 404, headers });
    return new Response(new Uint8Array(file.body), {
      status: 200,
      headers: { ...headers, 'Content-Type': file.contentType, 'Cache-Control': file.isPage ? 'no-store' : 'max-age=3600' },
    });
  };
}
