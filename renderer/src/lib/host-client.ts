/**
 * `window.braid` in a browser: the same contract as the Electron preload, over HTTP for calls
 * and a WebSocket for events, authenticated by the token the host put in the page.
 */
import { buildMethods, type BraidApi } from '@shared/api';
import type { EventName, EventPayload } from '@shared/contract';
import { isEventName } from '@shared/contract-names';
import type { WireError, WireResult } from '@shared/errors';
import { HOST_EVENTS_PATH, HOST_TOKEN_HEADER, HOST_TOKEN_META, hostCallPath } from '@shared/host-protocol';

type Listener = (payload: unknown) => void;

export interface HostClient extends BraidApi {
  /** Connection to the host's event stream, for the "reconnecting" banner. */
  onConnectionChange(listener: (connected: boolean) => void): () => void;
  /** Stops the event stream and its reconnection attempts. */
  close(): void;
}

export function readHostToken(doc: Document = document): string | null {
  return doc.querySelector<HTMLMetaElement>(`meta[name="${HOST_TOKEN_META}"]`)?.content ?? null;
}

export interface HostClientOptions {
  /** The host's address; the page's own origin in a browser. */
  origin?: string;
  /** Opens the event socket; tests outside a browser pass one that can send an Origin header. */
  openSocket?: (url: string) => WebSocket;
}

export function createHostClient(token: string, options: HostClientOptions = {}): HostClient {
  const origin = options.origin ?? location.origin;
  const openSocket = options.openSocket ?? ((url: string) => new WebSocket(url));
  const listeners = new Map<EventName, Set<Listener>>();
  const connectionListeners = new Set<(connected: boolean) => void>();

  const methods = buildMethods(async (name, input) => {
    let response: Response;
    try {
      response = await fetch(`${origin}${hostCallPath(name)}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', [HOST_TOKEN_HEADER]: token },
        body: JSON.stringify({ input }),
      });
    } catch {
      throw unreachable();
    }
    if (!response.ok) {
      const text = await response.text().catch(() => '');
      const error: WireError = {
        code: response.status === 401 || response.status === 403 ? 'caller.forbidden' : 'host.unreachable',
        message: text || `The Braid host answered ${response.status}.`,
      };
      throw error;
    }
    const result = (await response.json()) as WireResult<unknown>;
    if (result.ok) return result.value;
    throw result.error;
  });

  let retryDelay = 500;
  let socket: WebSocket | null = null;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;
  function connect(): void {
    socket = openSocket(`${origin.replace(/^http/, 'ws')}${HOST_EVENTS_PATH}?token=${encodeURIComponent(token)}`);
    socket.addEventListener('open', () => {
      retryDelay = 500;
      for (const listener of connectionListeners) listener(true);
    });
    socket.addEventListener('message', (message: MessageEvent<string>) => {
      let parsed: { event?: unknown; payload?: unknown };
      try {
        parsed = JSON.parse(message.data) as typeof parsed;
      } catch {
        return;
      }
      if (!isEventName(parsed.event)) return;
      for (const listener of listeners.get(parsed.event) ?? []) listener(parsed.payload);
    });
    // A failed handshake is followed by 'close', which schedules the retry.
    socket.addEventListener('error', () => undefined);
    socket.addEventListener('close', () => {
      if (closed) return;
      for (const listener of connectionListeners) listener(false);
      // Back off up to 10 s with jitter so a restarted host is found again without a reload storm.
      const delay = Math.min(retryDelay, 10_000) * (0.5 + Math.random() / 2);
      retryDelay = Math.min(retryDelay * 2, 10_000);
      retryTimer = setTimeout(connect, delay);
    });
  }
  connect();

  return {
    ...methods,
    on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void) {
      if (!isEventName(event)) throw new TypeError(`Braid has no event named ${String(event)}`);
      const set = listeners.get(event) ?? new Set<Listener>();
      listeners.set(event, set);
      set.add(listener as Listener);
      return () => set.delete(listener as Listener);
    },
    onConnectionChange(listener) {
      connectionListeners.add(listener);
      return () => connectionListeners.delete(listener);
    },
    close() {
      closed = true;
      clearTimeout(retryTimer);
      socket?.close();
    },
  };
}

function unreachable(): WireError {
  return { code: 'host.unreachable', message: 'Braid’s host is not answering. Check that `npm run web` is still running, then try again.' };
}
