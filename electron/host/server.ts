import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { WireResult } from '@shared/errors';
import { HOST_API_ROOT, HOST_EVENTS_PATH, HOST_TOKEN_HEADER, HOST_TOKEN_META } from '@shared/host-protocol';
import { buildCsp, securityHeaders } from '../common/csp';
import { readStaticFile } from '../common/static-files';
import type { Core } from '../core/app';
import { checkRequest, tokenMatches, type GuardFailure } from './guards';

const API_PREFIX = `${HOST_API_ROOT}/`;
const MAX_BODY_BYTES = 1024 * 1024;

export interface HostOptions {
  core: Pick<Core, 'dispatch' | 'events' | 'log'>;
  rendererDir: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** A fresh random token per launch unless a test supplies one. */
  token?: string;
}

export interface RunningHost {
  /** The address to open, including the token. */
  url: string;
  origin: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

/**
 * Serves the built renderer and the contract on 127.0.0.1 only: `POST /api/<method>` for calls
 * and a WebSocket at /events for pushed events. Every call needs the per-launch token, a
 * loopback Host and, when a browser sends one, our own Origin.
 */
export async function startHost(options: HostOptions): Promise<RunningHost> {
  const token = options.token ?? randomBytes(32).toString('base64url');
  const { core } = options;
  let port = 0;

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      core.log.error('host', 'request failed', error);
      if (!response.headersSent) sendText(response, 500, 'Braid host error. Details are in its log.');
      else response.destroy();
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const failure = checkRequest(request, port, false);
    if (failure) return sendFailure(response, failure);
    const url = URL.parse(request.url ?? '/', 'http://127.0.0.1');
    if (!url) return sendText(response, 400, 'Malformed request target.');

    if (url.pathname === HOST_API_ROOT || url.pathname.startsWith(API_PREFIX)) {
      return handleCall(request, response, url);
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') return sendText(response, 405, 'Method not allowed.');
    return handleStatic(response, url);
  }

  async function handleCall(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    if (request.method !== 'POST') return sendText(response, 405, 'Contract calls use POST.');
    if (!tokenMatches(headerValue(request, HOST_TOKEN_HEADER), token)) {
      return sendFailure(response, { status: 401, message: 'Missing or wrong Braid host token.' });
    }
    if (!(request.headers['content-type'] ?? '').startsWith('application/json')) {
      return sendText(response, 415, 'Contract calls send JSON.');
    }
    const name = safeDecode(url.pathname.slice(API_PREFIX.length));
    const body = await readBody(request);
    let result: WireResult<unknown>;
    if (body === null) {
      result = { ok: false, error: { code: 'input.invalid', message: 'The request body is too large.' } };
    } else {
      const envelope = parseEnvelope(body);
      result = envelope.ok ? await core.dispatch(name, envelope.input) : { ok: false, error: envelope.error };
    }
    sendJson(response, 200, result);
  }

  async function handleStatic(response: ServerResponse, url: URL): Promise<void> {
    const file = await readStaticFile(options.rendererDir, url.pathname);
    if (!file) return sendText(response, 404, 'Not found.');
    const headers = { ...securityHeaders(pageCsp()), 'Content-Type': file.contentType };
    if (!file.isPage) {
      response.writeHead(200, { ...headers, 'Cache-Control': 'max-age=3600' });
      response.end(file.body);
      return;
    }
    if (!tokenMatches(url.searchParams.get('token'), token)) {
      return sendFailure(response, {
        status: 401,
        message: 'Open the full address that `npm run web` printed: it includes this launch\u2019s token.',
      });
    }
    const page = file.body.toString('utf8').replace('</head>', `<meta name="${HOST_TOKEN_META}" content="${token}"></head>`);
    response.writeHead(200, { ...headers, 'Cache-Control': 'no-store' });
    response.end(page);
  }

  function pageCsp(): string {
    return buildCsp({ connect: [`ws://127.0.0.1:${port}`, `ws://localhost:${port}`] });
  }

  const sockets = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  server.on('upgrade', (request, socket, head) => {
    // Node drops its own error handler from upgrade sockets: without one, a client that resets
    // the connection while we refuse it would throw out of the server and stop the host.
    const onSocketError = (): void => void socket.destroy();
    socket.on('error', onSocketError);
    // URL.parse, not new URL: a malformed target (e.g. `//`) must be refused, not throw out of this listener.
    const url = URL.parse(request.url ?? '/', 'http://127.0.0.1');
    const failure: GuardFailure | null =
      url?.pathname !== HOST_EVENTS_PATH
        ? { status: 404, message: 'Not found.' }
        : (checkRequest(request, port, true) ??
          (tokenMatches(url.searchParams.get('token'), token) ? null : { status: 401, message: 'Missing or wrong token.' }));
    if (failure) {
      socket.end(`HTTP/1.1 ${failure.status} ${failure.message}\r\nConnection: close\r\n\r\n`);
      return;
    }
    socket.off('error', onSocketError);
    sockets.handleUpgrade(request, socket, head, (ws) => sockets.emit('connection', ws));
  });
  sockets.on('connection', (ws: WebSocket) => {
    // The renderer only listens; anything it sends is ignored.
    ws.on('message', () => undefined);
  });

  const stopForwarding = core.events.onAny((event, payload) => {
    const message = JSON.stringify({ event, payload });
    for (const client of sockets.clients) if (client.readyState === client.OPEN) client.send(message);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;

  return {
    url: `${origin}/?token=${token}`,
    origin,
    port,
    token,
    async close() {
      stopForwarding();
      for (const client of sockets.clients) client.terminate();
      sockets.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function headerValue(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function parseEnvelope(body: string): { ok: true; input: unknown } | { ok: false; error: { code: 'input.invalid'; message: string } } {
  try {
    const parsed: unknown = body.length === 0 ? {} : JSON.parse(body);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
    return { ok: true, input: (parsed as { input?: unknown }).input };
  } catch {
    return { ok: false, error: { code: 'input.invalid', message: 'The request body must be a JSON object like {"input": …}.' } };
  }
}

/** An undecodable method name is just an unknown method, not a server error. */
function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * Reads a JSON body up to MAX_BODY_BYTES. Past that it keeps reading but discards, so the client
 * gets its error reply instead of a reset mid-upload. Only token-holding callers get here.
 */
async function readBody(request: IncomingMessage): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size <= MAX_BODY_BYTES) chunks.push(buffer);
  }
  return size > MAX_BODY_BYTES ? null : Buffer.concat(chunks).toString('utf8');
}

function sendJson(response: ServerResponse, status: number, value: unknown): void {
  response.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  response.end(JSON.stringify(value));
}

function sendText(response: ServerResponse, status: number, message: string): void {
  response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' });
  response.end(message);
}

function sendFailure(response: ServerResponse, failure: GuardFailure): void {
  sendText(response, failure.status, failure.message);
}
