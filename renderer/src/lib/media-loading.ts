/**
 * Pictures in posts (attachments, link previews, video posters) are the costliest thing a card
 * draws: each one is fetched, decoded and painted, and with virtual scrolling a card that the
 * reader flings past is on screen for a frame or two, then gone. So a card that mounts while the
 * list is scrolling starts loading its pictures only once it has stayed a moment; one that mounts
 * while the list is still (the first screen, a jump, the reader's own card) loads them at once.
 * The boxes the pictures go in have their size already, so nothing moves when they arrive.
 * Avatars are not deferred: a handful of addresses, cached after the first of each.
 */
import type { Attachment } from 'svelte/attachments';

/** How long a card must stay before its pictures load, when it mounted during scrolling. */
export const SETTLE_MS = 150;

let lastScroll = Number.NEGATIVE_INFINITY;

/** The timeline list moved: pictures in cards that mount in the next moment wait to see whether they stay. */
export function noteScroll(): void {
  lastScroll = performance.now();
}

/** Sets `attribute` (an image's `src`, a video's `poster`) to `url` now, or after SETTLE_MS if the list is scrolling. */
export function loadWhenSettled(url: string | null, attribute: 'src' | 'poster' = 'src'): Attachment<HTMLElement> {
  return (element) => {
    if (!url) {
      element.removeAttribute(attribute);
      return;
    }
    const load = () => element.setAttribute(attribute, url);
    if (performance.now() - lastScroll > SETTLE_MS) {
      load();
      return;
    }
    const timer = setTimeout(load, SETTLE_MS);
    return () => clearTimeout(timer);
  };
}
