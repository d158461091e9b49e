import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readStaticFile } from '../../../electron/common/static-files';

let root: string;
let rendererDir: string;
let emptyDir: string;

const INDEX = '<!doctype html><html><head></head><body>index</body></html>';

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'braid-static-test-'));
  rendererDir = join(root, 'renderer');
  emptyDir = join(root, 'no-index');
  await mkdir(join(rendererDir, 'assets', 'nested'), { recursive: true });
  await mkdir(join(rendererDir, 'folder.d'), { recursive: true });
  await mkdir(emptyDir);
  // A sibling whose name starts with the renderer folder's name: a naive prefix check lets it through.
  await mkdir(join(root, 'renderer-evil'));
  await writeFile(join(root, 'renderer-evil', 'steal.js'), 'stolen');
  await writeFile(join(root, 'secret.txt'), 'secret');
  await writeFile(join(rendererDir, 'index.html'), INDEX);
  await writeFile(join(rendererDir, 'about.html'), '<p>about</p>');
  await writeFile(join(emptyDir, 'app.js'), 'x');
  const files: Record<string, string> = {
    'app.js': 'js',
    'app.mjs': 'mjs',
    'style.css': 'css',
    'data.json': '{}',
    'icon.svg': '<svg/>',
    'pic.png': 'png',
    'pic.jpg': 'jpg',
    'pic.webp': 'webp',
    'favicon.ico': 'ico',
    'font.woff2': 'woff2',
    'notes.txt': 'txt',
    'LOUD.PNG': 'png',
    'blob.bin': 'bin',
    'a b.js': 'space',
  };
  for (const [name, body] of Object.entries(files)) await writeFile(join(rendererDir, 'assets', name), body);
  await writeFile(join(rendererDir, 'assets', 'nested', 'deep.js'), 'deep');
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('readStaticFile: content types', () => {
  it.each([
    ['app.js', 'text/javascript; charset=utf-8'],
    ['app.mjs', 'text/javascript; charset=utf-8'],
    ['style.css', 'text/css; charset=utf-8'],
    ['data.json', 'application/json; charset=utf-8'],
    ['icon.svg', 'image/svg+xml'],
    ['pic.png', 'image/png'],
    ['pic.jpg', 'image/jpeg'],
    ['pic.webp', 'image/webp'],
    ['favicon.ico', 'image/x-icon'],
    ['font.woff2', 'font/woff2'],
    ['notes.txt', 'text/plain; charset=utf-8'],
    ['LOUD.PNG', 'image/png'],
    ['blob.bin', 'application/octet-stream'],
  ])('serves %s as %s, not as a page', async (name, contentType) => {
    const file = await readStaticFile(rendererDir, `/assets/${name}`);
    expect(file).not.toBeNull();
    expect(file?.contentType).toBe(contentType);
    expect(file?.isPage).toBe(false);
  });

  it('returns the file\u2019s bytes', async () => {
    const file = await readStaticFile(rendererDir, '/assets/nested/deep.js');
    expect(file?.body.toString('utf8')).toBe('deep');
  });

  it('decodes percent-encoded names', async () => {
    const file = await readStaticFile(rendererDir, '/assets/a%20b.js');
    expect(file?.body.toString('utf8')).toBe('space');
  });

  it('marks HTML files as pages', async () => {
    const file = await readStaticFile(rendererDir, '/about.html');
    expect(file).toMatchObject({ contentType: 'text/html; charset=utf-8', isPage: true });
  });

  it('accepts a relative root', async () => {
    const file = await readStaticFile(relative(process.cwd(), rendererDir), '/assets/app.js');
    expect(file?.body.toString('utf8')).toBe('js');
  });
});

describe('readStaticFile: index fallback', () => {
  it.each(['/', '/settings', '/accounts/123', '/assets', '//', '/.hidden'])(
    'serves index.html for the extension-less path %s',
    async (path) => {
      const file = await readStaticFile(rendererDir, path);
      expect(file).toMatchObject({ contentType: 'text/html; charset=utf-8', isPage: true });
      expect(file?.body.toString('utf8')).toBe(INDEX);
    },
  );

  it('resolves null when there is no index.html to fall back to', async () => {
    await expect(readStaticFile(emptyDir, '/')).resolves.toBeNull();
    await expect(readStaticFile(emptyDir, '/settings')).resolves.toBeNull();
  });
});

describe('readStaticFile: refusals', () => {
  it.each([
    ['a plain ..', '/../secret.txt'],
    ['.. after a folder', '/assets/../../secret.txt'],
    ['encoded dots', '/%2e%2e/secret.txt'],
    ['encoded dots and slash', '/%2e%2e%2fsecret.txt'],
    ['an encoded slash', '/..%2fsecret.txt'],
    ['a sibling folder sharing the prefix', '/../renderer-evil/steal.js'],
  ])('resolves null for traversal via %s', async (_label, path) => {
    await expect(readStaticFile(rendererDir, path)).resolves.toBeNull();
  });

  it('resolves null for a path that climbs to / and back down to a file outside the root', async () => {
    const path = `/../../../../../../../../../..${join(root, 'secret.txt')}`;
    await expect(readStaticFile(rendererDir, path)).resolves.toBeNull();
  });

  it.each([
    ['a raw NUL', '/assets/app.js\0.txt'],
    ['an encoded NUL', '/assets/app.js%00.txt'],
    ['a raw backslash', '/..\\secret.txt'],
    ['an encoded backslash', '/..%5csecret.txt'],
    ['a backslash inside the tree', '/assets%5capp.js'],
  ])('resolves null for %s', async (_label, path) => {
    await expect(readStaticFile(rendererDir, path)).resolves.toBeNull();
  });

  it.each(['/%', '/%E0%A4%A.js', '/assets/%zz.js', '/%C0%AE%C0%AE/secret.txt'])(
    'resolves null for the badly encoded path %s',
    async (path) => {
      await expect(readStaticFile(rendererDir, path)).resolves.toBeNull();
    },
  );

  it.each(['/missing.js', '/assets/missing.css', '/folder.d', '/assets/nested/missing/deep.js'])(
    'resolves null for %s, which is not a file',
    async (path) => {
      await expect(readStaticFile(rendererDir, path)).resolves.toBeNull();
    },
  );
});
