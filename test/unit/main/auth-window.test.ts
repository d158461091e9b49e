import { afterEach, describe, expect, it, vi } from 'vitest';
import { BraidError } from '@shared/errors';
import type { AuthWindowRequest } from '../../../electron/core/auth/shell-hooks';
import { AUTH_WINDOW_TITLE, createAuthWindowOpener, type AuthWindowParent } from '../../../electron/main/auth-window';
import { hardenWebContents } from '../../../electron/main/navigation';
import { fakeBrowserWindowClass, fakeWebContents, loadError, recordingLogger, type FakeWindow } from './fakes';

const AUTHORIZE = 'https://threads.example/oauth/authorize?client_id=42&state=STATE-secret-123&code_challenge=CHALLENGE-xyz';
const REDIRECT = 'https://braid.example/threads/callback';
const ANSWER = `${REDIRECT}?code=CODE-secret-456&state=STATE-secret-123`;

const controllers: AbortController[] = [];

afterEach(() => {
  // Any window a test left open is closed, so no promise is left pending.
  for (const controller of controllers.splice(0)) controller.abort();
});

/** Lets queued callbacks (promise reactions, setImmediate) run; not a timed wait. */
const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Watches a promise so a test can say it is still pending. */
function watch<T>(promise: Promise<T>) {
  const state: { settled: boolean; value?: T; error?: unknown } = { settled: false };
  promise.then(
    (value) => Object.assign(state, { settled: true, value }),
    (error: unknown) => Object.assign(state, { settled: true, error }),
  );
  return state;
}

/**
 * The opener with fake windows whose webContents get the app's blanket hardening as they are
 * created, exactly as main's web-contents-created listener applies it.
 */
function setup({ parent }: { parent?: AuthWindowParent } = {}) {
  const { log, records } = recordingLogger();
  const selfNavigating = new WeakSet<object>();
  const openExternal = vi.fn<(url: string) => Promise<boolean>>(() => Promise.resolve(true));
  const FakeWindow = fakeBrowserWindowClass((contents) => hardenWebContents(contents, openExternal, log, selfNavigating));
  let ids = 0;
  const open = createAuthWindowOpener({
    BrowserWindow: FakeWindow,
    parent: () => parent,
    log,
    selfNavigating,
    randomId: () => `id-${++ids}`,
  });
  const start = (extra: Partial<AuthWindowRequest> = {}) => {
    const controller = new AbortController();
    controllers.push(controller);
    const result = open({ authorizeUrl: AUTHORIZE, redirectUri: REDIRECT, signal: controller.signal, ...extra });
    const window = FakeWindow.windows.at(-1);
    return { result, state: watch(result), window: window as FakeWindow, controller };
  };
  const logText = () => records.map((r) => r.message).join('\n');
  return { FakeWindow, start, records, logText, openExternal, selfNavigating, log };
}

