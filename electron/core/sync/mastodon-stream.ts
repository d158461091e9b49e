/**
 * The Mastodon streaming connection for one account: a WebSocket to
 * `<configuration.urls.streaming>/api/v1/streaming`, subscribed to the `user` stream
 * (docs.joinmastodon.org/methods/streaming). The token goes in the Authorization header, never
 * in the URL. When the connection drops it comes back after an exponential backoff with
 * jitter; the sync polls while it is down.
 */
import WebSocket from 'ws';
import type { Logger } from '../log';
import { backoffDelay } from './backoff';

export interface StreamEvent {
  event: string;
  /** The event's payload: a JSON string for statuses, a bare id for `delete`. */
  payload: string;
}

export interface MastodonStreamOptions {
  streamingUrl: string;
  token: string;
  log: Logger;
  onEvent: (event: StreamEvent) => void;
  /** Called with true once subscribed, false when the connection is lost. */
  onLiveChange: (live: boolean) => void;
  /** A 401 on connect: the token is no longer accepted; no reconnect. */
  onUnauthorized: () => void;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** How often to check the connection is alive (default 30 s). */
  heartbeatMs?: number;
}

export class MastodonStream {
  readonly #options: MastodonStreamOptions;
  #socket: WebSocket | null = null;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #attempt = 0;
  #stopped = false;
  #live = false;
  #heartbeat: ReturnType<typeof setInterval> | null = null;

  constructor(options: MastodonStreamOptions) {
    this.#options = options;
  }

  get live(): boolean {
    return this.#live;
  }

  start(): void {
    this.#stopped = false;
    this.#connect();
  }

  stop(): void {
    this.#stopped = true;
    this.#stopHeartbeat();
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    const socket = this.#socket;
    this.#socket = null;
    socket?.removeAllListeners();
    socket?.on('error', () => undefined);
    socket?.terminate();
    this.#setLive(false);
  }

  #connect(): void {
    const url = new URL('/api/v1/streaming', this.#options.streamingUrl);
    url.protocol = url.protocol === 'https:' || url.protocol === 'wss:' ? 'wss:' : 'ws:';
    const socket = new WebSocket(url, { headers: { authorization: `Bearer ${this.#options.token}` }, handshakeTimeout: 10_000 });
    this.#socket = socket;
    socket.on('open', () => {
      socket.send(JSON.stringify({ type: 'subscribe', stream: 'user' }));
      this.#attempt = 0;
      this.#setLive(true);
      this.#startHeartbeat(socket);
    });
    socket.on('message', (data: Buffer | ArrayBuffer | Buffer[]) => this.#receive(Buffer.isBuffer(data) ? data.toString('utf8') : Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data).toString('utf8')));
    socket.on('unexpected-response', (_request, response) => {
      if (response.statusCode === 401 || response.statusCode === 403) {
        this.#options.log.warn('sync', `streaming refused the sign-in (HTTP ${response.statusCode})`);
        this.stop();
        this.#options.onUnauthorized();
        return;
      }
      this.#options.log.warn('sync', `streaming answered HTTP ${response.statusCode}`);
      socket.terminate();
    });
    socket.on('error', (error) => this.#options.log.info('sync', `streaming connection error: ${error.message}`));
    socket.on('close', () => {
      if (this.#socket !== socket) return;
      this.#stopHeartbeat();
      this.#socket = null;
      this.#setLive(false);
      this.#scheduleReconnect();
    });
  }

  #receive(text: string): void {
    try {
      const message = JSON.parse(text) as { event?: unknown; payload?: unknown };
      if (typeof message.event !== 'string') return;
      const payload = typeof message.payload === 'string' ? message.payload : JSON.stringify(message.payload ?? null);
      this.#options.onEvent({ event: message.event, payload });
    } catch {
      this.#options.log.warn('sync', 'streaming sent a message Braid could not read; skipped it');
    }
  }

  /**
   * A connection can die without a close (a laptop's sleep, a NAT timeout): ping now and then,
   * and drop a connection whose pong does not come back, so the reconnect and polling take over.
   */
  #startHeartbeat(socket: WebSocket): void {
    this.#stopHeartbeat();
    let answered = true;
    socket.on('pong', () => (answered = true));
    this.#heartbeat = setInterval(() => {
      if (!answered) {
        this.#options.log.info('sync', 'streaming stopped answering pings; reconnecting');
        socket.terminate();
        return;
      }
      answered = false;
      socket.ping();
    }, this.#options.heartbeatMs ?? 30_000);
  }

  #stopHeartbeat(): void {
    if (this.#heartbeat) clearInterval(this.#heartbeat);
    this.#heartbeat = null;
  }

  #scheduleReconnect(): void {
    if (this.#stopped) return;
    const delay = backoffDelay(this.#attempt, { baseMs: this.#options.baseDelayMs ?? 1000, capMs: this.#options.maxDelayMs ?? 60_000 });
    this.#attempt += 1;
    this.#options.log.info('sync', `streaming lost; reconnecting in ${Math.round(delay / 100) / 10} s`);
    this.#timer = setTimeout(() => {
      this.#timer = null;
      if (!this.#stopped) this.#connect();
    }, delay);
  }

  #setLive(live: boolean): void {
    if (this.#live === live) return;
    this.#live = live;
    this.#options.onLiveChange(live);
  }
}
