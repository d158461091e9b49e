import type { BrowserWindow, BrowserWindowConstructorOptions, Privileges } from 'electron';
import { EVENT_CHANNEL } from '@shared/contract';
import { BraidError } from '@shared/errors';
import { buildCsp } from '../common/csp';
import { parseSandboxOrigin, SANDBOX_ORIGIN_EXAMPLE } from '../common/sandbox-origin';
import { createCore, type Core, type CoreOptions } from '../core/app';
import type { Logger } from '../core/log';
import type { SecretStore } from '../core/secrets/secret-store';
import { createAuthWindowOpener, type AuthWindowLike, type AuthWindowParent } from './auth-window';
import { openExternalSafe, type ShellLike } from './external';
import { registerIpc, type IpcMainLike } from './ipc';
import { hardenWebContents, type WebContentsLike } from './navigation';
import { createAppProtocolHandler } from './protocol';
import { APP_SCHEME, APP_URL, isTrustedFrame, trustedOrigins } from './trust';
import { mainWindowOptions } from './window';

type WindowLike = Pick<BrowserWindow, 'loadURL' | 'show' | 'once' | 'isDestroyed' | 'isMinimized' | 'restore' | 'focus'> & {
  webContents: Pick<BrowserWindow['webContents'], 'send'>;
};

type HeadersListener = (
  details: { responseHeaders?: Record<string, string[]> },
  callback: (response: { responseHeaders: Record<string, string[]> }) => void,
) => void;

/** Exactly the Electron APIs Braid's main process uses, passed in so tests can use fakes. */
export interface ElectronApis {
  app: {
    enableSandbox(): void;
    requestSingleInstanceLock(): boolean;
    quit(): void;
    whenReady(): Promise<void>;
    getPath(name: 'userData'): string;
    getVersion(): string;
    on(event: string, listener: (...args: never[]) => void): void;
  };
  BrowserWindow: {
    /** Braid's own windows and the sign-in windows (auth-window.ts) alike. */
    new (options: BrowserWindowConstructorOptions): WindowLike & AuthWindowLike;
    getAllWindows(): WindowLike[];
  };
  ipcMain: IpcMainLike;
  protocol: {
    registerSchemesAsPrivileged(schemes: { scheme: string; privileges: Privileges }[]): void;
    handle(scheme: string, handler: (request: Request) => Promise<Response>): void;
  };
  session: {
    defaultSession: {
      setPermissionRequestHandler(handler: (wc: unknown, permission: string, callback: (granted: boolean) => void) => void): void;
      setPermissionCheckHandler(handler: (wc: unknown, permission: string) => boolean): void;
      webRequest: { onHeadersReceived(listener: HeadersListener): void };
    };
  };
  shell: ShellLike;
}

export interface MainOptions {
  preloadPath: string;
  rendererDir: string;
  /** Set by electron-vite in development (ELECTRON_RENDERER_URL). */
  devServerUrl?: string;
  secrets: SecretStore;
  logger?: Logger;
  fetch?: CoreOptions['fetch'];
  /** Origin of the sandbox's Threads-like server (BRAID_SANDBOX_THREADS); must be http(s). */
  sandboxThreadsUrl?: string;
  /** Origin of the sandbox's Mastodon server (BRAID_SANDBOX_MASTODON): offers the demo account. */
  sandboxMastodonUrl?: string;
}

export interface MainHandle {
  /** Resolves once the core is open and the first window is loading. */
  ready: Promise<Core>;
}

export function startMain(electron: ElectronApis, options: MainOptions): MainHandle {
  const { app, protocol } = electron;
  // Every renderer, including ones Electron creates for us, runs in the Chromium sandbox.
  app.enableSandbox();
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } },
  ]);

  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return { ready: Promise.reject(new Error('Another Braid is already running.')) };
  }

  const ready = app.whenReady().then(() => onReady(electron, options));
  return { ready };
}

