import { EVENT_CHANNEL, ipcChannel, isEventName, type EventName, type EventPayload } from '@shared/contract';
import { buildMethods, type BraidApi } from '@shared/api';
import type { WireError, WireResult } from '@shared/errors';

export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): void;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): void;
}

/**
 * `window.braid` in Electron: the contract's methods and `on`, nothing else. Failures reject
 * with a plain `{ code, message }` because contextBridge drops properties of Error objects.
 */
export function createBridge(ipcRenderer: IpcRendererLike): BraidApi {
  const methods = buildMethods(async (name, input) => {
    const result = (await ipcRenderer.invoke(ipcChannel(name), input)) as WireResult<unknown>;
    if (result.ok) return result.value;
    const error: WireError = { code: result.error.code, message: result.error.message };
    throw error;
  });
  return {
    ...methods,
    on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void) {
      if (!isEventName(event)) throw new TypeError(`Braid has no event named ${String(event)}`);
      const forward = (_event: unknown, name: unknown, payload: unknown) => {
        if (name === event) listener(payload as EventPayload<E>);
      };
      ipcRenderer.on(EVENT_CHANNEL, forward);
      return () => ipcRenderer.removeListener(EVENT_CHANNEL, forward);
    },
  };
}
