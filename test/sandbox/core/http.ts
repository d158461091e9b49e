/**
 * Serve a Hono app on 127.0.0.1 (a random free port unless one is given), with an optional
 * WebSocket upgrade hook, and a close() that also ends keep-alive and upgraded connections.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { createAdaptorServer } from '@hono/node-server';
import type { Hono } from 'hono';

export interface Listening {
  /** e.g. http://127.0.0.1:40123 (no trailing slash). */
  origin: string;
  /** e.g. 127.0.0.1:40123: the host part of acct: handles and ActivityPub ids. */
  host: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

export interface ListenOptions {
  port?: number;
  onUpgrade?: (request: IncomingMessage, socket: Duplex, head: Buffer) => void;
}

// Hono's generic parameters vary per server; listening does not care about them.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function listen(app: Hono<any, any, any>, options: ListenOptions = {}): Promise<Listening> {
  const server = createAdaptorServer({ fetch: app.fetch, hostname: '127.0.0.1' }) as Server;
  const sockets = new Set<Socket | Duplex>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    if (options.onUpgrade) options.onUpgrade(request, socket, head);
    else socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = `127.0.0.1:${port}`;
  return {
    origin: `http://${host}`,
    host,
    port,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}
