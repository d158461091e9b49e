import { memoize } from './memo';

/**
 * Links from posts leave Braid only as web pages: anything that is not http(s) (javascript:,
 * file:, data:, a relative path that would resolve inside the app) is refused here, and the
 * Electron main process checks again in openExternalSafe.
 */
export function webUrl(value: string | null | undefined): string | null {
  return value ? parseWebUrl(value) : null;
}

// Every card asks for several (author, avatar, permalink, media) each time it mounts.
const parseWebUrl = memoize((value: string): string | null => {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
  } catch {
    return null;
  }
});

/** The host a link points at, for "on mastodon.social" and link cards; '' when it is not a web address. */
export function hostOf(value: string | null | undefined): string {
  const url = webUrl(value);
  return url ? new URL(url).host.replace(/^www\./, '') : '';
}

/**
 * Opens a post or profile outside Braid. In Electron, the window-open handler sends it to the
 * system browser; in the browser host it becomes a new tab.
 */
export function openInNewWindow(value: string | null | undefined): boolean {
  const url = webUrl(value);
  if (!url) return false;
  window.open(url, '_blank', 'noopener,noreferrer');
  return true;
}
