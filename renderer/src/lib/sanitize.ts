/**
 * Post HTML comes from servers (Mastodon's HTML, Threads' text turned into HTML) and is untrusted
 * either way. It reaches `{@html}` only through here: DOMPurify with a short allowlist, links
 * forced to open outside Braid, then custom emoji swapped in for `:shortcode:` text nodes with
 * DOM calls, after sanitizing, so no emoji or text can smuggle markup in.
 * https://github.com/cure53/DOMPurify#can-i-configure-dompurify
 */
import DOMPurify from 'dompurify';
import type { CustomEmoji } from '@shared/timeline';
import { emojiMap } from './emoji';
import { webUrl } from './links';

const ALLOWED_TAGS = ['p', 'br', 'a', 'span', 'strong', 'em', 'b', 'i', 'u', 's', 'del', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li'];
const ALLOWED_ATTR = ['href', 'title', 'class', 'lang'];

/**
 * Classes Mastodon puts in content (https://docs.joinmastodon.org/spec/activitypub/#sanitization);
 * any other class could borrow one of Braid's own global styles, so it is dropped.
 */
const CONTENT_CLASSES = new Set(['invisible', 'ellipsis', 'h-card', 'u-url', 'mention', 'hashtag', 'quote-inline', 'status-link']);

// A private instance: the hooks below must not leak into any other use of DOMPurify.
const purify = DOMPurify(window);

purify.addHook('afterSanitizeAttributes', (node) => {
  if (!(node instanceof Element)) return;
  const classes = node.getAttribute('class');
  if (classes !== null) {
    const kept = classes.split(/\s+/).filter((name) => CONTENT_CLASSES.has(name));
    if (kept.length > 0) node.setAttribute('class', kept.join(' '));
    else node.removeAttribute('class');
  }
  if (node.nodeName !== 'A') return;
  const href = webUrl(node.getAttribute('href'));
  if (href) node.setAttribute('href', href);
  else node.removeAttribute('href');
  node.setAttribute('target', '_blank');
  node.setAttribute('rel', 'noopener noreferrer nofollow');
});

const CONFIG = {
  ALLOWED_TAGS,
  ALLOWED_ATTR,
  // Absolute web links only: a relative href would resolve inside Braid's own page.
  ALLOWED_URI_REGEXP: /^https?:\/\//i,
  KEEP_CONTENT: true,
  RETURN_DOM_FRAGMENT: true,
} as const;

// Set once: given per call, DOMPurify would rebuild its allowlists for every post.
purify.setConfig(CONFIG);

/** A fragment, as CONFIG asks for (the typings only know that from a per-call config). */
function sanitizeToFragment(html: string): DocumentFragment {
  return purify.sanitize(html) as unknown as DocumentFragment;
}

/** Replaces `:shortcode:` inside text nodes (never inside code) with <img> built by DOM calls. */
function insertEmoji(fragment: DocumentFragment, emojis: readonly CustomEmoji[]): void {
  const known = emojiMap(emojis);
  if (known.size === 0) return;
  const document = fragment.ownerDocument;
  const walker = document.createTreeWalker(fragment, NodeFilter.SHOW_TEXT);
  const texts: Text[] = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node instanceof Text && node.data.includes(':') && !node.parentElement?.closest('code, pre')) texts.push(node);
  }
  for (const text of texts) {
    const pieces = text.data.split(/:([\w-]+):/);
    if (pieces.length === 1) continue;
    const replacement = document.createDocumentFragment();
    pieces.forEach((piece, index) => {
      const url = index % 2 === 1 ? known.get(piece) : undefined;
      if (index % 2 === 0) {
        if (piece) replacement.append(piece);
      } else if (url) {
        const image = document.createElement('img');
        image.className = 'custom-emoji';
        image.src = url;
        image.alt = `:${piece}:`;
        image.title = `:${piece}:`;
        image.draggable = false;
        replacement.append(image);
      } else {
        replacement.append(`:${piece}:`);
      }
    });
    text.replaceWith(replacement);
  }
}

/** Paragraphs left empty once disallowed elements (iframes, forms, images) are gone would only add gaps. */
function dropEmptyParagraphs(fragment: DocumentFragment): void {
  for (const paragraph of fragment.querySelectorAll('p')) {
    if (!paragraph.textContent?.trim() && !paragraph.querySelector('img, br')) paragraph.remove();
  }
}

const cache = new Map<string, string>();
const CACHE_SIZE = 1_500;

/** Safe HTML for `{@html}`. Cached, because virtual list rows mount again on every scroll past. */
export function sanitizePostHtml(html: string, emojis: readonly CustomEmoji[]): string {
  const key = `${emojis.map((emoji) => `${emoji.shortcode}=${emoji.url}`).join(' ')}\n${html}`;
  const cached = cache.get(key);
  if (cached !== undefined) {
    cache.delete(key);
    cache.set(key, cached);
    return cached;
  }
  // The fragment belongs to DOMPurify's inert document: nothing in it loads or runs here.
  const fragment = sanitizeToFragment(html);
  dropEmptyParagraphs(fragment);
  insertEmoji(fragment, emojis);
  const holder = fragment.ownerDocument.createElement('div');
  holder.append(fragment);
  const safe = holder.innerHTML;
  cache.set(key, safe);
  if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value ?? '');
  return safe;
}
