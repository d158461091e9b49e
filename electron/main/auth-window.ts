/**
 * The sign-in window: a server's OAuth pages in a sandboxed window with a throwaway in-memory
 * session, no preload, and the first navigation to the redirect URI caught before it loads.
 * Used where the redirect URI is an https address Braid cannot listen on (Threads apps).
 */
import { randomUUID } from 'node:crypto';
import type { BrowserWindowConstructorOptions } from 'electron';
import { BraidError } from '@shared/errors';
import type { AuthWindowOpener, AuthWindowRequest } from '../core/auth/shell-hooks';
import type { Logger } from '../core/log';
import { safeForLog } from './navigation';
import { HARDENED_WEB_PREFERENCES } from './window';

/** What Electron passes to will-navigate, will-redirect and did-start-navigation listeners. */
export interface NavigationDetails {
  url: string;
  isMainFrame: boolean;
  isSameDocument?: boolean;
  preventDefault(): void;
}

type PermissionRequestHandler = (contents: unknown, permission: string, callback: (granted: boolean) => void) => void;

/** The few Session members a sign-in window's own session is used through. */
export interface AuthSessionLike {
  setPermissionRequestHandler(handler: PermissionRequestHandler): void;
  setPermissionCheckHandler(handler: (contents: unknown, permission: string) => boolean): void;
  clearStorageData(): Promise<void>;
}

export interface AuthWebContentsLike {
  on(event: 'will-navigate', listener: (details: NavigationDetails) => void): unknown;
  on(event: 'will-redirect', listener: (details: NavigationDetails) => void): unknown;
  on(event: 'did-start-navigation', listener: (details: NavigationDetails) => void): unknown;
  on(event: 'will-prevent-unload', listener: (event: { preventDefault(): void }) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
  stop(): void;
  readonly session: AuthSessionLike;
}

/** Exactly the BrowserWindow members a sign-in window is driven through. */
export interface AuthWindowLike {
  readonly webContents: AuthWebContentsLike;
  loadURL(url: string): Promise<void>;
  show(): void;
  destroy(): void;
  isDestroyed(): boolean;
  once(event: 'ready-to-show', listener: () => void): unknown;
  on(event: 'closed', listener: () => void): unknown;
  on(event: 'page-title-updated', listener: (event: { preventDefault(): void }) => void): unknown;
}

export type AuthWindowParent = NonNullable<BrowserWindowConstructorOptions['parent']>;

export interface AuthWindowDeps {
  BrowserWindow: new (options: BrowserWindowConstructorOptions) => AuthWindowLike;
  /** The window the sign-in window is modal to, if one is open. */
  parent?: () => AuthWindowParent | null | undefined;
  log: Logger;
  /**
   * Each sign-in window's webContents is added here, so the blanket navigation block
   * (navigation.ts) leaves its navigation to this window's own handler.
   */
  selfNavigating: WeakSet<object>;
  /** Names the window's in-memory session; random by default. */
  randomId?: () => string;
}

export const AUTH_WINDOW_TITLE = 'Sign in — Braid';

/** Sandboxed, isolated, no Node, no preload, and a session of its own that dies with the app. */
export function authWindowOptions(partition: string, parent?: AuthWindowParent): BrowserWindowConstructorOptions {
  return {
    width: 520,
    height: 720,
    minWidth: 360,
    minHeight: 480,
    title: AUTH_WINDOW_TITLE,
    show: false,
    autoHideMenuBar: true,
    ...(parent ? { parent, modal: true } : {}),
    webPreferences: {
      // No "persist:" prefix: cookies and storage live in memory only, one session per window.
      ...HARDENED_WEB_PREFERENCES,
      partition,
    },
  };
}

export function createAuthWindowOpener(deps: AuthWindowDeps): AuthWindowOpener {
  return (request) => openAuthWindow(deps, request);
}

function openAuthWindow(deps: AuthWindowDeps, { authorizeUrl, redirectUri, signal }: AuthWindowRequest): Promise<string> {
  const { log } = deps;
  if (signal.aborted) return Promise.reject(abortReason(signal));
  const authorize = parseUrl(authorizeUrl);
  const redirect = parseUrl(redirectUri);
  if (!authorize || !isHttp(authorize) || !redirect) {
    return Promise.reject(new BraidError('internal', 'Braid could not open the sign-in page: its address is not a valid http(s) address.'));
  }
  const isRedirect = (raw: string): boolean => {
    const url = parseUrl(raw);
    return !!url && url.protocol === redirect.protocol && url.host === redirect.host && url.pathname === redirect.pathname;
  };

  return new Promise<string>((resolve, reject) => {
    const partition = `braid-sign-in-${(deps.randomId ?? randomUUID)()}`;
    const parent = deps.parent?.() ?? undefined;
    const window = new deps.BrowserWindow(authWindowOptions(partition, parent));
    const contents = window.webContents;
    deps.selfNavigating.add(contents);
    // Read now: once the window is gone, its webContents may no longer be touched.
    const session = contents.session;
    let settled = false;

    const settle = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      outcome();
      // Not from inside the navigation event that settled us: destroying a webContents while
      // it dispatches its own event is unsafe. destroy() also skips beforeunload prompts.
      setImmediate(() => {
        if (!window.isDestroyed()) window.destroy();
      });
    };
    const onAbort = (): void => {
      log.info('auth-window', 'sign-in window closed: the sign-in was cancelled or timed out');
      settle(() => reject(abortReason(signal)));
    };
    signal.addEventListener('abort', onAbort, { once: true });

    // The server's own permission prompts (notifications, camera, opening other apps…) are refused.
    session.setPermissionRequestHandler((_contents, permission, callback) => {
      log.info('auth-window', `denied ${permission}`);
      callback(false);
    });
    session.setPermissionCheckHandler(() => false);

    const onNavigation = (kind: string) => (details: NavigationDetails) => {
      if (!details.isMainFrame) return;
      if (settled) {
        // The answer is in; nothing else loads while the window closes.
        details.preventDefault();
        return;
      }
      if (isRedirect(details.url)) {
        // Never loaded: the https redirect URI may not even exist, and the code is ours alone.
        details.preventDefault();
        log.info('auth-window', `caught the ${kind} to ${safeForLog(details.url)}`);
        settle(() => resolve(details.url));
        return;
      }
      const url = parseUrl(details.url);
      if (!url || !isHttp(url)) {
        details.preventDefault();
        log.warn('auth-window', `blocked ${kind} to ${safeForLog(details.url)}`);
      }
    };
    contents.on('will-navigate', onNavigation('navigation'));
    contents.on('will-redirect', onNavigation('redirect'));
    // A safety net for navigations Electron does not announce through will-navigate (history,
    // reload): the request is stopped as it starts and the window closes.
    contents.on('did-start-navigation', (details) => {
      if (settled || !details.isMainFrame || details.isSameDocument || !isRedirect(details.url)) return;
      contents.stop();
      log.info('auth-window', `caught a navigation to ${safeForLog(details.url)}`);
      settle(() => resolve(details.url));
    });
    contents.setWindowOpenHandler(({ url }) => {
      log.info('auth-window', `denied a new window for ${safeForLog(url)}`);
      return { action: 'deny' };
    });
    // A page's beforeunload handler must not keep the user from closing the window.
    contents.on('will-prevent-unload', (event) => event.preventDefault());
    // The title stays Braid's, so a page cannot pose as something else.
    window.on('page-title-updated', (event) => event.preventDefault());
    window.once('ready-to-show', () => {
      if (!settled) window.show();
    });
    window.on('closed', () => {
      if (!settled) log.info('auth-window', 'the user closed the sign-in window');
      settle(() => reject(new BraidError('link.cancelled', 'You closed the sign-in window before finishing. Nothing was linked.')));
      session.clearStorageData().catch((error: unknown) => log.warn('auth-window', 'could not clear the sign-in session', error));
    });

    log.info('auth-window', `opening ${safeForLog(authorizeUrl)}`);
    window.loadURL(authorizeUrl).catch((error: unknown) => {
      // ERR_ABORTED: the first page was replaced by another navigation (or by our own prevented
      // redirect); the window lives on.
      if (settled || chromiumError(error).errno === ABORTED) return;
      const failure = loadFailure(authorize.host, error);
      log.warn('auth-window', `could not load ${safeForLog(authorizeUrl)}: ${chromiumError(error).code ?? 'unknown error'}`);
      settle(() => reject(failure));
    });
  });
}

