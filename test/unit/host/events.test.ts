import { connect } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import {
  callApi,
  closed,
  eventsUrl,
  nextMessage,
  openSocket,
  rawRequest,
  startTestHost,
  type TestHost,
  type WsOutcome,
} from './helpers';

/** A raw WebSocket handshake, for targets and header sets that no client library would send. */
function upgradeRequest(target: string, port: number, extraHeaders: string[] = []): string {
  return [
    `GET ${target} HTTP/1.1`,
    `Host: 127.0.0.1:${port}`,
    ...extraHeaders,
    'Connection: Upgrade',
    'Upgrade: websocket',
    'Sec-WebSocket-Version: 13',
    'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
    '',
    '',
  ].join('\r\n');
}

let t: TestHost;
const opened: WebSocket[] = [];

beforeEach(async () => {
  t = await startTestHost();
});

afterEach(async () => {
  for (const socket of opened.splice(0)) socket.terminate();
  await t.stop();
});

function own(): Record<string, string> {
  return { Origin: t.host.origin };
}

function expectOpen(outcome: WsOutcome): WebSocket {
  if (outcome.kind !== 'open') throw new Error(`expected the socket to open, got ${JSON.stringify(outcome)}`);
  opened.push(outcome.socket);
  return outcome.socket;
}

describe('WebSocket /events guards', () => {
  it('refuses a connection without the token with 401', async () => {
    await expect(openSocket(eventsUrl(t.host, null), own())).resolves.toEqual({ kind: 'refused', status: 401 });
  });

  it.each([
    ['a wrong token', (token: string) => `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`],
    ['an empty token', () => ''],
    ['a token prefix', (token: string) => token.slice(0, 8)],
  ])('refuses %s with 401', async (_label, wrong) => {
    await expect(openSocket(eventsUrl(t.host, wrong(t.host.token)), own())).resolves.toEqual({
      kind: 'refused',
      status: 401,
    });
  });

  it('refuses a foreign Origin with 403, even with the token', async () => {
    await expect(openSocket(eventsUrl(t.host), { Origin: 'https://evil.example' })).resolves.toEqual({
      kind: 'refused',
      status: 403,
    });
  });

  it('refuses a connection without Origin with 403, even with the token', async () => {
    await expect(openSocket(eventsUrl(t.host))).resolves.toEqual({ kind: 'refused', status: 403 });
  });

  it('refuses a DNS-rebound Host with 421, even with the token and a matching Origin', async () => {
    const host = `evil.example:${t.host.port}`;
    await expect(openSocket(eventsUrl(t.host), { Host: host, Origin: `http://${host}` })).resolves.toEqual({
      kind: 'refused',
      status: 421,
    });
    await expect(openSocket(eventsUrl(t.host), { Host: host, Origin: t.host.origin })).resolves.toEqual({
      kind: 'refused',
      status: 421,
    });
  });

  it('refuses other paths with 404', async () => {
    const url = `ws://127.0.0.1:${t.host.port}/api/app.info?token=${t.host.token}`;
    await expect(openSocket(url, own())).resolves.toEqual({ kind: 'refused', status: 404 });
  });

  it('survives an upgrade request with a malformed target and keeps serving', async () => {
    // `//` cannot be parsed as a URL path; the host must refuse it, not throw in its upgrade handler.
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = connect(t.host.port, '127.0.0.1', () => {
        socket.write(upgradeRequest('//', t.host.port, [`Origin: ${t.host.origin}`]));
      });
      let data = '';
      socket.on('data', (chunk: Buffer) => (data += chunk.toString('latin1')));
      socket.on('close', () => resolve(data));
      socket.on('error', reject);
    });
    expect(reply).toMatch(/^HTTP\/1\.1 404 /);
    await expect(callApi(t.host, 'app.info')).resolves.toMatchObject({ status: 200 });
  });

  it('survives clients that reset the connection right after a refused upgrade', async () => {
    // Without an error handler on the upgrade socket, the reset's ECONNRESET is an uncaught exception.
    for (let attempt = 0; attempt < 5; attempt += 1) await resetDuringRefusedUpgrade();
    await expect(callApi(t.host, 'app.info')).resolves.toMatchObject({ status: 200 });
  });

  it.each(['127.0.0.1', 'localhost'])('accepts the token with our own Origin on %s', async (name) => {
    const origin = `http://${name}:${t.host.port}`;
    const socket = expectOpen(
      await openSocket(eventsUrl(t.host), { Origin: origin, Host: `${name}:${t.host.port}` }),
    );
    expect(socket.readyState).toBe(socket.OPEN);
  });
});

describe('events over the WebSocket', () => {
  it('pushes settings.changed when settings.set is called over HTTP', async () => {
    const socket = expectOpen(await openSocket(eventsUrl(t.host), own()));
    const message = nextMessage(socket);

    const response = await callApi(t.host, 'settings.set', { theme: 'light' }, { origin: t.host.origin });
    expect(response.status).toBe(200);

    expect(JSON.parse(await message)).toEqual({
      event: 'settings.changed',
      payload: { theme: 'light', reduceMotion: false },
    });
  });

  it('pushes each event to every open socket', async () => {
    const first = expectOpen(await openSocket(eventsUrl(t.host), own()));
    const second = expectOpen(await openSocket(eventsUrl(t.host), own()));
    const messages = Promise.all([nextMessage(first), nextMessage(second)]);

    await callApi(t.host, 'settings.set', { reduceMotion: true });

    for (const message of await messages) {
      expect(JSON.parse(message)).toEqual({ event: 'settings.changed', payload: { theme: 'system', reduceMotion: true } });
    }
  });

  it('ignores what a client sends and keeps the socket open', async () => {
    const socket = expectOpen(await openSocket(eventsUrl(t.host), own()));
    socket.send(JSON.stringify({ method: 'settings.set', input: { theme: 'dark' } }));
    const message = nextMessage(socket);
    await callApi(t.host, 'settings.set', { reduceMotion: true });
    expect(JSON.parse(await message)).toEqual({ event: 'settings.changed', payload: { theme: 'system', reduceMotion: true } });
  });
});

describe('host.close()', () => {
  it('terminates open sockets and stops the server', async () => {
    const socket = expectOpen(await openSocket(eventsUrl(t.host), own()));
    const socketClosed = closed(socket);

    await t.host.close();

    await expect(socketClosed).resolves.toBeTypeOf('number');
    const again = await openSocket(eventsUrl(t.host), own());
    expect(again).toMatchObject({ kind: 'error', error: { code: 'ECONNREFUSED' } });
    await expect(rawRequest({ port: t.host.port, path: '/assets/app.js' })).rejects.toMatchObject({
      code: 'ECONNREFUSED',
    });
  });
});

/** Sends a WebSocket upgrade that will be refused (no Origin, no token) and resets the TCP connection at once. */
function resetDuringRefusedUpgrade(): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const socket = connect(t.host.port, '127.0.0.1', () => {
      socket.write(
        upgradeRequest('/events', t.host.port),
        () => {
          socket.resetAndDestroy();
        },
      );
    });
    socket.on('close', () => resolve());
    socket.on('error', reject);
  });
}
