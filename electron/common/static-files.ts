import { readFile } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

export interface StaticFile {
  body: Buffer;
  contentType: string;
  /** True for the app's HTML page, which must not be cached. */
  isPage: boolean;
}

/**
 * Reads a file of the built renderer for a URL path, refusing anything outside `root`
 * (`..`, encoded slashes, NUL). Paths without an extension fall back to index.html so the
 * app's own routes survive a reload. Resolves null when there is no such file.
 */
export async function readStaticFile(root: string, urlPath: string): Promise<StaticFile | null> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const base = resolve(root);
  const relative = decoded === '/' || extname(decoded) === '' ? 'index.html' : decoded.replace(/^\/+/, '');
  const file = resolve(base, relative);
  if (file !== base && !file.startsWith(base + sep)) return null;
  try {
    const body = await readFile(file);
    const ext = extname(file).toLowerCase();
    return { body, contentType: CONTENT_TYPES[ext] ?? 'application/octet-stream', isPage: ext === '.html' };
  } catch {
    return null;
  }
}