/** net::ERR_ABORTED, https://source.chromium.org/chromium/chromium/src/+/main:net/base/net_error_list.h */
const ABORTED = -3;

/** loadURL rejects with an Error carrying Chromium's `errno` (e.g. -102) and `code` (e.g. "ERR_CONNECTION_REFUSED"). */
function chromiumError(error: unknown): { errno?: number; code?: string } {
  if (typeof error !== 'object' || error === null) return {};
  const { errno, code } = error as { errno?: unknown; code?: unknown };
  return { ...(typeof errno === 'number' ? { errno } : {}), ...(typeof code === 'string' ? { code } : {}) };
}

/**
 * Never carries the original error as its cause: its message holds the full sign-in address.
 * Certificate errors are -200…-299 in Chromium's list.
 */
function loadFailure(host: string, error: unknown): BraidError {
  const { errno, code } = chromiumError(error);
  const detail = code ? ` (${code})` : '';
  if ((errno !== undefined && errno <= -200 && errno > -300) || code?.startsWith('ERR_CERT_')) {
    return new BraidError(
      'network.tls',
      `The certificate of ${host} could not be verified, so Braid did not open its sign-in page${detail}. Check the server address and settings, then try again.`,
    );
  }
  return new BraidError(
    'network.unreachable',
    `Braid could not reach ${host} to open its sign-in page${detail}. Check your connection and the server settings, then try again.`,
  );
}

/** The core aborts with a BraidError (timed out, cancelled); a bare abort() gives an AbortError DOMException. */
function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new BraidError('link.cancelled', 'Linking was cancelled.');
}

function parseUrl(raw: string): URL | null {
  try {
    return new URL(raw);
  } catch {
    return null;
  }
}

function isHttp(url: URL): boolean {
  return url.protocol === 'https:' || url.protocol === 'http:';
}