describe('createAuthWindowOpener', () => {
  it('opens a sandboxed, preload-free window with its own in-memory session on the sign-in page', async () => {
    const { start, FakeWindow } = setup();
    const { window } = start();
    const { window: second } = start();

    expect(FakeWindow.windows).toHaveLength(2);
    expect(window.options).toMatchObject({ width: 520, height: 720, title: 'Sign in — Braid', show: false });
    expect(window.options.title).toBe(AUTH_WINDOW_TITLE);
    const prefs = window.options.webPreferences;
    expect(prefs).toMatchObject({ sandbox: true, contextIsolation: true, nodeIntegration: false, webviewTag: false });
    expect(prefs?.preload).toBeUndefined();
    expect(prefs?.partition).toBe('braid-sign-in-id-1');
    expect(second.options.webPreferences?.partition).toBe('braid-sign-in-id-2');
    // "persist:" would keep the server's cookies on disk across sign-ins.
    expect(prefs?.partition).not.toMatch(/^persist:/);

    expect(window.loadURL).toHaveBeenCalledExactlyOnceWith(AUTHORIZE);
    await flush();
    expect(window.show).not.toHaveBeenCalled();
    window.readyToShow();
    expect(window.show).toHaveBeenCalledTimes(1);
  });

  it('is modal to the parent window when there is one, and free-standing otherwise', () => {
    const parent = { id: 'main window' } as unknown as AuthWindowParent;
    const withParent = setup({ parent }).start().window;
    expect(withParent.options.parent).toBe(parent);
    expect(withParent.options.modal).toBe(true);

    const alone = setup().start().window;
    expect(alone.options.parent).toBeUndefined();
    expect(alone.options.modal).toBeUndefined();
  });

  it('catches the server redirect to the redirect URI without loading it, resolves with the full address and closes', async () => {
    const { start, logText } = setup();
    const { result, window } = start();
    window.readyToShow();

    expect(window.webContents.redirectTo(ANSWER)).toBe(true);
    await expect(result).resolves.toBe(ANSWER);
    await vi.waitFor(() => expect(window.destroyed).toBe(true));
    expect(window.webContents.session.cleared).toBe(1);

    // The log says where the answer came from, never the code or state.
    expect(logText()).toContain('https://braid.example/threads/callback');
    expect(logText()).toContain('https://threads.example/oauth/authorize');
    expect(logText()).not.toMatch(/CODE-secret|STATE-secret|CHALLENGE/);
  });

  it('catches a page navigating itself to the redirect URI (a form post or a script)', async () => {
    const { start } = setup();
    const { result, window } = start();
    const denied = `${REDIRECT}?error=access_denied&state=STATE-secret-123`;
    expect(window.webContents.navigateTo(denied)).toBe(true);
    await expect(result).resolves.toBe(denied);
    await vi.waitFor(() => expect(window.destroyed).toBe(true));
  });

  it('lets the sign-in pages post forms and redirect anywhere over http(s) until the redirect URI comes', async () => {
    const { start } = setup();
    const { state, window, result } = start();
    const contents = window.webContents;
    expect(contents.navigateTo('https://threads.example/login?next=%2Foauth%2Fauthorize')).toBe(false);
    expect(contents.redirectTo('https://accounts.threads.example/two-factor')).toBe(false);
    expect(contents.navigateTo('http://127.0.0.1:4100/oauth/consent')).toBe(false);
    // Same origin, other path; same path, other origin: neither is the answer.
    expect(contents.redirectTo('https://braid.example/threads/callback/extra?code=x')).toBe(false);
    expect(contents.redirectTo('https://evil.example/threads/callback?code=x')).toBe(false);
    expect(contents.redirectTo('http://braid.example/threads/callback?code=x')).toBe(false);
    await flush();
    expect(state.settled).toBe(false);
    expect(window.destroyed).toBe(false);

    expect(contents.redirectTo(ANSWER)).toBe(true);
    await expect(result).resolves.toBe(ANSWER);
  });

  it.each([
    'file:///etc/passwd',
    'javascript:alert(1)',
    'data:text/html,<h1>hi</h1>',
    'about:blank',
    'threads-app://authorize?code=x',
    'not a url',
  ])('refuses to navigate or redirect the sign-in window to %s', async (url) => {
    const { start, records } = setup();
    const { state, window } = start();
    expect(window.webContents.navigateTo(url)).toBe(true);
    expect(window.webContents.redirectTo(url)).toBe(true);
    await flush();
    expect(state.settled).toBe(false);
    expect(records.filter((r) => r.scope === 'auth-window' && r.level === 'warn' && r.message.startsWith('blocked'))).toHaveLength(2);
  });

  it('logs a blocked navigation without its query', () => {
    const { start, logText } = setup();
    const { window } = start();
    window.webContents.navigateTo('threads-app://callback?code=CODE-secret-456');
    expect(logText()).toContain('threads-app://callback');
    expect(logText()).not.toContain('CODE-secret');
  });

  it('ignores redirects in subframes: only the page itself answers', async () => {
    const { start } = setup();
    const { state, window } = start();
    expect(window.webContents.redirectTo(ANSWER, { isMainFrame: false })).toBe(false);
    window.webContents.startNavigation(ANSWER, { isMainFrame: false });
    await flush();
    expect(state.settled).toBe(false);
  });

  it('catches a navigation to the redirect URI that Electron announced only as it started', async () => {
    const { start } = setup();
    const { result, window } = start();
    window.webContents.startNavigation('https://threads.example/login');
    expect(window.webContents.stopped).toBe(0);
    window.webContents.startNavigation(ANSWER);
    expect(window.webContents.stopped).toBe(1);
    await expect(result).resolves.toBe(ANSWER);
    await vi.waitFor(() => expect(window.destroyed).toBe(true));
  });

  it('answers once: navigations after the answer are refused while the window closes', async () => {
    const { start } = setup();
    const { result, window } = start();
    expect(window.webContents.redirectTo(ANSWER)).toBe(true);
    expect(window.webContents.navigateTo('https://threads.example/somewhere-else')).toBe(true);
    expect(window.webContents.redirectTo(`${REDIRECT}?code=SECOND`)).toBe(true);
    await expect(result).resolves.toBe(ANSWER);
    // Shown late? The window is already on its way out.
    window.readyToShow();
    expect(window.show).not.toHaveBeenCalled();
  });

  it('denies new windows from the sign-in pages and logs them, opening nothing', () => {
    const { start, records, openExternal } = setup();
    const { window } = start();
    expect(window.webContents.windowOpen('https://threads.example/terms?ref=STATE-secret-123')).toEqual({ action: 'deny' });
    expect(openExternal).not.toHaveBeenCalled();
    const line = records.find((r) => r.scope === 'auth-window' && r.message.includes('new window'));
    expect(line?.message).toContain('https://threads.example/terms');
    expect(line?.message).not.toContain('STATE-secret');
  });

  it('rejects with link.cancelled when the user closes the window, and forgets the session', async () => {
    const { start } = setup();
    const { result, window } = start();
    window.readyToShow();
    window.closeByUser();
    const error = await result.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BraidError);
    expect(error).toMatchObject({
      code: 'link.cancelled',
      message: 'You closed the sign-in window before finishing. Nothing was linked.',
    });
    expect(window.webContents.session.cleared).toBe(1);
  });

  it('closes the window and rejects with the reason when the sign-in is aborted', async () => {
    const { start } = setup();
    const { result, window, controller } = start();
    const reason = new BraidError('link.timed-out', 'Signing in took too long.');
    controller.abort(reason);
    await expect(result).rejects.toBe(reason);
    await vi.waitFor(() => expect(window.destroyed).toBe(true));
    expect(window.webContents.session.cleared).toBe(1);
  });

  it('rejects with the abort reason at once, opening nothing, when already aborted', async () => {
    const { FakeWindow } = setup();
    const { log } = recordingLogger();
    const open = createAuthWindowOpener({ BrowserWindow: FakeWindow, log, selfNavigating: new WeakSet() });
    const controller = new AbortController();
    controller.abort();
    await expect(open({ authorizeUrl: AUTHORIZE, redirectUri: REDIRECT, signal: controller.signal })).rejects.toMatchObject({
      name: 'AbortError',
    });
    expect(FakeWindow.windows).toHaveLength(0);
  });

  it('refuses a sign-in page that is not http(s), opening nothing', async () => {
    const { start, FakeWindow } = setup();
    await expect(start({ authorizeUrl: 'file:///tmp/authorize.html' }).result).rejects.toMatchObject({ code: 'internal' });
    await expect(start({ redirectUri: 'nonsense' }).result).rejects.toMatchObject({ code: 'internal' });
    expect(FakeWindow.windows).toHaveLength(0);
  });

  it('rejects with network.unreachable naming the host when the sign-in page cannot load, and closes', async () => {
    const { start, FakeWindow, logText } = setup();
    FakeWindow.load = (url) => Promise.reject(loadError('ERR_CONNECTION_REFUSED', -102, url));
    const { result, window } = start();
    const error = await result.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BraidError);
    expect(error).toMatchObject({ code: 'network.unreachable' });
    const message = (error as BraidError).message;
    expect(message).toContain('threads.example');
    expect(message).toMatch(/check your connection and the server settings/i);
    expect(message).not.toMatch(/STATE-secret|CHALLENGE|client_id/);
    await vi.waitFor(() => expect(window.destroyed).toBe(true));
    expect(window.show).not.toHaveBeenCalled();
    expect(logText()).toContain('ERR_CONNECTION_REFUSED');
    expect(logText()).not.toMatch(/STATE-secret|CHALLENGE/);
  });

  it('rejects with network.tls when the server certificate is refused', async () => {
    const { start, FakeWindow } = setup();
    FakeWindow.load = (url) => Promise.reject(loadError('ERR_CERT_AUTHORITY_INVALID', -202, url));
    await expect(start().result).rejects.toMatchObject({ code: 'network.tls', message: expect.stringContaining('threads.example') as string });
  });

  it('keeps waiting when the first page load is aborted by the next navigation', async () => {
    const { start, FakeWindow } = setup();
    FakeWindow.load = (url) => Promise.reject(loadError('ERR_ABORTED', -3, url));
    const { result, state, window } = start();
    await flush();
    expect(state.settled).toBe(false);
    expect(window.destroyed).toBe(false);
    window.webContents.redirectTo(ANSWER);
    await expect(result).resolves.toBe(ANSWER);
  });

  it('denies every permission the sign-in pages ask for', () => {
    const { start } = setup();
    const { window } = start();
    const session = window.webContents.session;
    expect(session.requestHandlers).toHaveLength(1);
    for (const permission of ['notifications', 'media', 'openExternal', 'geolocation']) {
      const callback = vi.fn<(granted: boolean) => void>();
      session.requestHandlers[0]?.({}, permission, callback);
      expect(callback).toHaveBeenCalledExactlyOnceWith(false);
      expect(session.checkHandlers[0]?.({}, permission)).toBe(false);
    }
  });

  it("keeps Braid's title and lets the user close the window over a page's beforeunload", () => {
    const { start } = setup();
    const { window } = start();
    expect(window.emit('page-title-updated').defaultPrevented).toBe(true);
    expect(window.webContents.preventUnload()).toBe(true);
  });
});

describe('navigation hardening with sign-in windows', () => {
  it("exempts only sign-in windows from the blanket navigation block, and still refuses webviews in them", () => {
    const { start, selfNavigating, log, openExternal } = setup();
    const main = fakeWebContents();
    hardenWebContents(main, openExternal, log, selfNavigating);
    const { window } = start();

    expect(main.navigateTo('https://threads.example/login')).toBe(true);
    expect(window.webContents.navigateTo('https://threads.example/login')).toBe(false);
    // The exemption is the navigation decision only.
    expect(window.webContents.attachWebview()).toBe(true);
    expect(main.windowOpen('https://threads.example/')).toEqual({ action: 'deny' });
    expect(window.webContents.windowOpen('https://threads.example/')).toEqual({ action: 'deny' });
  });

  it('applies the exemption when the navigation happens, since the webContents is hardened before the opener sees it', () => {
    const { start, selfNavigating } = setup();
    const { window } = start();
    // Hardened inside the constructor, registered right after: the same object.
    expect(window.webContents.navigate).toHaveLength(2);
    expect(selfNavigating.has(window.webContents)).toBe(true);
  });
});
