import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Privileges } from 'electron';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EVENT_CHANNEL, METHOD_NAMES, ipcChannel } from '@shared/contract';
import { buildCsp } from '../../../electron/common/csp';
import type * as CoreApp from '../../../electron/core/app';
import { DATABASE_FILE, type CoreOptions } from '../../../electron/core/app';
import { MemorySecretStore } from '../../../electron/core/secrets/memory-store';
import { startMain, type ElectronApis, type MainOptions } from '../../../electron/main/app';
import { mainWindowOptions } from '../../../electron/main/window';
import { APP_FRAME, fakeBrowserWindowClass, fakeIpcMain, fakeWebContents, recordingLogger } from './fakes';

/** Every CoreOptions main hands to createCore, so tests can check what the core receives. */
const coreOptions = vi.hoisted(() => [] as CoreOptions[]);

vi.mock('../../../electron/core/app', async (importOriginal) => {
  const actual = await importOriginal<typeof CoreApp>();
  return {
    ...actual,
    createCore: (options: CoreOptions) => {
      coreOptions.push(options);
      return actual.createCore(options);
    },
  };
});

/** The options of the core the latest startMain created. */
function lastCoreOptions(): CoreOptions {
  const options = coreOptions.at(-1);
  if (!options) throw new Error('no core was created');
  return options;
}

const PRELOAD = '/opt/Braid/out/preload/index.cjs';
const INDEX = '<!doctype html><title>Braid</title>';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

type AnyListener = (...args: unknown[]) => void;
type HeadersListener = Parameters<ElectronApis['session']['defaultSession']['webRequest']['onHeadersReceived']>[0];
type PermissionHandler = Parameters<ElectronApis['session']['defaultSession']['setPermissionRequestHandler']>[0];
type ProtocolHandler = (request: Request) => Promise<Response>;

const cleanups: (() => void)[] = [];

afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

/** A complete set of fake Electron APIs around a temporary profile and renderer folder. */
function fakeElectron({ singleInstance = true } = {}) {
  const root = mkdtempSync(join(tmpdir(), 'braid-main-'));
  cleanups.push(() => rmSync(root, { recursive: true, force: true }));
  const userData = join(root, 'userData');
  const rendererDir = join(root, 'renderer');
  mkdirSync(rendererDir);
  writeFileSync(join(rendererDir, 'index.html'), INDEX);

  const whenReady = deferred();
  const listeners = new Map<string, AnyListener[]>();
  const app = {
    enableSandbox: vi.fn<() => void>(),
    requestSingleInstanceLock: vi.fn<() => boolean>(() => singleInstance),
    quit: vi.fn<() => void>(),
    whenReady: vi.fn<() => Promise<void>>(() => whenReady.promise),
    getPath: vi.fn<(name: 'userData') => string>(() => userData),
    getVersion: () => '1.2.3-test',
    on: (event: string, listener: (...args: never[]) => void): void => {
      listeners.set(event, [...(listeners.get(event) ?? []), listener as AnyListener]);
    },
    emit(event: string, ...args: unknown[]): void {
      for (const listener of listeners.get(event) ?? []) listener(...args);
    },
    listeners,
  };

  const FakeWindow = fakeBrowserWindowClass((contents) => app.emit('web-contents-created', {}, contents));

  const ipcMain = fakeIpcMain();
  const schemes = new Map<string, ProtocolHandler>();
  const protocol = {
    registerSchemesAsPrivileged: vi.fn<(schemes: { scheme: string; privileges: Privileges }[]) => void>(),
    handle: vi.fn((scheme: string, handler: ProtocolHandler): void => {
      schemes.set(scheme, handler);
    }),
  };
  const permissionHandlers: PermissionHandler[] = [];
  const permissionChecks: ((wc: unknown, permission: string) => boolean)[] = [];
  const headersListeners: HeadersListener[] = [];
  const session = {
    defaultSession: {
      setPermissionRequestHandler: (handler: PermissionHandler): void => {
        permissionHandlers.push(handler);
      },
      setPermissionCheckHandler: (handler: (wc: unknown, permission: string) => boolean): void => {
        permissionChecks.push(handler);
      },
      webRequest: {
        onHeadersReceived: (listener: HeadersListener): void => {
          headersListeners.push(listener);
        },
      },
    },
  };
  const shell = { openExternal: vi.fn<(url: string) => Promise<void>>(() => Promise.resolve()) };

  const electron: ElectronApis = {
    app,
    BrowserWindow: FakeWindow as unknown as ElectronApis['BrowserWindow'],
    ipcMain,
    protocol,
    session,
    shell,
  };
  const { log, records } = recordingLogger();
  const options = (extra: Partial<MainOptions> = {}): MainOptions => ({
    preloadPath: PRELOAD,
    rendererDir,
    secrets: new MemorySecretStore(),
    logger: log,
    fetch: () => Promise.reject(new Error('unit tests have no network')),
    ...extra,
  });
  return {
    electron,
    options,
    app,
    whenReady,
    FakeWindow,
    ipcMain,
    protocol,
    schemes,
    permissionHandlers,
    permissionChecks,
    headersListeners,
    shell,
    userData,
    records,
  };
}

