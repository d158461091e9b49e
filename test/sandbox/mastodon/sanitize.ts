/**
 * Sanitizer for HTML from other servers, after Mastodon's Sanitize::Config::MASTODON_STRICT
 * (app/lib/sanitize_config.rb): only p, br, a[href rel class] and span[class] survive; links keep
 * only http(s) URLs and get rel="nofollow noopener" target="_blank"; classes are limited to
 * microformats and Mastodon's own; script/style contents are dropped; every other element is
 * unwrapped to its text; output is always well nested and fully escaped.
 */
import { escapeHtml } from '../core/html.ts';

const DROP_CONTENT = new Set(['script', 'style', 'iframe', 'object', 'embed', 'template', 'noscript', 'svg', 'math', 'textarea', 'title', 'head']);
const ALLOWED = new Set(['p', 'br', 'a', 'span']);
const CLASS_OK = /^(?:h|p|u|dt|e)-[a-z-]+$|^(?:mention|hashtag|ellipsis|invisible)$/;

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0', '#39': "'" };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+\d*);?/gi, (whole, name: string) => {
    if (name.startsWith('#x') || name.startsWith('#X')) return safeCodePoint(parseInt(name.slice(2), 16)) ?? whole;
    if (name.startsWith('#')) return safeCodePoint(parseInt(name.slice(1), 10)) ?? whole;
    return NAMED[name.toLowerCase()] ?? whole;
  });
}

function safeCodePoint(n: number): string | undefined {
  return Number.isInteger(n) && n > 0 && n <= 0x10ffff && !(n >= 0xd800 && n <= 0xdfff) ? String.fromCodePoint(n) : undefined;
}

function parseAttributes(source: string): Map<string, string> {
  const attrs = new Map<string, string>();
  const re = /([^\s"'<>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;
  for (const m of source.matchAll(re)) {
    const name = (m[1] as string).toLowerCase();
    if (!attrs.has(name)) attrs.set(name, decodeEntities(m[2] ?? m[3] ?? m[4] ?? ''));
  }
  return attrs;
}

function safeHref(href: string): string | undefined {
  // Control characters and whitespace inside a scheme are how "java\tscript:" sneaks through.
  // eslint-disable-next-line no-control-regex -- stripping control characters is the point
  const cleaned = href.replace(/[\u0000-\u0020\u007f]+/g, '');
  try {
    const url = new URL(cleaned);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

function openTag(name: string, attrs: Map<string, string>): string {
  if (name === 'br') return '<br />';
  if (name === 'p') return '<p>';
  const classes = (attrs.get('class') ?? '')
    .split(/\s+/)
    .filter((c) => CLASS_OK.test(c))
    .join(' ');
  const classAttr = classes ? ` class="${escapeHtml(classes)}"` : '';
  if (name === 'span') return `<span${classAttr}>`;
  const href = safeHref(attrs.get('href') ?? '');
  const hrefAttr = href === undefined ? '' : ` href="${escapeHtml(href)}"`;
  const kept: string[] = (attrs.get('rel') ?? '').split(/\s+/).filter((r) => r === 'tag' || r === 'me');
  const rel = [...kept, 'nofollow', 'noopener'].join(' ');
  return `<a${hrefAttr} rel="${escapeHtml(rel)}" target="_blank"${classAttr}>`;
}

export function sanitizeHtml(input: string): string {
  let out = '';
  const open: string[] = [];
  let dropping: string | undefined;
  // Tags, comments, doctype/processing instructions, or text up to the next '<'.
  const token = /<!--[\s\S]*?(?:-->|$)|<![^>]*>?|<\?[^>]*>?|<\/?([a-zA-Z][a-zA-Z0-9-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>|<|[^<]+/g;
  for (const m of input.matchAll(token)) {
    const whole = m[0];
    const tagName = m[1]?.toLowerCase();
    if (tagName === undefined) {
      if (dropping !== undefined || whole.startsWith('<!') || whole.startsWith('<?')) continue;
      out += escapeHtml(decodeEntities(whole));
      continue;
    }
    const closing = whole.startsWith('</');
    if (dropping !== undefined) {
      if (closing && tagName === dropping) dropping = undefined;
      continue;
    }
    if (DROP_CONTENT.has(tagName)) {
      if (!closing && !/\/\s*>$/.test(whole)) dropping = tagName;
      continue;
    }
    if (!ALLOWED.has(tagName)) continue;
    if (tagName === 'br') {
      if (!closing) out += '<br />';
      continue;
    }
    if (!closing) {
      // A <p> inside an open <p> (or inside inline elements) closes them first, as browsers do.
      if (tagName === 'p') while (open.length > 0) out += `</${open.pop() as string}>`;
      out += openTag(tagName, parseAttributes(m[2] ?? ''));
      open.push(tagName);
      continue;
    }
    const at = open.lastIndexOf(tagName);
    if (at === -1) continue;
    while (open.length > at) out += `</${open.pop() as string}>`;
  }
  while (open.length > 0) out += `</${open.pop() as string}>`;
  return out;
}
