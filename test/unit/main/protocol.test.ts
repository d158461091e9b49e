import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCsp } from '../../../electron/common/csp';
import { createAppProtocolHandler } from '../../../electron/main/protocol';

const INDEX = '<!doctype html><title>Braid</title><script type="module" src="/assets/app.js"></script>';
const SCRIPT = 'console.log("braid");';

describe('createAppProtocolHandler', () => {
  let root: string;
  let handler: (request: Request) => Promise<Response>;

  beforeAll(() => {
    // <root>/renderer is served; <root>/secret.txt and <root>/secret sit right next to it.
    root = mkdtempSync(join(tmpdir(), 'braid-protocol-'));
    const rendererDir = join(root, 'renderer');
    mkdirSync(join(rendererDir, 'assets'), { recursive: true });
    writeFileSync(join(rendererDir, 'index.html'), INDEX);
    writeFileSync(join(rendererDir, 'assets', 'app.js'), SCRIPT);
    writeFileSync(join(root, 'secret.txt'), 'TOP SECRET');
    writeFileSync(join(root, 'secret'), 'TOP SECRET');
    handler = createAppProtocolHandler(rendererDir);
  });

  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
  });

  const get = (url: string, init?: RequestInit) => handler(new Request(url, init));

  it('serves index.html as an uncached page with the CSP', async () => {
    const response = await get('braid://app/index.html');
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('Content-Security-Policy')).toBe(buildCsp());
    expect(response.headers.get('X-Content-Type-Options')).toBe('nosniff');
    expect(response.headers.get('Cache-Control')).toBe('no-store');
    await expect(response.text()).resolves.toBe(INDEX);
  });

  it('serves an asset with its content type and the CSP', async () => {
    const response = await get('braid://app/assets/app.js');
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toBe('text/javascript; charset=utf-8');
    expect(response.headers.get('Content-Security-Policy')).toBe(buildCsp());
    expect(response.headers.get('Cache-Control')).toBe('max-age=3600');
    await expect(response.text()).resolves.toBe(SCRIPT);
  });

  it.each(['braid://app/', 'braid://app', 'braid://app/settings', 'braid://app/accounts/42'])(
    'serves index.html for %s so app routes survive a reload',
    async (url) => {
      const response = await get(url);
      expect(response.status).toBe(200);
      expect(response.headers.get('Content-Type')).toBe('text/html; charset=utf-8');
      await expect(response.text()).resolves.toBe(INDEX);
    },
  );

  it('answers 404 for a missing file, with the CSP still on', async () => {
    const response = await get('braid://app/assets/missing.js');
    expect(response.status).toBe(404);
    expect(response.headers.get('Content-Security-Policy')).toBe(buildCsp());
  });

  it.each([
    'braid://app/../secret.txt',
    'braid://app/assets/../../secret.txt',
    'braid://app/%2e%2e/secret.txt',
    'braid://app/%2E%2E/secret.txt',
    'braid://app/..%2fsecret.txt',
    'braid://app/assets%2f..%2f..%2fsecret.txt',
    'braid://app/%2e%2e%2fsecret.txt',
    'braid://app/..%5csecret.txt',
    'braid://app/index.html%00.js',
    'braid://app/%E0%A4%A',
  ])('answers 404 and no file from outside the renderer for %s', async (url) => {
    const response = await get(url);
    expect(response.status).toBe(404);
    await expect(response.text()).resolves.not.toContain('TOP SECRET');
  });

  it('never serves a file outside the renderer, even extension-less', async () => {
    for (const url of ['braid://app/../secret', 'braid://app/%2e%2e/secret', 'braid://app/..%2fsecret']) {
      const response = await get(url);
      await expect(response.text(), url).resolves.not.toContain('TOP SECRET');
    }
  });

  it.each(['braid://evil/index.html', 'braid://app.evil/index.html', 'braid://app:8080/index.html', 'braid://evil/assets/app.js'])(
    'answers 404 for another host (%s)',
    async (url) => {
      const response = await get(url);
      expect(response.status).toBe(404);
      expect(response.headers.get('Content-Security-Policy')).toBe(buildCsp());
    },
  );

  it.each(['POST', 'PUT', 'DELETE', 'HEAD'])('answers 404 to %s', async (method) => {
    const response = await get('braid://app/index.html', { method });
    expect(response.status).toBe(404);
  });
});
