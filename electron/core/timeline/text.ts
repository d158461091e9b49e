/**
 * Text helpers shared by both normalizers and the linker: HTML from escaped Threads text, the
 * plain "link text" that rule 3 of the cross-post linker compares (docs/ARCHITECTURE.md,
 * Cross-posts), and comparable keys for URIs and URLs.
 */

const NAMED_ENTITIES: Readonly<Record<string, string>> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0',
  hellip: '\u2026', mdash: '\u2014', ndash: '\u2013', lsquo: '\u2018', rsquo: '\u2019',
  ldquo: '\u201c', rdquo: '\u201d', laquo: '\u00ab', raquo: '\u00bb', copy: '\u00a9', reg: '\u00ae',
  trade: '\u2122', middot: '\u00b7', bull: '\u2022', zwj: '\u200d', zwnj: '\u200c',
};

function codePoint(n: number): string | undefined {
  return Number.isInteger(n) && n > 0 && n <= 0x10ffff && !(n >= 0xd800 && n <= 0xdfff) ? String.fromCodePoint(n) : undefined;
}

/** `&amp;`, `&#39;`, `&#x1F600;` … → characters; unknown entities stay as written. */
export function decodeEntities(text: string): string {
  return text.replace(/&(#[xX][0-9a-fA-F]+|#\d+|[a-zA-Z][a-zA-Z0-9]*);/g, (whole, name: string) => {
    if (name[0] === '#') {
      const hex = name[1] === 'x' || name[1] === 'X';
      return codePoint(parseInt(name.slice(hex ? 2 : 1), hex ? 16 : 10)) ?? whole;
    }
    return NAMED_ENTITIES[name] ?? NAMED_ENTITIES[name.toLowerCase()] ?? whole;
  });
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/**
 * Tags that end a line or block: they become a space so "a<br>b" and "<p>a</p><p>b</p>" read
 * as "a b". Inline tags vanish, so Mastodon's `<span class="invisible">https://</span>` link
 * pieces join back into the whole URL.
 */
const BLOCK_TAG = /<\/?(?:p|br|div|li|ul|ol|blockquote|pre|h[1-6]|hr|tr|td|th|table)\b[^>]*>/gi;

/**
 * Mastodon ≥ 4.4 puts a "RE: <link>" paragraph with class `quote-inline` in quote posts for
 * older clients; it is not what the author wrote, and a Threads copy has no such paragraph.
 */
export function stripQuoteFallback(html: string): string {
  return html.replace(/<(p|span)\b[^>]*\bclass\s*=\s*["'][^"']*\bquote-inline\b[^"']*["'][^>]*>[\s\S]*?<\/\1>/gi, '');
}

/**
 * The text two copies of one post share whatever markup their servers wrapped it in: tags
 * stripped, entities decoded, line and paragraph breaks as spaces, whitespace collapsed,
 * trimmed, Unicode NFC, lower case. Used for rule 3 (same author, same text).
 */
export function htmlToLinkText(html: string): string {
  return decodeEntities(
    html
      .replace(/<!--[\s\S]*?-->/g, '')
      .replace(/<(script|style)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, '')
      .replace(BLOCK_TAG, ' ')
      .replace(/<\/?[a-zA-Z][^>]*>/g, ''),
  )
    .replace(/\s+/g, ' ')
    .trim()
    .normalize('NFC')
    .toLowerCase();
}

/** URLs in Threads text: http(s) up to whitespace, minus trailing punctuation (as Mastodon). */
const URL_IN_TEXT = /https?:\/\/[^\s<>"']*[^\s<>"'.,;:!?)\]}]/g;

function linkify(line: string): string {
  let out = '';
  let last = 0;
  for (const match of line.matchAll(URL_IN_TEXT)) {
    const url = match[0];
    out += escapeHtml(line.slice(last, match.index));
    last = match.index + url.length;
    let href: string | undefined;
    try {
      href = new URL(url).href;
    } catch {
      href = undefined;
    }
    out += href === undefined ? escapeHtml(url) : `<a href="${escapeHtml(href)}" rel="nofollow noopener noreferrer" target="_blank">${escapeHtml(url)}</a>`;
  }
  return out + escapeHtml(line.slice(last));
}

/**
 * Threads gives plain text; Braid shows HTML. Everything is escaped, http(s) URLs become links
 * (the renderer sanitizes anyway), blank lines make paragraphs and single newlines `<br>`, as
 * Threads' own federated Notes do. @mentions and #tags stay text: Threads gives no targets.
 */
export function threadsTextToHtml(text: string): string {
  const trimmed = text.replace(/\r\n?/g, '\n').trim();
  if (trimmed === '') return '';
  return trimmed
    .split(/\n{2,}/)
    .map((paragraph) => `<p>${paragraph.split('\n').map(linkify).join('<br>')}</p>`)
    .join('');
}

/**
 * Threads moved its web host from threads.net to threads.com in 2025; ids and permalinks still
 * mix both (and `www.`), so both name one host for comparison.
 */
const HOST_ALIASES: Readonly<Record<string, string>> = { 'threads.com': 'threads.net' };

/** A host made comparable: lower case, no leading `www.`, known aliases folded. */
export function hostKey(host: string): string {
  const lower = host.trim().toLowerCase().replace(/\.$/, '');
  const bare = lower.startsWith('www.') ? lower.slice(4) : lower;
  return HOST_ALIASES[bare] ?? bare;
}

/**
 * Makes URIs and URLs of one post comparable across servers and copies: scheme ignored (http
 * vs https), host through hostKey, default ports dropped, query and fragment dropped (tracking
 * parameters), trailing slashes dropped. Null for anything that is not an http(s) URL.
 */
export function canonicalKey(url: string | null | undefined): string | null {
  if (typeof url !== 'string' || url.trim() === '') return null;
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return null;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return null;
  const port = parsed.port === '80' || parsed.port === '443' ? '' : parsed.port;
  const host = hostKey(parsed.hostname) + (port ? `:${port}` : '');
  return host + parsed.pathname.replace(/\/+$/, '');
}
