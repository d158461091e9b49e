/**
 * Small fakes of the Electron APIs the main-process glue takes as parameters. They record what
 * the glue did so tests can assert it; none of them imports the real `electron` module.
 */
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

type NavigateListener = (event: { preventDefault(): void }, url: string) => void;
type AttachListener = (event: { preventDefault(): void }) => void;
type OpenHandler = (details: { url: string }) => { action: 'deny' };

/** A webContents that records the listeners and window-open handler the glue installs. */
export function fakeWebContents() {
  const navigate: NavigateListener[] = [];
  const attach: AttachListener[] = [];
  const openHandlers: OpenHandler[] = [];
  const contents = {
    navigate,
    attach,
    openHandlers,
    on(event: string, listener: NavigateListener | AttachListener): void {
      if (event === 'will-navigate') navigate.push(listener);
      else if (event === 'will-attach-webview') attach.push(listener as AttachListener);
      else throw new Error(`unexpected webContents event ${event}`);
    },
    setWindowOpenHandler(handler: OpenHandler): void {
      openHandlers.push(handler);
    },
    /** Fires will-navigate like Chromium would; true when some listener prevented it. */
    navigateTo(url: string): boolean {
      const event = preventableEvent();
      for (const listener of navigate) listener(event, url);
      return event.defaultPrevented;
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
