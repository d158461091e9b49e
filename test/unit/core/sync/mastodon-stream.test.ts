/**
 * The Mastodon streaming connection against a real WebSocket server on 127.0.0.1: what it sends
 * when it connects, what it hands on, and how it comes back (or does not) when the connection
 * goes. Reconnect delays are checked with fake timers so the test sees the exact waits.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { MastodonStream, type StreamEvent } from '../../../../electron/core/sync/mastodon-stream';
import { captureLogger } from '../helpers';

const TOKEN = 'mastodon-token-3f9a1c0e5b7d';

// Kept before any test fakes timers: waiting for a condition must use real time.
const realSetTimeout = globalThis.setTimeout;

async function until(check: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => realSetTimeout(resolve, 5));
  }
}

interface Attempt {
  url: string | undefined;
  authorization: string | undefined;
}

/** A streaming server that can refuse the upgrade with a status, or accept and talk. */
class StreamingServer {
  readonly attempts: Attempt[] = [];
  readonly sockets: WebSocket[] = [];
  /** Messages each accepted socket received, by socket. */
  readonly received: string[][] = [];
  refuseWith: number | null = null;
  readonly #http: Server = createServer();
  readonly #wss = new WebSocketServer({ noServer: true });

  async start(): Promise<string> {
    this.#http.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      this.attempts.push({ url: request.url, authorization: request.headers.authorization });
      if (this.refuseWith !== null) {
        socket.end(`HTTP/1.1 ${this.refuseWith} Refused\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
        return;
      }
      this.#wss.handleUpgrade(request, socket, head, (ws) => {
        const messages: string[] = [];
        this.received.push(messages);
        this.sockets.push(ws);
        ws.on('message', (data: Buffer) => messages.push(data.toString('utf8')));
      });
    });
    await new Promise<void>((resolve) => this.#http.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.#http.address() as AddressInfo).port}`;
  }

  get last(): WebSocket {
    const socket = this.sockets.at(-1);
    if (!socket) throw new Error('no connection yet');
    return socket;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.terminate();
    this.#wss.close();
    this.#http.closeAllConnections();
    await new Promise<void>((resolve) => this.#http.close(() => resolve()));
  }
}

let server: StreamingServer;
let origin: string;
let streams: MastodonStream[];

beforeEach(async () => {
  server = new StreamingServer();
  origin = await server.start();
  streams = [];
});
afterEach(async () => {
  for (const stream of streams) stream.stop();
  vi.useRealTimers();
  await server.stop();
});

function open(options: { baseDelayMs?: number; maxDelayMs?: number; streamingUrl?: string } = {}) {
  const logger = captureLogger();
  const events: StreamEvent[] = [];
  const live: boolean[] = [];
  const onUnauthorized = vi.fn();
  const stream = new MastodonStream({
    streamingUrl: options.streamingUrl ?? origin,
    token: TOKEN,
    log: logger.log,
    onEvent: (event) => events.push(event),
    onLiveChange: (value) => live.push(value),
    onUnauthorized,
    baseDelayMs: options.baseDelayMs ?? 10,
    maxDelayMs: options.maxDelayMs ?? 1_000,
  });
  streams.push(stream);
  stream.start();
  return { stream, events, live, onUnauthorized, ...logger };
}

describe('MastodonStream', () => {
  it('sends the token in the Authorization header, never in the URL, and subscribes to the user stream', async () => {
    const { stream, live, text } = open({ streamingUrl: `${origin}/ignored/path?x=1` });
    await until(() => server.received[0]?.length === 1, 'the subscribe message');
    expect(server.attempts).toEqual([{ url: '/api/v1/streaming', authorization: `Bearer ${TOKEN}` }]);
    expect(JSON.parse(server.received[0]?.[0] ?? '')).toEqual({ type: 'subscribe', stream: 'user' });
    expect(live).toEqual([true]);
    expect(stream.live).toBe(true);
    expect(text()).not.toContain(TOKEN);
  });

  it('accepts a ws:// streaming URL as Mastodon names it', async () => {
    const { live } = open({ streamingUrl: origin.replace('http:', 'ws:') });
    await until(() => live.length === 1, 'going live');
    expect(server.attempts[0]?.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it('hands on events with their payloads: JSON strings as they are, bare ids for delete, objects as JSON', async () => {
    const { events, live } = open();
    await until(() => live.includes(true) && server.sockets.length === 1, 'the connection');
    const status = { id: '1101', content: '<p>hi</p>', account: { id: '7', acct: 'bob' } };
    server.last.send(JSON.stringify({ stream: ['user'], event: 'update', payload: JSON.stringify(status) }));
    server.last.send(JSON.stringify({ stream: ['user'], event: 'delete', payload: '1100' }));
    server.last.send(JSON.stringify({ stream: ['user'], event: 'status.update', payload: status }));
    await until(() => events.length === 3, 'three events');
    expect(events).toEqual([
      { event: 'update', payload: JSON.stringify(status) },
      { event: 'delete', payload: '1100' },
      { event: 'status.update', payload: JSON.stringify(status) },
    ]);
    expect(JSON.parse(events[0]?.payload ?? '')).toEqual(status);
  });

  it('logs a message it cannot read, skips it and keeps listening', async () => {
    const { events, live, records } = open();
    await until(() => live.includes(true) && server.sockets.length === 1, 'the connection');
    server.last.send('this is not JSON {');
    server.last.send(JSON.stringify({ payload: 'no event name' }));
    server.last.send(JSON.stringify({ event: 'delete', payload: '42' }));
    await until(() => events.length === 1, 'the event after the garbage');
    expect(events).toEqual([{ event: 'delete', payload: '42' }]);
    expect(records.filter((r) => r.level === 'warn').map((r) => r.message)).toEqual(["streaming sent a message Braid could not read; skipped it"]);
    expect(live).toEqual([true]);
  });

  it('says it is no longer live when the server drops it, reconnects and is live again', async () => {
    const { live, events } = open({ baseDelayMs: 10 });
    await until(() => server.sockets.length === 1, 'the first connection');
    server.last.terminate();
    await until(() => live.length === 3, 'live, lost, live again');
    expect(live).toEqual([true, false, true]);
    expect(server.attempts).toEqual([
      { url: '/api/v1/streaming', authorization: `Bearer ${TOKEN}` },
      { url: '/api/v1/streaming', authorization: `Bearer ${TOKEN}` },
    ]);
    // The new connection subscribes again and delivers events.
    await until(() => server.received[1]?.length === 1, 'the second subscribe');
    server.last.send(JSON.stringify({ event: 'delete', payload: '9' }));
    await until(() => events.length === 1, 'an event on the new connection');
  });

  it('waits longer after each failed attempt, up to the cap, and starts over once connected', async () => {
    // The top of each jitter window, so the waits are exact.
    vi.spyOn(Math, 'random').mockReturnValue(1);
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    server.refuseWith = 503;
    const { live, records } = open({ baseDelayMs: 100, maxDelayMs: 1_000 });
    await until(() => server.attempts.length === 1 && vi.getTimerCount() === 1, 'the first failure');

    for (const wait of [100, 200, 400, 800, 1_000, 1_000]) {
      const before = server.attempts.length;
      vi.advanceTimersByTime(wait - 1);
      expect(vi.getTimerCount(), `still waiting before ${wait} ms`).toBe(1);
      vi.advanceTimersByTime(1);
      await until(() => server.attempts.length === before + 1 && vi.getTimerCount() === 1, `the attempt after ${wait} ms`);
    }
    expect(records.filter((r) => r.message.startsWith('streaming lost')).map((r) => r.message)).toEqual(
      ['0.1', '0.2', '0.4', '0.8', '1', '1', '1'].map((s) => `streaming lost; reconnecting in ${s} s`),
    );
    expect(live).toEqual([]);

    server.refuseWith = null;
    vi.advanceTimersByTime(1_000);
    await until(() => live.length === 1, 'connected');
    server.last.terminate();
    await until(() => live.length === 2 && vi.getTimerCount() === 1, 'lost again');
    const attempts = server.attempts.length;
    vi.advanceTimersByTime(99);
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(1);
    await until(() => server.attempts.length === attempts + 1, 'the quick reconnect');
    await until(() => live.length === 3, 'live again');
    expect(live).toEqual([true, false, true]);
  });

  it.each([401, 403])('gives up on an HTTP %i to the upgrade: calls onUnauthorized and never reconnects', async (status) => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    server.refuseWith = status;
    const { stream, live, onUnauthorized, records } = open();
    await until(() => onUnauthorized.mock.calls.length === 1, 'onUnauthorized');
    expect(vi.getTimerCount()).toBe(0);
    vi.runAllTimers();
    expect(server.attempts).toHaveLength(1);
    expect(live).toEqual([]);
    expect(stream.live).toBe(false);
    expect(records.some((r) => r.level === 'warn' && r.message.includes(`HTTP ${status}`))).toBe(true);
  });

  it('gives up when the token stops working between connections', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { live, onUnauthorized } = open();
    await until(() => live.length === 1, 'connected');
    server.refuseWith = 401;
    server.last.terminate();
    await until(() => vi.getTimerCount() === 1, 'the reconnect timer');
    vi.runOnlyPendingTimers();
    await until(() => onUnauthorized.mock.calls.length === 1, 'onUnauthorized');
    expect(vi.getTimerCount()).toBe(0);
    expect(server.attempts).toHaveLength(2);
    expect(live).toEqual([true, false]);
  });

  it('closes the connection on stop, says so, and does not come back', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { stream, live } = open();
    await until(() => live.length === 1 && server.sockets.length === 1, 'connected');
    const closed = new Promise<void>((resolve) => server.last.once('close', () => resolve()));
    stream.stop();
    await closed;
    expect(live).toEqual([true, false]);
    expect(vi.getTimerCount()).toBe(0);
    vi.runAllTimers();
    expect(server.attempts).toHaveLength(1);
  });

  it('stops waiting to reconnect on stop', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    server.refuseWith = 503;
    const { stream, onUnauthorized, records } = open();
    await until(() => vi.getTimerCount() === 1, 'the reconnect timer');
    stream.stop();
    expect(vi.getTimerCount()).toBe(0);
    vi.runAllTimers();
    expect(server.attempts).toHaveLength(1);
    expect(onUnauthorized).not.toHaveBeenCalled();
    expect(records.some((r) => r.message === 'streaming answered HTTP 503')).toBe(true);
  });
});
