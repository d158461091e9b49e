/**
 * Placeholder images (the Threads server's avatars and seeded media), served by the sandbox
 * itself so no test or demo ever fetches another host. `GET /media/<name>.svg?w=&h=&label=`
 * returns an SVG whose colour is derived from the name, with the label drawn in it.
 */
import type { Hono } from 'hono';
import { escapeHtml } from './html.ts';

function hue(name: string): number {
  let hash = 0;
  for (const char of name) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return hash % 360;
}

export function placeholderSvg(name: string, width: number, height: number, label: string): string {
  const h = hue(name);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">
<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="hsl(${h} 70% 60%)"/><stop offset="1" stop-color="hsl(${(h + 60) % 360} 70% 40%)"/></linearGradient></defs>
<rect width="100%" height="100%" fill="url(#g)"/>
<text x="50%" y="50%" font-family="system-ui, sans-serif" font-size="${Math.round(Math.min(width, height) / 10)}" fill="white" text-anchor="middle" dominant-baseline="middle">${escapeHtml(label)}</text>
</svg>`;
}

/** The URL of a placeholder on the server at `origin`; `name` may be any text. */
export function placeholderUrl(origin: string, name: string, options: { width?: number; height?: number; label?: string } = {}): string {
  const query = new URLSearchParams();
  if (options.width !== undefined) query.set('w', String(options.width));
  if (options.height !== undefined) query.set('h', String(options.height));
  if (options.label !== undefined) query.set('label', options.label);
  const file = name.replace(/[^\w-]/g, '-').slice(0, 64) || 'image';
  return `${origin}/media/${file}.svg${query.size > 0 ? `?${query}` : ''}`;
}

// Hono's generic parameters vary per server; serving images does not care about them.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function mountPlaceholderMedia(app: Hono<any, any, any>): void {
  app.get('/media/:file', (c) => {
    const match = /^([\w-]{1,64})\.svg$/.exec(c.req.param('file'));
    if (!match?.[1]) return c.json({ error: 'Record not found' }, 404);
    const clamp = (value: string | undefined, fallback: number): number => {
      const n = Number(value);
      return Number.isInteger(n) && n >= 16 && n <= 4096 ? n : fallback;
    };
    const width = clamp(c.req.query('w'), 1200);
    const height = clamp(c.req.query('h'), 800);
    const label = (c.req.query('label') ?? match[1]).slice(0, 60);
    return c.body(placeholderSvg(match[1], width, height, label), 200, {
      'content-type': 'image/svg+xml',
      'cache-control': 'public, max-age=86400',
    });
  });
}
