import { METHOD_NAMES, ipcChannel } from '@shared/contract';
import type { WireResult } from '@shared/errors';
import type { Dispatch } from '../core/dispatch';
import type { Logger } from '../core/log';
import type { FrameLike } from './trust';

export interface IpcInvokeEventLike {
  senderFrame: FrameLike | null;
}

export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcInvokeEventLike, ...args: unknown[]) => Promise<unknown>): void;
  removeHandler(channel: string): void;
}

export interface IpcOptions {
  ipcMain: IpcMainLike;
  dispatch: Dispatch;
  isTrustedSender: (frame: FrameLike | null) => boolean;
  log: Logger;
}

/**
 * One handler per contract method, on a channel fixed by the contract. Each call is checked for
 * its sender frame, then validated by the dispatcher; failures come back as `{ ok: false }`.
 * Returns a function that removes the handlers.
 */
export function registerIpc({ ipcMain, dispatch, isTrustedSender, log }: IpcOptions): () => void {
  for (const name of METHOD_NAMES) {
    ipcMain.handle(ipcChannel(name), async (event, ...args): Promise<WireResult<unknown>> => {
      if (!isTrustedSenderSafe(isTrustedSender, event)) {
        log.warn('ipc', `refused ${name} from ${frameUrl(event)}`);
        return { ok: false, error: { code: 'caller.forbidden', message: `This page may not call ${name}.` } };
      }
      if (args.length > 1) {
        return { ok: false, error: { code: 'input.invalid', message: `${name} takes at most one argument.` } };
      }
      return dispatch(name, args[0]);
    });
  }
  return () => {
    for (const name of METHOD_NAMES) ipcMain.removeHandler(ipcChannel(name));
  };
}

/** A frame that closed mid-call can throw when read; treat it as untrusted rather than failing the call. */
function isTrustedSenderSafe(check: (frame: FrameLike | null) => boolean, event: IpcInvokeEventLike): boolean {
  try {
    return check(event.senderFrame);
  } catch {
    return false;
  }
}

function frameUrl(event: IpcInvokeEventLike): string {
  try {
    return event.senderFrame?.url ?? 'a closed frame';
  } catch {
    return 'a closed frame';
  }
}