function onReady(electron: ElectronApis, options: MainOptions): Core {
  const { app, BrowserWindow, ipcMain, protocol, session, shell } = electron;
  const sandboxThreadsUrl = options.sandboxThreadsUrl === undefined ? undefined : sandboxOrigin(options.sandboxThreadsUrl, 'BRAID_SANDBOX_THREADS');
  const sandboxMastodonUrl = options.sandboxMastodonUrl === undefined ? undefined : sandboxOrigin(options.sandboxMastodonUrl, 'BRAID_SANDBOX_MASTODON');
  const openExternal = (url: string) => openExternalSafe(shell, url);
  // Sign-in windows show a server's pages and govern their own navigation; they are not Braid
  // windows: they get no events, are never "the" window, and never a parent.
  const signInContents = new WeakSet<object>();
  const braidWindows = (): WindowLike[] =>
    BrowserWindow.getAllWindows().filter((window) => !window.isDestroyed() && !signInContents.has(window.webContents));
  const core = createCore({
    dataDir: app.getPath('userData'),
    secrets: options.secrets,
    fetch: options.fetch ?? globalThis.fetch,
    clock: { now: () => Date.now() },
    shell: 'electron',
    appVersion: app.getVersion(),
    ...(options.logger ? { logger: options.logger } : {}),
    openExternal,
    // Called only once a sign-in starts, by which time the opener below (which logs through the core's logger) exists.
    authWindow: (request) => openAuthWindow(request),
    ...(sandboxThreadsUrl ? { sandboxThreadsUrl } : {}),
    ...(sandboxMastodonUrl ? { sandboxMastodonUrl } : {}),
  });
  const log = core.log;
  const openAuthWindow = createAuthWindowOpener({
    BrowserWindow,
    // WindowLike narrows a real BrowserWindow for testing; Electron takes the window itself as parent.
    parent: () => braidWindows()[0] as unknown as AuthWindowParent | undefined,
    log,
    selfNavigating: signInContents,
  });
  const origins = trustedOrigins(options.devServerUrl);

  app.on('web-contents-created', (_event: never, contents: WebContentsLike) => {
    hardenWebContents(contents, openExternal, log, signInContents);
  });
  // Braid needs no camera, microphone, location or notifications permission from web content.
  session.defaultSession.setPermissionRequestHandler((_wc, permission, callback) => {
    log.info('permissions', `denied ${permission}`);
    callback(false);
  });
  session.defaultSession.setPermissionCheckHandler(() => false);

  protocol.handle(APP_SCHEME, createAppProtocolHandler(options.rendererDir));
  if (options.devServerUrl) {
    const devCsp = buildCsp({ dev: true, connect: [toWs(options.devServerUrl)] });
    session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
      callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [devCsp] } });
    });
  }

  registerIpc({ ipcMain, dispatch: core.dispatch, isTrustedSender: (frame) => isTrustedFrame(frame, origins), log });
  core.events.onAny((name, payload) => {
    for (const window of braidWindows()) window.webContents.send(EVENT_CHANNEL, name, payload);
  });

  const openWindow = (): void => {
    const window = new BrowserWindow(mainWindowOptions(options.preloadPath));
    window.once('ready-to-show', () => window.show());
    window.loadURL(options.devServerUrl ?? APP_URL).catch((error: unknown) => log.error('window', 'could not load the app', error));
  };
  openWindow();

  // A second launch brings the running Braid forward instead of starting another one.
  app.on('second-instance', () => {
    const [existing] = braidWindows();
    if (!existing) return openWindow();
    if (existing.isMinimized()) existing.restore();
    existing.focus();
  });
  app.on('activate', () => {
    if (braidWindows().length === 0) openWindow();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('will-quit', () => core.close());
  return core;
}

function sandboxOrigin(raw: string, variable: 'BRAID_SANDBOX_THREADS' | 'BRAID_SANDBOX_MASTODON'): string {
  const origin = parseSandboxOrigin(raw);
  if (!origin) {
    const server = variable === 'BRAID_SANDBOX_THREADS' ? 'Threads' : 'Mastodon';
    throw new BraidError(
      'input.invalid',
      `The sandbox ${server} server (${variable}) must be an http(s) origin such as ${SANDBOX_ORIGIN_EXAMPLE}, not "${raw}".`,
    );
  }
  return origin;
}

function toWs(httpUrl: string): string {
  const url = new URL(httpUrl);
  return `${url.protocol === 'https:' ? 'wss:' : 'ws:'}//${url.host}`;
}
