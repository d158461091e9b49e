/**
 * The streaming API over WebSocket (https://docs.joinmastodon.org/methods/streaming/):
 * `GET /api/v1/streaming`, token in `access_token`, `Sec-WebSocket-Protocol` (as masto.js sends
 * it) or `Authorization`; `{"type":"subscribe","stream":"user"}` messages; events shaped
 * `{"stream":["user"],"event":"update","payload":"<JSON string>"}` (delete: the id).
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { scopeAllows } from './api-support.ts';
import type { StreamHub } from './context.ts';
import { statusJson } from './entities.ts';
import type { StatusRecord, Store, TokenRecord } from './model.ts';

interface Connection {
  ws: WebSocket;
  token: TokenRecord;
  accountId: string;
  subs: Set<string>;
}

const SIMPLE_STREAMS = new Set(['user', 'user:notification', 'public', 'public:local', 'public:remote', 'public:media', 'public:local:media', 'public:remote:media', 'direct']);

export interface Streaming {
  hub: StreamHub;
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void;
}

function reject(socket: Duplex, status: number, text: string, error: string): void {
  const body = JSON.stringify({ error });
  socket.end(`HTTP/1.1 ${status} ${text}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

/** The streaming server's checkScopes: which scopes let a token open a stream. */
function streamScope(key: string): string {
  return key === 'user:notification' ? 'read:notifications' : 'read:statuses';
}

/** Public and hashtag streams a public status appears on. */
function publicKeys(status: StatusRecord): string[] {
  const scope = status.local ? 'local' : 'remote';
  const keys = ['public', `public:${scope}`, ...(status.mediaIds.length > 0 ? ['public:media', `public:${scope}:media`] : [])];
  for (const tag of status.tags) {
    keys.push(`hashtag:${tag}`);
    if (status.local) keys.push(`hashtag:local:${tag}`);
  }
  return keys;
}

export function createStreaming(store: Store, authenticate: (token: string) => TokenRecord | undefined): Streaming {
  const connections = new Set<Connection>();
  const wss = new WebSocketServer({ noServer: true, handleProtocols: (protocols) => [...protocols][0] ?? false });

  const send = (conn: Connection, stream: string[], event: string, payload: string): void => {
    if (conn.ws.readyState === conn.ws.OPEN) conn.ws.send(JSON.stringify({ stream, event, payload }));
  };

  /** `hashtag` + tag is stored as `hashtag:<tag>`; its stream array is ['hashtag', tag]. */
  const streamKey = (stream: string, tag: unknown): string | undefined => {
    if (SIMPLE_STREAMS.has(stream)) return stream;
    if ((stream === 'hashtag' || stream === 'hashtag:local') && typeof tag === 'string' && tag !== '') return `${stream}:${tag.toLowerCase()}`;
    return undefined;
  };
  const streamArray = (key: string): string[] => {
    const match = /^(hashtag(?::local)?):(.+)$/.exec(key);
    return match ? [match[1] as string, match[2] as string] : [key];
  };

  const onMessage = (conn: Connection, raw: string): void => {
    let message: unknown;
    try {
      message = JSON.parse(raw);
    } catch {
      conn.ws.send(JSON.stringify({ error: 'Invalid JSON', status: 400 }));
      return;
    }
    if (typeof message !== 'object' || message === null) return;
    const { type, stream, tag } = message as { type?: unknown; stream?: unknown; tag?: unknown };
    if ((type !== 'subscribe' && type !== 'unsubscribe') || typeof stream !== 'string') return;
    const key = streamKey(stream, tag);
    if (key === undefined) {
      conn.ws.send(JSON.stringify({ error: 'Unknown stream type', status: 400 }));
      return;
    }
    if (type === 'unsubscribe') conn.subs.delete(key);
    else if (!scopeAllows(conn.token.scopes, streamScope(key))) conn.ws.send(JSON.stringify({ error: 'Access token does not have the required scopes', status: 401 }));
    else conn.subs.add(key);
  };

  const hub: StreamHub = {
    toUser(accountId, event, payload) {
      let text: string | undefined;
      for (const conn of connections) {
        if (conn.accountId !== accountId) continue;
        // Notifications reach `user` only for a token that may read them.
        const userGetsIt = conn.subs.has('user') && (event !== 'notification' || scopeAllows(conn.token.scopes, 'read:notifications'));
        const streams = [userGetsIt ? 'user' : undefined, event === 'notification' && conn.subs.has('user:notification') ? 'user:notification' : undefined];
        for (const stream of streams) {
          if (stream === undefined) continue;
          text ??= JSON.stringify(payload());
          send(conn, [stream], event, text);
        }
      }
    },
    toPublic(status: StatusRecord, event) {
      const keys = publicKeys(status);
      for (const conn of connections) {
        for (const key of keys) {
          if (conn.subs.has(key)) send(conn, streamArray(key), event, JSON.stringify(statusJson(store, status, conn.accountId)));
        }
      }
    },
    deleted(status, homeOwners) {
      const keys = status.visibility === 'public' && status.reblogOfId === null ? publicKeys(status) : [];
      for (const conn of connections) {
        if (conn.subs.has('user') && homeOwners.includes(conn.accountId)) send(conn, ['user'], 'delete', status.id);
        for (const key of keys) if (conn.subs.has(key)) send(conn, streamArray(key), 'delete', status.id);
      }
    },
    revoked(token) {
      for (const conn of connections) if (conn.token.token === token) conn.ws.close();
    },
    subscriptions: () => [...connections].flatMap((conn) => [...conn.subs]),
    close() {
      for (const conn of connections) conn.ws.terminate();
      connections.clear();
      wss.close();
    },
  };

  return {
    hub,
    handleUpgrade(request, socket, head) {
      const url = new URL(request.url ?? '/', 'http://localhost');
      if (!/^\/api\/v1\/streaming\/?/.test(url.pathname)) {
        reject(socket, 404, 'Not Found', 'Not found');
        return;
      }
      const protocol = request.headers['sec-websocket-protocol']?.split(',')[0]?.trim();
      const bearer = /^Bearer\s+(.+)$/i.exec(request.headers.authorization ?? '')?.[1];
      const token = url.searchParams.get('access_token') ?? bearer ?? protocol;
      const record = token ? authenticate(token) : undefined;
      // The streaming server looks tokens up joined to their user, so an app token is as unknown as a bad one.
      if (!record || record.accountId === null) {
        reject(socket, 401, 'Unauthorized', token ? 'Invalid access token' : 'Missing access token');
        return;
      }
      const accountId = record.accountId;
      wss.handleUpgrade(request, socket, head, (ws) => {
        const conn: Connection = { ws, token: record, accountId, subs: new Set() };
        connections.add(conn);
        const initial = url.searchParams.get('stream');
        if (initial !== null) {
          const key = streamKey(initial, url.searchParams.get('tag'));
          if (key !== undefined && scopeAllows(record.scopes, streamScope(key))) conn.subs.add(key);
        }
        ws.on('message', (data, isBinary) => {
          if (!isBinary) onMessage(conn, Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.concat(Array.isArray(data) ? data : [Buffer.from(data)]).toString('utf8'));
        });
        ws.on('close', () => connections.delete(conn));
        ws.on('error', () => connections.delete(conn));
      });
    },
  };
}
