/**
 * Small fakes of the Electron APIs the main-process glue takes as parameters. They record what
 * the glue did so tests can assert it; none of them imports the real `electron` module.
 */
import type { BrowserWindowConstructorOptions } from 'electron';
import { vi } from 'vitest';
import { createLogger, type LogRecord, type Logger } from '../../../electron/core/log';
import type { IpcInvokeEventLike, IpcMainLike } from '../../../electron/main/ipc';
import type { FrameLike } from '../../../electron/main/trust';

export const APP_FRAME: FrameLike = { url: 'braid://app/index.html', parent: null };

/** A real logger whose records land in an array instead of the console. */
export function recordingLogger(): { log: Logger; records: LogRecord[] } {
  const records: LogRecord[] = [];
  return { log: createLogger((record) => records.push(record), () => 0), records };
}

type IpcListener = Parameters<IpcMainLike['handle']>[1];

/** Behaves like Electron's ipcMain: one handler per channel, a second registration throws. */
export function fakeIpcMain() {
  const handlers = new Map<string, IpcListener>();
  const removed: string[] = [];
  return {
    handlers,
    removed,
    handle: (channel: string, listener: IpcListener): void => {
      if (handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
      handlers.set(channel, listener);
    },
    removeHandler: (channel: string): void => {
      removed.push(channel);
      handlers.delete(channel);
    },
    /** What ipcRenderer.invoke(channel, ...args) from `frame` would reach. */
    invoke(channel: string, frame: FrameLike | null, ...args: unknown[]): Promise<unknown> {
      const listener = handlers.get(channel);
      if (!listener) throw new Error(`No handler registered for '${channel}'`);
      const event: IpcInvokeEventLike = { senderFrame: frame };
      return listener(event, ...args);
    },
  };
}

export type PreventableEvent = { preventDefault(): void; defaultPrevented: boolean };

export function preventableEvent(): PreventableEvent {
  const event = {
    defaultPrevented: false,
    preventDefault() {
      event.defaultPrevented = true;
    },
  };
  return event;
}

/** What Electron passes to navigation listeners: the details object is also the preventable event. */
export type NavigationEvent = PreventableEvent & { url: string; isMainFrame: boolean; isSameDocument: boolean };

function navigationEvent(url: string, isMainFrame = true): NavigationEvent {
  return Object.assign(preventableEvent(), { url, isMainFrame, isSameDocument: false });
}

type NavigateListener = (event: NavigationEvent, url: string) => void;
type AttachListener = (event: { preventDefault(): void }) => void;
type EventListener = (event: PreventableEvent & Partial<NavigationEvent>, ...rest: unknown[]) => void;
type OpenHandler = (details: { url: string }) => { action: 'deny' };
type PermissionRequestHandler = (contents: unknown, permission: string, callback: (granted: boolean) => void) => void;

/** A session that records the permission handlers installed on it and whether it was cleared. */
export function fakeSession() {
  const session = {
    requestHandlers: [] as PermissionRequestHandler[],
    checkHandlers: [] as ((contents: unknown, permission: string) => boolean)[],
    cleared: 0,
    setPermissionRequestHandler(handler: PermissionRequestHandler): void {
      session.requestHandlers.push(handler);
    },
    setPermissionCheckHandler(handler: (contents: unknown, permission: string) => boolean): void {
      session.checkHandlers.push(handler);
    },
    clearStorageData(): Promise<void> {
      session.cleared += 1;
      return Promise.resolve();
    },
  };
  return session;
}

/** Events a webContents fake accepts besides will-navigate and will-attach-webview. */
const OTHER_EVENTS = ['will-redirect', 'did-start-navigation', 'will-prevent-unload'] as const;
type OtherEvent = (typeof OTHER_EVENTS)[number];

/** A webContents that records the listeners and window-open handler the glue installs. */
export function fakeWebContents() {
  const navigate: NavigateListener[] = [];
  const attach: AttachListener[] = [];
  const other = new Map<OtherEvent, EventListener[]>(OTHER_EVENTS.map((name) => [name, []]));
  const openHandlers: OpenHandler[] = [];
  const fire = (name: OtherEvent, event: PreventableEvent & Partial<NavigationEvent>): boolean => {
    for (const listener of other.get(name) ?? []) listener(event, event.url);
    return event.defaultPrevented;
  };
  const contents = {
    navigate,
    attach,
    openHandlers,
    session: fakeSession(),
    stopped: 0,
    stop(): void {
      contents.stopped += 1;
    },
    on(event: string, listener: NavigateListener | AttachListener | EventListener): void {
      if (event === 'will-navigate') navigate.push(listener);
      else if (event === 'will-attach-webview') attach.push(listener as AttachListener);
      else if (other.has(event as OtherEvent)) other.get(event as OtherEvent)?.push(listener as EventListener);
      else throw new Error(`unexpected webContents event ${event}`);
    },
    setWindowOpenHandler(handler: OpenHandler): void {
      openHandlers.push(handler);
    },
    /** Fires will-navigate like Chromium would (main frame); true when some listener prevented it. */
    navigateTo(url: string): boolean {
      const event = navigationEvent(url);
      for (const listener of navigate) listener(event, url);
      return event.defaultPrevented;
    },
    /** A server answered a navigation with a redirect to `url`; true when it was prevented. */
    redirectTo(url: string, { isMainFrame = true } = {}): boolean {
      return fire('will-redirect', navigationEvent(url, isMainFrame));
    },
    /** A navigation started without will-navigate (history, reload). */
    startNavigation(url: string, { isMainFrame = true } = {}): void {
      fire('did-start-navigation', navigationEvent(url, isMainFrame));
    },
    /** A page's beforeunload handler tries to keep the window open; true when that was overruled. */
    preventUnload(): boolean {
      return fire('will-prevent-unload', preventableEvent());
    },
    listenerCount(event: OtherEvent): number {
      return other.get(event)?.length ?? 0;
    },
    attachWebview(): boolean {
      const event = preventableEvent();
      for (const listener of attach) listener(event);
      return event.defaultPrevented;
    },
    windowOpen(url: string): { action: string } {
      const handler = openHandlers.at(-1);
      if (!handler) throw new Error('no window open handler installed');
      return handler({ url });
    },
  };
  return contents;
}

export type FakeWebContents = ReturnType<typeof fakeWebContents>;

/** An Electron-shaped loadURL failure: errno and code as Chromium reports them, the full URL in the message. */
export function loadError(code: string, errno: number, url: string): Error {
  return Object.assign(new Error(`${code} (${errno}) loading '${url}'`), { code, errno, url });
}

/**
 * A BrowserWindow class for one test. Like Electron, a new window announces its webContents
 * (`onCreated`, where the app's web-contents-created hardening runs) before the constructor returns.
 */
export function fakeBrowserWindowClass(onCreated: (contents: FakeWebContents) => void = () => {}) {
  class FakeWindow {
    static windows: FakeWindow[] = [];
    /** What loadURL resolves or rejects with. */
    static load: (url: string) => Promise<void> = () => Promise.resolve();
    static getAllWindows(): FakeWindow[] {
      return [...FakeWindow.windows];
    }
    readonly options: BrowserWindowConstructorOptions;
    readonly onceListeners = new Map<string, () => void>();
    readonly listeners = new Map<string, ((event: PreventableEvent) => void)[]>();
    readonly loadURL = vi.fn<(url: string) => Promise<void>>((url) => FakeWindow.load(url));
    readonly show = vi.fn<() => void>();
    readonly focus = vi.fn<() => void>();
    readonly restore = vi.fn<() => void>();
    minimized = false;
    destroyed = false;
    readonly webContents = Object.assign(fakeWebContents(), { send: vi.fn<(channel: string, ...args: unknown[]) => void>() });
    constructor(options: BrowserWindowConstructorOptions) {
      this.options = options;
      FakeWindow.windows.push(this);
      onCreated(this.webContents);
    }
    isMinimized(): boolean {
      return this.minimized;
    }
    once(event: string, listener: () => void): this {
      this.onceListeners.set(event, listener);
      return this;
    }
    on(event: string, listener: (event: PreventableEvent) => void): this {
      this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
      return this;
    }
    emit(event: string): PreventableEvent {
      const prevented = preventableEvent();
      for (const listener of this.listeners.get(event) ?? []) listener(prevented);
      return prevented;
    }
    isDestroyed(): boolean {
      return this.destroyed;
    }
    /** Electron's destroy(): no beforeunload, no 'close', but always 'closed'. */
    destroy(): void {
      if (this.destroyed) return;
      this.destroyed = true;
      this.emit('closed');
    }
    /** The user clicks the close button. */
    closeByUser(): void {
      this.destroy();
    }
    /** Fires ready-to-show, as Electron does once the first page has painted. */
    readyToShow(): void {
      this.onceListeners.get('ready-to-show')?.();
    }
  }
  return FakeWindow;
}

export type FakeWindowClass = ReturnType<typeof fakeBrowserWindowClass>;
export type FakeWindow = InstanceType<FakeWindowClass>;
