/**
 * Small pieces the composer and the drafts list share: the words for visibility, a draft's first
 * line, a file's size. Nothing here counts characters: limits and counts come from `compose.check`.
 */
import type { Draft, Visibility } from '@shared/compose';

/** Mastodon's visibilities in the words its own apps use. */
export const VISIBILITY_LABELS: Record<Visibility, string> = {
  public: 'Public',
  unlisted: 'Unlisted',
  private: 'Followers only',
  direct: 'Direct',
};

/** The draft's first line, for the drafts list; what it holds when it has no text. */
export function draftTitle(draft: Pick<Draft, 'text' | 'spoilerText' | 'media'>): string {
  const line = draft.text.split('\n').find((candidate) => candidate.trim() !== '')?.trim();
  if (line) return line;
  if (draft.spoilerText.trim()) return `CW: ${draft.spoilerText.trim()}`;
  if (draft.media.length > 0) return draft.media.length === 1 ? '1 image, no text' : `${draft.media.length} images, no text`;
  return 'Empty draft';
}

/** "2.4 MB", "380 KB". */
export function fileSize(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
  return `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

/**
 * A post's HTML as plain text, for the compact line above a reply. Parsed in an inert document
 * (nothing in it loads or runs) and shown as text, so no server markup reaches the page.
 */
export function plainText(html: string): string {
  const body = new DOMParser().parseFromString(html, 'text/html').body;
  // Mastodon hides the middle of long links in `.invisible` and marks the cut with `.ellipsis`.
  body.querySelectorAll('.invisible').forEach((node) => node.remove());
  body.querySelectorAll('.ellipsis').forEach((node) => node.append('…'));
  body.querySelectorAll('br').forEach((node) => node.replaceWith('\n'));
  body.querySelectorAll('p').forEach((node) => node.append('\n'));
  return (body.textContent ?? '').replace(/\n{2,}/g, '\n').trim();
}
