/**
 * Shared fixtures for the browser host's tests: a real core on an in-memory database, a tiny
 * renderer folder, and raw HTTP / WebSocket clients that can set Host and Origin exactly.
 * Everything talks to 127.0.0.1 only.
 */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { request, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { createCore, type Core } from '../../../electron/core/app';
import { createLogger, type LogRecord } from '../../../electron/core/log';
import { MemorySecretStore } from '../../../electron/core/secrets/memory-store';
import { startHost, type RunningHost } from '../../../electron/host/server';

export const INDEX_HTML = '<!doctype html><html><head><title>Braid test</title></head><body><div id="app"></div></body></html>';
export const APP_JS = 'console.log("braid test bundle");';
export const SECRET_TEXT = 'this file sits next to the renderer folder and must never be served';

export interface RendererFixture {
  /** A temp folder holding `renderer/` and, next to it, `secret.txt`. */
  root: string;
  rendererDir: string;
  remove(): Promise<void>;
}

export async function makeRendererDir(): Promise<RendererFixture> {
  const root = await mkdtemp(join(tmpdir(), 'braid-host-test-'));
  const rendererDir = join(root, 'renderer');
  await mkdir(join(rendererDir, 'assets'), { recursive: true });
  await writeFile(join(rendererDir, 'index.html'), INDEX_HTML);
  await writeFile(join(rendererDir, 'assets', 'app.js'), APP_JS);
  await writeFile(join(rendererDir, 'assets', 'app.css'), 'body { margin: 0 }');
  await writeFile(join(root, 'secret.txt'), SECRET_TEXT);
  return { root, rendererDir, remove: () => rm(root, { recursive: true, force: true }) };
}

export interface TestHost {
  core: Core;
  host: RunningHost;
  logs: LogRecord[];
  fixture: RendererFixture;
  /** Closes host and core (once) and removes the temp folder. */
  stop(): Promise<void>;
}

export async function startTestHost(): Promise<TestHost> {
  const logs: LogRecord[] = [];
  const fixture = await makeRendererDir();
  const core = createCore({
    dataDir: ':memory:',
    secrets: new MemorySecretStore(),
    fetch: globalThis.fetch,
    clock: { now: () => Date.now() },
    shell: 'browser',
    appVersion: '0.0.0-test',
    logger: createLogger((record) => logs.push(record)),
  });
  let host: RunningHost;
  try {
    host = await startHost({ core, rendererDir: fixture.rendererDir, port: 0 });
  } catch (error) {
    core.close();
    await fixture.remove();
    throw error;
  }
  let stopped = false;
  return {
    core,
    host,
    logs,
    fixture,
    async stop() {
      if (stopped) return;
      stopped = true;
      try {
        await host.close();
      } finally {
        core.close();
        await fixture.remove();
      }
    },
  };
}

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface RawRequestOptions {
  port: number;
  method?: string;
  path: string;
  /** Sent exactly; `host` replaces the default `127.0.0.1:<port>`. */
  headers?: OutgoingHttpHeaders;
  body?: string | Buffer;
  /** Send no Host header at all. */
  omitHost?: boolean;
}

/**
 * One HTTP request to 127.0.0.1 with full control over Host and Origin (fetch refuses to set
 * Host). The path is sent as given, without normalisation.
 */
export function rawRequest(options: RawRequestOptions): Promise<RawResponse> {
  const headers: OutgoingHttpHeaders = options.omitHost
    ? { ...options.headers }
    : { host: `127.0.0.1:${options.port}`, ...options.headers };
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: options.port,
        method: options.method ?? 'GET',
        path: options.path,
        headers,
        agent: false,
        setHost: !options.omitHost,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
        );
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

export interface CallOptions {
  token?: string | null;
  origin?: string;
  /** A Host header to send instead of `127.0.0.1:<port>`; null sends none. */
  host?: string | null;
  contentType?: string;
  /** A raw body; defaults to `{"input": input}`. */
  body?: string | Buffer;
}

/** POST /api/<name> the way the renderer's host client does, with overridable guards. */
export function callApi(host: RunningHost, name: string, input?: unknown, options: CallOptions = {}): Promise<RawResponse> {
  const headers: OutgoingHttpHeaders = { 'content-type': options.contentType ?? 'application/json' };
  const token = options.token === undefined ? host.token : options.token;
  if (token !== null) headers['x-braid-token'] = token;
  if (options.origin !== undefined) headers.origin = options.origin;
  if (typeof options.host === 'string') headers.host = options.host;
  return rawRequest({
    omitHost: options.host === null,
    port: host.port,
    method: 'POST',
    path: `/api/${name}`,
    headers,
    body: options.body ?? JSON.stringify(input === undefined ? {} : { input }),
  });
}

export type WsOutcome =
  | { kind: 'open'; socket: WebSocket }
  | { kind: 'refused'; status: number }
  | { kind: 'error'; error: Error };

/** Tries to open a WebSocket and reports whether the host accepted it, refused it, or failed. */
export function openSocket(url: string, headers: Record<string, string> = {}): Promise<WsOutcome> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url, { headers });
    socket.once('open', () => resolve({ kind: 'open', socket }));
    socket.once('unexpected-response', (_request, response) => {
      resolve({ kind: 'refused', status: response.statusCode ?? 0 });
      response.resume();
      socket.terminate();
    });
    socket.once('error', (error) => resolve({ kind: 'error', error }));
  });
}

export function eventsUrl(host: RunningHost, token: string | null = host.token): string {
  const base = `ws://127.0.0.1:${host.port}/events`;
  return token === null ? base : `${base}?token=${encodeURIComponent(token)}`;
}

/** Resolves with the next text message a socket receives. */
export function nextMessage(socket: WebSocket): Promise<string> {
  return new Promise((resolve, reject) => {
    socket.once('message', (data: WebSocket.RawData) => resolve(rawDataToString(data)));
    socket.once('close', () => reject(new Error('socket closed before a message arrived')));
  });
}

function rawDataToString(data: WebSocket.RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}

/** Resolves when a socket has closed, with its close code. */
export function closed(socket: WebSocket): Promise<number> {
  if (socket.readyState === WebSocket.CLOSED) return Promise.resolve(1006);
  return new Promise((resolve) => socket.once('close', (code: number) => resolve(code)));
}