/** Starts main, lets the app become ready, and makes sure the core is closed after the test. */
async function startReady(fakes: ReturnType<typeof fakeElectron>, extra: Partial<MainOptions> = {}) {
  const handle = startMain(fakes.electron, fakes.options(extra));
  fakes.whenReady.resolve();
  const core = await handle.ready;
  // Closing twice is harmless, so tests may quit on their own as well.
  cleanups.push(() => fakes.app.emit('will-quit'));
  return core;
}

describe('startMain', () => {
  it('enables the sandbox and registers braid: as privileged before the app is ready', async () => {
    const fakes = fakeElectron();
    const handle = startMain(fakes.electron, fakes.options());

    expect(fakes.app.enableSandbox).toHaveBeenCalledTimes(1);
    expect(fakes.protocol.registerSchemesAsPrivileged).toHaveBeenCalledTimes(1);
    expect(fakes.protocol.registerSchemesAsPrivileged).toHaveBeenCalledWith([
      { scheme: 'braid', privileges: expect.objectContaining({ standard: true, secure: true }) as Privileges },
    ]);
    const readyOrder = fakes.app.whenReady.mock.invocationCallOrder[0] ?? 0;
    expect(fakes.app.enableSandbox.mock.invocationCallOrder[0]).toBeLessThan(readyOrder);
    expect(fakes.protocol.registerSchemesAsPrivileged.mock.invocationCallOrder[0]).toBeLessThan(readyOrder);

    // Nothing that needs a ready app has happened yet.
    await Promise.resolve();
    expect(fakes.protocol.handle).not.toHaveBeenCalled();
    expect(fakes.ipcMain.handlers.size).toBe(0);
    expect(fakes.FakeWindow.windows).toHaveLength(0);
    expect(existsSync(join(fakes.userData, DATABASE_FILE))).toBe(false);

    fakes.whenReady.resolve();
    await handle.ready;
    cleanups.push(() => fakes.app.emit('will-quit'));
    expect(fakes.protocol.handle).toHaveBeenCalledTimes(1);
  });

  it('once ready, serves braid:, registers the contract and opens the hardened window on the app', async () => {
    const fakes = fakeElectron();
    await startReady(fakes);

    expect(fakes.app.getPath).toHaveBeenCalledWith('userData');
    expect(existsSync(join(fakes.userData, DATABASE_FILE))).toBe(true);

    expect([...fakes.schemes.keys()]).toEqual(['braid']);
    const serve = fakes.schemes.get('braid');
    const page = await serve?.(new Request('braid://app/index.html'));
    expect(page?.status).toBe(200);
    expect(page?.headers.get('Content-Security-Policy')).toBe(buildCsp());
    await expect(page?.text()).resolves.toBe(INDEX);

    expect([...fakes.ipcMain.handlers.keys()].sort()).toEqual(METHOD_NAMES.map(ipcChannel).sort());

    expect(fakes.FakeWindow.windows).toHaveLength(1);
    const [window] = fakes.FakeWindow.windows;
    expect(window?.options).toEqual(mainWindowOptions(PRELOAD));
    expect(window?.loadURL).toHaveBeenCalledWith('braid://app/index.html');
    expect(window?.show).not.toHaveBeenCalled();
    window?.onceListeners.get('ready-to-show')?.();
    expect(window?.show).toHaveBeenCalledTimes(1);

    // The window's own webContents was hardened as it was created, before it loaded anything.
    expect(window?.webContents.navigate).toHaveLength(1);
    expect(window?.webContents.navigateTo('https://evil.example/')).toBe(true);
    expect(window?.webContents.windowOpen('https://evil.example/')).toEqual({ action: 'deny' });

    // No dev server: the page's CSP comes from the protocol handler only.
    expect(fakes.headersListeners).toHaveLength(0);
  });

  it('answers contract calls from the app and refuses them from anywhere else', async () => {
    const fakes = fakeElectron();
    await startReady(fakes);
    await expect(fakes.ipcMain.invoke(ipcChannel('app.info'), APP_FRAME, undefined)).resolves.toMatchObject({
      ok: true,
      value: { name: 'Braid', version: '1.2.3-test', shell: 'electron' },
    });
    await expect(
      fakes.ipcMain.invoke(ipcChannel('app.info'), { url: 'http://localhost:5173/', parent: null }, undefined),
    ).resolves.toMatchObject({ ok: false, error: { code: 'caller.forbidden' } });
  });

  it('denies every permission request', async () => {
    const fakes = fakeElectron();
    await startReady(fakes);
    expect(fakes.permissionHandlers).toHaveLength(1);
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal']) {
      const callback = vi.fn<(granted: boolean) => void>();
      fakes.permissionHandlers[0]?.({}, permission, callback);
      expect(callback).toHaveBeenCalledExactlyOnceWith(false);
      // Synchronous permission checks (e.g. navigator.permissions.query) are refused too.
      expect(fakes.permissionChecks[0]?.({}, permission)).toBe(false);
    }
    expect(fakes.permissionChecks).toHaveLength(1);
  });

  it('hardens every webContents Electron creates', async () => {
    const fakes = fakeElectron();
    await startReady(fakes);
    expect(fakes.app.listeners.get('web-contents-created')).toHaveLength(1);

    const contents = fakeWebContents();
    fakes.app.emit('web-contents-created', {}, contents);
    expect(contents.navigateTo('https://evil.example/')).toBe(true);
    expect(contents.attachWebview()).toBe(true);
    expect(contents.windowOpen('file:///etc/passwd')).toEqual({ action: 'deny' });
    expect(contents.windowOpen('https://mastodon.social/@braid')).toEqual({ action: 'deny' });
    await vi.waitFor(() => expect(fakes.shell.openExternal).toHaveBeenCalledTimes(1));
    expect(fakes.shell.openExternal).toHaveBeenCalledWith('https://mastodon.social/@braid');
  });

  it('forwards core events to every open window', async () => {
    const fakes = fakeElectron();
    await startReady(fakes);
    const second = new fakes.FakeWindow(mainWindowOptions(PRELOAD));
    const closing = new fakes.FakeWindow(mainWindowOptions(PRELOAD));
    closing.destroyed = true;

    const result = await fakes.ipcMain.invoke(ipcChannel('settings.set'), APP_FRAME, { theme: 'dark' });
    const expected = { theme: 'dark', reduceMotion: false };
    expect(result).toEqual({ ok: true, value: expected });

    const [first] = fakes.FakeWindow.windows;
    for (const window of [first, second]) {
      expect(window?.webContents.send).toHaveBeenCalledExactlyOnceWith(EVENT_CHANNEL, 'settings.changed', expected);
    }
    expect(closing.webContents.send).not.toHaveBeenCalled();

    // A refused call changes nothing and announces nothing.
    await fakes.ipcMain.invoke(ipcChannel('settings.set'), { url: 'https://evil.example/', parent: null }, { theme: 'light' });
    expect(second.webContents.send).toHaveBeenCalledTimes(1);
  });

  it('gives the core an openExternal that opens only http(s) addresses in the system browser', async () => {
    const fakes = fakeElectron();
    await startReady(fakes);
    const { openExternal } = lastCoreOptions();
    if (!openExternal) throw new Error('the core got no openExternal');
    for (const url of ['file:///etc/passwd', 'javascript:alert(1)', 'smb://host/share', 'braid://app/index.html', 'not a url']) {
      await expect(openExternal(url)).resolves.toBe(false);
    }
    expect(fakes.shell.openExternal).not.toHaveBeenCalled();
    await expect(openExternal('https://threads.example/oauth/authorize?state=s')).resolves.toBe(true);
    expect(fakes.shell.openExternal).toHaveBeenCalledExactlyOnceWith('https://threads.example/oauth/authorize?state=s');
  });

  it("gives the core a sign-in window: modal to Braid's window, free to navigate, catching the redirect, and kept out of Braid's events", async () => {
    const fakes = fakeElectron();
    await startReady(fakes);
    const { authWindow } = lastCoreOptions();
    if (!authWindow) throw new Error('the core got no authWindow');
    const [main] = fakes.FakeWindow.windows;

    const controller = new AbortController();
    const answer = 'https://braid.example/threads/callback?code=c0de&state=st4te';
    const result = authWindow({
      authorizeUrl: 'https://threads.example/oauth/authorize?state=st4te',
      redirectUri: 'https://braid.example/threads/callback',
      signal: controller.signal,
    });
    expect(fakes.FakeWindow.windows).toHaveLength(2);
    const signIn = fakes.FakeWindow.windows[1];
    if (!main || !signIn) throw new Error('windows missing');
    expect(signIn.options.parent).toBe(main);
    expect(signIn.options.modal).toBe(true);
    expect(signIn.options.webPreferences?.preload).toBeUndefined();
    expect(signIn.loadURL).toHaveBeenCalledExactlyOnceWith('https://threads.example/oauth/authorize?state=st4te');

    // Hardened by web-contents-created like every webContents, but its own handler decides navigation.
    expect(signIn.webContents.navigateTo('https://threads.example/login')).toBe(false);
    expect(signIn.webContents.navigateTo('file:///etc/passwd')).toBe(true);
    expect(main.webContents.navigateTo('https://threads.example/login')).toBe(true);
    expect(signIn.webContents.attachWebview()).toBe(true);

    // Core events go to Braid's windows only, never to a server's page.
    await fakes.ipcMain.invoke(ipcChannel('settings.set'), APP_FRAME, { theme: 'dark' });
    expect(main.webContents.send).toHaveBeenCalledTimes(1);
    expect(signIn.webContents.send).not.toHaveBeenCalled();

    expect(signIn.webContents.redirectTo(answer)).toBe(true);
    await expect(result).resolves.toBe(answer);
    await vi.waitFor(() => expect(signIn.destroyed).toBe(true));
  });

  it("does not count a sign-in window as Braid's window on activate, nor as a parent", async () => {
    const fakes = fakeElectron();
    await startReady(fakes);
    const { authWindow } = lastCoreOptions();
    if (!authWindow) throw new Error('the core got no authWindow');
    const controller = new AbortController();
    const request = { authorizeUrl: 'https://threads.example/a', redirectUri: 'https://braid.example/cb', signal: controller.signal };
    const [main] = fakes.FakeWindow.windows;
    main?.destroy();

    // Only a sign-in window is left: it stands alone, and activate still opens Braid.
    const first = authWindow(request);
    const lone = fakes.FakeWindow.windows[1];
    expect(lone?.options.parent).toBeUndefined();
    expect(lone?.options.modal).toBeUndefined();
    fakes.app.emit('activate');
    expect(fakes.FakeWindow.windows).toHaveLength(3);
    const reopened = fakes.FakeWindow.windows[2];
    expect(reopened?.options).toEqual(mainWindowOptions(PRELOAD));

    const second = authWindow(request);
    expect(fakes.FakeWindow.windows[3]?.options.parent).toBe(reopened);
    controller.abort();
    await expect(first).rejects.toMatchObject({ name: 'AbortError' });
    await expect(second).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('passes the sandbox Threads server through to the core as an origin', async () => {
    const fakes = fakeElectron();
    await startReady(fakes, { sandboxThreadsUrl: 'http://127.0.0.1:4100/' });
    expect(lastCoreOptions().sandboxThreadsUrl).toBe('http://127.0.0.1:4100');

    const plain = fakeElectron();
    await startReady(plain);
    expect(lastCoreOptions().sandboxThreadsUrl).toBeUndefined();
  });

  it.each(['ftp://127.0.0.1:4100', '127.0.0.1:4100', 'http://127.0.0.1:4100/threads', 'not a url'])(
    'refuses to start with a sandbox Threads server of %j, opening nothing',
    async (sandboxThreadsUrl) => {
      const fakes = fakeElectron();
      const handle = startMain(fakes.electron, fakes.options({ sandboxThreadsUrl }));
      fakes.whenReady.resolve();
      await expect(handle.ready).rejects.toThrow(/BRAID_SANDBOX_THREADS.*http\(s\) origin/);
      expect(fakes.FakeWindow.windows).toHaveLength(0);
      expect(fakes.ipcMain.handlers.size).toBe(0);
    },
  );

  it('with a dev server, loads it and injects a dev CSP into its responses', async () => {
    const fakes = fakeElectron();
    await startReady(fakes, { devServerUrl: 'http://localhost:5173' });

    expect(fakes.FakeWindow.windows[0]?.loadURL).toHaveBeenCalledWith('http://localhost:5173');
    expect(fakes.headersListeners).toHaveLength(1);
    const devCsp = buildCsp({ dev: true, connect: ['ws://localhost:5173'] });

    const respond = vi.fn<(response: { responseHeaders: Record<string, string[]> }) => void>();
    fakes.headersListeners[0]?.({ responseHeaders: { 'Content-Type': ['text/html'] } }, respond);
    expect(respond).toHaveBeenCalledExactlyOnceWith({
      responseHeaders: { 'Content-Type': ['text/html'], 'Content-Security-Policy': [devCsp] },
    });

    const respondBare = vi.fn<(response: { responseHeaders: Record<string, string[]> }) => void>();
    fakes.headersListeners[0]?.({}, respondBare);
    expect(respondBare).toHaveBeenCalledExactlyOnceWith({ responseHeaders: { 'Content-Security-Policy': [devCsp] } });

    // The dev server's page may use the contract; other pages still may not.
    await expect(
      fakes.ipcMain.invoke(ipcChannel('settings.get'), { url: 'http://localhost:5173/', parent: null }, undefined),
    ).resolves.toMatchObject({ ok: true });
    await expect(
      fakes.ipcMain.invoke(ipcChannel('settings.get'), { url: 'http://localhost:5174/', parent: null }, undefined),
    ).resolves.toMatchObject({ ok: false, error: { code: 'caller.forbidden' } });
  });

  it('uses wss: for the HMR socket of an https dev server', async () => {
    const fakes = fakeElectron();
    await startReady(fakes, { devServerUrl: 'https://127.0.0.1:5443/' });
    const respond = vi.fn<(response: { responseHeaders: Record<string, string[]> }) => void>();
    fakes.headersListeners[0]?.({}, respond);
    expect(respond.mock.calls[0]?.[0].responseHeaders['Content-Security-Policy']?.[0]).toContain(
      "connect-src 'self' wss://127.0.0.1:5443",
    );
  });

  it('opens a window again on activate or a second launch only when none is open', async () => {
    const fakes = fakeElectron();
    await startReady(fakes);
    fakes.app.emit('activate');
    fakes.app.emit('second-instance');
    expect(fakes.FakeWindow.windows).toHaveLength(1);

    fakes.FakeWindow.windows.length = 0;
    fakes.app.emit('activate');
    expect(fakes.FakeWindow.windows).toHaveLength(1);
    expect(fakes.FakeWindow.windows[0]?.options).toEqual(mainWindowOptions(PRELOAD));
    expect(fakes.FakeWindow.windows[0]?.loadURL).toHaveBeenCalledWith('braid://app/index.html');

    fakes.FakeWindow.windows.length = 0;
    fakes.app.emit('second-instance');
    expect(fakes.FakeWindow.windows).toHaveLength(1);
  });

  it('brings the open window forward on a second launch, restoring it if minimized', async () => {
    const fakes = fakeElectron();
    await startReady(fakes);
    const [window] = fakes.FakeWindow.windows;
    if (!window) throw new Error('no window was opened');
    window.minimized = true;
    fakes.app.emit('second-instance');
    expect(window.restore).toHaveBeenCalledOnce();
    expect(window.focus).toHaveBeenCalledOnce();
    expect(fakes.FakeWindow.windows).toHaveLength(1);
  });

  it('quits when the last window closes, except on macOS', async () => {
    const fakes = fakeElectron();
    await startReady(fakes);
    fakes.app.emit('window-all-closed');
    expect(fakes.app.quit).toHaveBeenCalledTimes(process.platform === 'darwin' ? 0 : 1);
  });

  it('logs a window that fails to load', async () => {
    const fakes = fakeElectron();
    fakes.FakeWindow.load = () => Promise.reject(new Error('ERR_FILE_NOT_FOUND'));
    await startReady(fakes);
    expect(fakes.FakeWindow.windows[0]?.loadURL).toHaveBeenCalledWith('braid://app/index.html');
    await vi.waitFor(() =>
      expect(fakes.records.some((r) => r.level === 'error' && r.scope === 'window' && r.message.includes('ERR_FILE_NOT_FOUND'))).toBe(
        true,
      ),
    );
  });

  it('closes the database on will-quit', async () => {
    const fakes = fakeElectron();
    await startReady(fakes);
    await expect(fakes.ipcMain.invoke(ipcChannel('settings.get'), APP_FRAME, undefined)).resolves.toMatchObject({ ok: true });
    fakes.app.emit('will-quit');
    // The core is gone: a late call fails cleanly instead of touching a closed database.
    await expect(fakes.ipcMain.invoke(ipcChannel('settings.get'), APP_FRAME, undefined)).resolves.toMatchObject({
      ok: false,
      error: { code: 'internal' },
    });
  });

  it('quits and rejects ready when another Braid holds the single-instance lock', async () => {
    const fakes = fakeElectron({ singleInstance: false });
    const handle = startMain(fakes.electron, fakes.options());
    expect(fakes.app.quit).toHaveBeenCalledTimes(1);
    await expect(handle.ready).rejects.toThrow(/already running/);
    expect(fakes.app.whenReady).not.toHaveBeenCalled();
    expect(fakes.FakeWindow.windows).toHaveLength(0);
    expect(fakes.ipcMain.handlers.size).toBe(0);
    expect(existsSync(join(fakes.userData, DATABASE_FILE))).toBe(false);
    // The sandbox is on regardless: it must be set before anything else happens.
    expect(fakes.app.enableSandbox).toHaveBeenCalledTimes(1);
  });
});
