import type { CustomEmoji } from '@shared/timeline';
import { webUrl } from './links';

/** A run of plain text, or one custom emoji to draw as an image. */
export type EmojiPart = { kind: 'text'; text: string } | { kind: 'emoji'; shortcode: string; url: string };

const SHORTCODE = /:([\w-]+):/g;

/** The emoji a text may use, by shortcode; only ones with a web address. */
export function emojiMap(emojis: readonly CustomEmoji[]): Map<string, string> {
  const map = new Map<string, string>();
  for (const emoji of emojis) {
    const url = webUrl(emoji.url);
    if (url) map.set(emoji.shortcode, url);
  }
  return map;
}

/**
 * Splits text on `:shortcode:` so a component can draw emoji as <img> and everything else as
 * text: names never go through HTML, so a name like `<script>` stays words on the screen.
 */
export function splitEmoji(text: string, emojis: readonly CustomEmoji[]): EmojiPart[] {
  if (emojis.length === 0 || !text.includes(':')) return [{ kind: 'text', text }];
  const known = emojiMap(emojis);
  const parts: EmojiPart[] = [];
  let last = 0;
  for (const match of text.matchAll(SHORTCODE)) {
    const shortcode = match[1] ?? '';
    const url = known.get(shortcode);
    if (!url) continue;
    if (match.index > last) parts.push({ kind: 'text', text: text.slice(last, match.index) });
    parts.push({ kind: 'emoji', shortcode, url });
    last = match.index + match[0].length;
  }
  if (last < text.length) parts.push({ kind: 'text', text: text.slice(last) });
  return parts;
}
