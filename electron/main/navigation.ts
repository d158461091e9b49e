import type { Logger } from '../core/log';

export interface WebContentsLike {
  on(event: 'will-navigate', listener: (event: { preventDefault(): void }, url: string) => void): void;
  on(event: 'will-attach-webview', listener: (event: { preventDefault(): void }) => void): void;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
}

/**
 * Braid's pages never navigate and never open windows. A link the user clicked is handed to
 * the system browser through openExternalSafe instead; anything else is simply refused.
 */
export function hardenWebContents(
  contents: WebContentsLike,
  openExternal: (url: string) => Promise<boolean>,
  log: Logger,
): void {
  contents.on('will-navigate', (event, url) => {
    event.preventDefault();
    log.warn('navigation', `blocked navigation to ${safeForLog(url)}`);
  });
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
  });
  contents.setWindowOpenHandler(({ url }) => {
    openExternal(url).catch((error: unknown) => log.warn('navigation', 'could not open link externally', error));
    return { action: 'deny' };
  });
}

/** Logs show where a navigation was headed without its query, which may carry codes. */
function safeForLog(raw: string): string {
  try {
    const url = new URL(raw);
    return `${url.protocol}//${url.host}${url.pathname}`;
  } catch {
    return '(unparseable URL)';
  }
}
