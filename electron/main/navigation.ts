import type { Logger } from '../core/log';

export interface WebContentsLike {
  on(event: 'will-navigate', listener: (event: { preventDefault(): void }, url: string) => void): void;
  on(event: 'will-attach-webview', listener: (event: { preventDefault(): void }) => void): void;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
}

/** The webContents whose navigation is governed by their own handler (sign-in windows). */
export interface SelfNavigatingContents {
  has(contents: object): boolean;
}

const NONE: SelfNavigatingContents = { has: () => false };

/**
 * Braid's pages never navigate and never open windows. A link the user clicked is handed to
 * the system browser through openExternalSafe instead; anything else is simply refused.
 *
 * Sign-in windows (auth-window.ts) show a server's login pages, which must post forms and
 * follow redirects; their own handler allows http(s) and catches the redirect URI. They are
 * exempt from the blanket will-navigate block only. `selfNavigating` is consulted when a
 * navigation happens, not here: Electron announces a window's webContents from inside the
 * BrowserWindow constructor, before the opener holds a reference it could register.
 */
export function hardenWebContents(
  contents: WebContentsLike,
  openExternal: (url: string) => Promise<boolean>,
  log: Logger,
  selfNavigating: SelfNavigatingContents = NONE,
): void {
  contents.on('will-navigate', (event, url) => {
    if (selfNavigating.has(contents)) return;
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

/** Logs show where a navigation was headed without its query or fragment, which may carry codes. */
export function safeForLog(raw: string): string {
  try {
    const url = new URL(raw);
    return `${url.protocol}//${url.host}${url.pathname}`;
  } catch {
    return '(unparseable URL)';
  }
}
