import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HOST_TOKEN_META as TOKEN_META } from '@shared/host-protocol';
import { APP_JS, SECRET_TEXT, rawRequest, startTestHost, type RawResponse, type TestHost } from './helpers';

let t: TestHost;

beforeEach(async () => {
  t = await startTestHost();
});

afterEach(async () => {
  await t.stop();
});

function get(path: string, headers: Record<string, string> = {}): Promise<RawResponse> {
  return rawRequest({ port: t.host.port, path, headers });
}

describe('the app page', () => {
  it('refuses / without ?token= with 401 and tells the user to open the printed address', async () => {
    const response = await get('/');
    expect(response.status).toBe(401);
    expect(response.body).toMatch(/open the full address/i);
    expect(response.body).toMatch(/npm run web/);
    expect(response.body).not.toContain(t.host.token);
  });

  it('refuses a wrong token with 401 and does not leak the right one', async () => {
    const response = await get('/?token=not-the-token');
    expect(response.status).toBe(401);
    expect(response.body).not.toContain(t.host.token);
  });

  it('refuses /index.html without the token too', async () => {
    const response = await get('/index.html');
    expect(response.status).toBe(401);
  });

  it('serves the page with the token injected as a meta tag', async () => {
    const response = await get(`/?token=${t.host.token}`);
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.body).toContain(`<meta name="${TOKEN_META}" content="${t.host.token}"></head>`);
    expect(TOKEN_META).toBe('braid-host-token');
    expect(response.body).toContain('<div id="app"></div>');
  });

  it('serves the page with a strict CSP that allows only its own WebSocket, and no caching', async () => {
    const response = await get(`/?token=${t.host.token}`);
    const csp = String(response.headers['content-security-policy']);
    expect(csp).toMatch(/^default-src 'none'/);
    const connect = csp
      .split(';')
      .map((directive) => directive.trim())
      .find((directive) => directive.startsWith('connect-src '));
    expect(connect?.split(' ')).toEqual(
      expect.arrayContaining(["'self'", `ws://127.0.0.1:${t.host.port}`, `ws://localhost:${t.host.port}`]),
    );
    expect(connect).not.toMatch(/\*/);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['referrer-policy']).toBe('no-referrer');
  });

  it('serves the page for the app\u2019s own extension-less routes (reload on a route)', async () => {
    const response = await get(`/settings?token=${t.host.token}`);
    expect(response.status).toBe(200);
    expect(response.body).toContain(`content="${t.host.token}"`);
  });

  it('refuses a page request with a DNS-rebound Host with 421, even with the token', async () => {
    const response = await get(`/?token=${t.host.token}`, { host: `evil.example:${t.host.port}` });
    expect(response.status).toBe(421);
    expect(response.body).not.toContain(t.host.token);
  });

  it('refuses a page request from a foreign Origin with 403', async () => {
    const response = await get(`/?token=${t.host.token}`, { origin: 'https://evil.example' });
    expect(response.status).toBe(403);
    expect(response.body).not.toContain(t.host.token);
  });

  it('answers POST on a page with 405', async () => {
    const response = await rawRequest({ port: t.host.port, method: 'POST', path: `/?token=${t.host.token}` });
    expect(response.status).toBe(405);
  });
});

describe('static assets', () => {
  it('serves /assets/app.js without the token, as JavaScript, cacheable', async () => {
    const response = await get('/assets/app.js');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(response.body).toBe(APP_JS);
    expect(response.headers['cache-control']).toBe('max-age=3600');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
  });

  it('serves CSS as text/css', async () => {
    const response = await get('/assets/app.css');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/css; charset=utf-8');
  });

  it('answers a missing asset with 404', async () => {
    const response = await get('/assets/missing.js');
    expect(response.status).toBe(404);
  });

  it('refuses an asset with a DNS-rebound Host with 421', async () => {
    const response = await get('/assets/app.js', { host: `evil.example:${t.host.port}` });
    expect(response.status).toBe(421);
    expect(response.body).not.toContain(APP_JS);
  });

  // The fixture has secret.txt next to the renderer folder: one `..` away.
  it.each([
    '/../secret.txt',
    '/assets/../../secret.txt',
    '/%2e%2e/secret.txt',
    '/%2E%2E/secret.txt',
    '/%2e%2e%2fsecret.txt',
    '/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
    '/..%2fsecret.txt',
    '/..%5csecret.txt',
    '/assets%5c..%5c..%5csecret.txt',
    '/%5c..%5csecret.txt',
    '/assets/app.js%00.txt',
    '/%E0%A4%A.js',
  ])('answers the traversal or malformed path %s with 404', async (path) => {
    const response = await get(path);
    expect(response.status).toBe(404);
    expect(response.body).not.toContain(SECRET_TEXT);
  });
});
