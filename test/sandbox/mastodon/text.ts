/**
 * Plain text → HTML the way Mastodon's TextFormatter does it
 * (https://docs.joinmastodon.org/spec/microformats/ and app/lib/text_formatter.rb): paragraphs,
 * `<br />`, h-card mention links, hashtag links, linkified URLs with the invisible
 * scheme/overflow spans, and the character count rules (URLs count 23, remote mentions count
 * only their username).
 */
import { escapeHtml } from '../core/html.ts';

export interface MentionRef {
  /** The text as written without the leading @: user or user@domain. */
  handle: string;
  /** Profile URL when the account is known; unknown mentions stay plain text. */
  url: string | undefined;
  username: string;
}

const TOKEN = /(https?:\/\/[^\s<>"]+[^\s<>".,;:!?)\]'])|(?<![\w@/])@([a-zA-Z0-9_]+(?:@[a-zA-Z0-9.:-]+[a-zA-Z0-9])?)|(?<![\w&/#])#([\p{L}\p{N}_]*\p{L}[\p{L}\p{N}_]*)/gu;
const EMOJI = /:([a-zA-Z0-9_]{2,}):/g;
export const URL_LENGTH = 23;

export function extractMentions(text: string): string[] {
  return [...text.matchAll(TOKEN)].flatMap((m) => (m[2] === undefined ? [] : [m[2]]));
}

export function extractTags(text: string): string[] {
  const tags = [...text.matchAll(TOKEN)].flatMap((m) => (m[3] === undefined ? [] : [m[3].toLowerCase()]));
  return [...new Set(tags)];
}

export function extractEmojis(text: string, known: (shortcode: string) => boolean): string[] {
  return [...new Set([...text.matchAll(EMOJI)].map((m) => m[1] as string).filter(known))];
}

/** Mastodon's StatusLengthValidator count. */
export function countCharacters(text: string): number {
  const replaced = text.replace(TOKEN, (whole: string, url?: string, mention?: string) => {
    if (url !== undefined) return 'x'.repeat(URL_LENGTH);
    if (mention !== undefined) return `@${mention.split('@')[0] ?? ''}`;
    return whole;
  });
  return [...replaced].length;
}

function linkUrl(url: string): string {
  const match = /^(https?:\/\/(?:www\.)?)(.*)$/.exec(url);
  const prefix = match?.[1] ?? '';
  const rest = match?.[2] ?? url;
  const display = rest.slice(0, 30);
  const overflow = rest.slice(30);
  const cls = overflow ? 'ellipsis' : '';
  return (
    `<a href="${escapeHtml(url)}" target="_blank" rel="nofollow noopener" translate="no">` +
    `<span class="invisible">${escapeHtml(prefix)}</span><span class="${cls}">${escapeHtml(display)}</span>` +
    `<span class="invisible">${escapeHtml(overflow)}</span></a>`
  );
}

function renderLine(line: string, origin: string, mention: (handle: string) => MentionRef | undefined): string {
  let out = '';
  let last = 0;
  for (const m of line.matchAll(TOKEN)) {
    const index = m.index;
    out += escapeHtml(line.slice(last, index));
    last = index + m[0].length;
    const [whole, url, handle, tag] = m;
    if (url !== undefined) out += linkUrl(url);
    else if (handle !== undefined) {
      const ref = mention(handle);
      out += ref?.url
        ? `<span class="h-card" translate="no"><a href="${escapeHtml(ref.url)}" class="u-url mention">@<span>${escapeHtml(ref.username)}</span></a></span>`
        : escapeHtml(whole);
    } else if (tag !== undefined) {
      out += `<a href="${escapeHtml(`${origin}/tags/${encodeURIComponent(tag.toLowerCase())}`)}" class="mention hashtag" rel="tag">#<span>${escapeHtml(tag)}</span></a>`;
    } else out += escapeHtml(whole);
  }
  return out + escapeHtml(line.slice(last));
}

/** Render a status or bio. Empty text renders as an empty string, as Mastodon does. */
export function renderText(text: string, origin: string, mention: (handle: string) => MentionRef | undefined): string {
  const trimmed = text.replace(/\r\n?/g, '\n').trim();
  if (trimmed === '') return '';
  return trimmed
    .split(/\n{2,}/)
    .map((para) => `<p>${para.split('\n').map((line) => renderLine(line, origin, mention)).join('<br />')}</p>`)
    .join('');
}

/** The plain text of an HTML fragment (search, notifications' previews). */
export function htmlToText(html: string): string {
  return html
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/p>\s*<p>/gi, '\n\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}
