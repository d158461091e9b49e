/**
 * The ways linking a Mastodon server can fail before anyone signs in, each with a message a
 * person can act on: a typo, a server that is not Mastodon, one that is down or unreachable, a
 * bad certificate, and a loopback port that cannot open.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BraidError } from '@shared/errors';
import { openLoopback } from '../../../electron/core/auth/loopback';
import { startHarness, type Harness } from './support';

let h: Harness | undefined;
const servers: Server[] = [];
afterEach(async () => {
  h?.close();
  h = undefined;
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

async function listen(server: Server): Promise<number> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

function begin(instance: string) {
  h ??= startHarness();
  return h.call('accounts.beginLink', { network: 'mastodon', instance });
}

describe('linking fails clearly', () => {
  it('when the address is not an address', async () => {
    for (const typed of ['not a server', '@only-a-name', 'ftp://files.example.org', 'https://user:pw@mastodon.social']) {
      await expect(begin(typed), typed).rejects.toMatchObject({ code: 'link.invalid-address', message: expect.stringContaining('mastodon.social') as string });
    }
  });

  it('when the server answers but is not Mastodon (a web page where the API should be)', async () => {
    const port = await listen(
      createHttpServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<!doctype html><title>My blog</title><p>Welcome');
      }),
    );
    await expect(begin(`127.0.0.1:${port}`)).rejects.toMatchObject({
      code: 'link.not-mastodon',
      message: expect.stringContaining('is not a Mastodon server') as string,
    });
  });

  it('when the server answers JSON of another kind, or 404', async () => {
    const port = await listen(
      createHttpServer((req, res) => {
        if (req.url === '/api/v2/instance') {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end('{"name":"something else"}');
        } else {
          res.writeHead(404).end();
        }
      }),
    );
    await expect(begin(`http://127.0.0.1:${port}`)).rejects.toMatchObject({ code: 'link.not-mastodon' });
  });

  it('when the server is down (5xx) — try later, not "not Mastodon"', async () => {
    const port = await listen(createHttpServer((_req, res) => res.writeHead(503).end('down')));
    await expect(begin(`http://127.0.0.1:${port}`)).rejects.toMatchObject({ code: 'network.server-error', message: expect.stringContaining('Try again later') as string });
  });

  it('when nothing listens there', async () => {
    const port = await listen(createHttpServer());
    await new Promise((resolve) => servers.pop()?.close(resolve));
    await expect(begin(`http://127.0.0.1:${port}`)).rejects.toMatchObject({
      code: 'network.unreachable',
      message: expect.stringContaining('refused the connection') as string,
    });
  });

  it('when the server never answers', async () => {
    const port = await listen(createHttpServer(() => undefined));
    h = startHarness();
    // The core's own timeout is 10 s; the harness call is given room for it.
    await expect(h.call('accounts.beginLink', { network: 'mastodon', instance: `http://127.0.0.1:${port}` })).rejects.toMatchObject({
      code: 'network.unreachable',
      message: expect.stringContaining('did not answer within 10 s') as string,
    });
  }, 20_000);

  it('when the TLS certificate cannot be verified — and nothing is sent over it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'braid-tls-'));
    try {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '2', '-subj', '/CN=localhost'], {
        stdio: 'ignore',
      });
      const requests: string[] = [];
      const port = await listen(
        createHttpsServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (req, res) => {
          requests.push(req.url ?? '');
          res.end('{}');
        }),
      );
      await expect(begin(`https://localhost:${port}`)).rejects.toMatchObject({
        code: 'network.tls',
        message: expect.stringContaining('security certificate') as string,
      });
      expect(requests).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('when the loopback listener cannot open, and suggests pasting a code', async () => {
    // 192.0.2.1 (TEST-NET-1) is never an address of this machine, so binding to it fails.
    const error = await openLoopback({ expectedState: 's', serverName: 'example.social', host: '192.0.2.1' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BraidError);
    expect(error).toMatchObject({ code: 'link.loopback-failed', message: expect.stringContaining('I’ll paste a code instead') as string });
  });
});
