import type { BraidApi } from '@shared/api';
import { isWireError } from '@shared/errors';
import { createHostClient, readHostToken, type HostClient } from './host-client';

declare global {
  interface Window {
    /** Provided by the Electron preload; absent in a browser, where the host client stands in. */
    braid?: BraidApi;
  }
}

export interface Backend {
  api: BraidApi;
  /** Only the browser host has a connection that can drop; Electron's IPC does not. */
  onConnectionChange?: HostClient['onConnectionChange'];
}

/** Finds the bridge: the preload's `window.braid`, or a host client built from the page's token. */
export function connectBackend(): Backend | null {
  if (window.braid) return { api: window.braid };
  const token = readHostToken();
  if (!token) return null;
  const client = createHostClient(token);
  return { api: client, onConnectionChange: (listener) => client.onConnectionChange(listener) };
}

/** The message to show for a failed call: the backend's own words when it sent some. */
export function errorMessage(error: unknown): string {
  if (isWireError(error)) return error.message;
  if (error instanceof Error) return error.message;
  return 'Something went wrong.';
}
