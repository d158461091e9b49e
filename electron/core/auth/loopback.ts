/**
 * The one-time listener a sign-in comes back to (RFC 8252 §7.3): http on 127.0.0.1, a random
 * port, one path. It accepts exactly one callback: the first request to the path that carries
 * the expected `state`. A callback with another state is answered with a refusal page and ends
 * the sign-in (possible CSRF); requests elsewhere get 404. It closes itself once answered.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BraidError } from '@shared/errors';

export const CALLBACK_PATH = '/callback';

export interface LoopbackListener {
  /** http://127.0.0.1:<port>/callback */
  redirectUri: string;
  /** Resolves with the callback's full URL (code or error in its query); rejects on a state mismatch. */
  callback: Promise<URL>;
  close(): Promise<void>;
}

export interface LoopbackOptions {
  expectedState: string;
  /** Shown on the answer page: "Return to Braid to finish linking <serverName>". */
  serverName: string;
  /** Only tests change this. */
  host?: string;
}

export async function openLoopback(options: LoopbackOptions): Promise<LoopbackListener> {
  const host = options.host ?? '127.0.0.1';
  let settle: { resolve: (url: URL) => void; reject: (error: BraidError) => void } | undefined;
  const callback = new Promise<URL>((resolve, reject) => (settle = { resolve, reject }));
  // Nobody may be listening to the promise when close() ends the flow first.
  callback.catch(() => undefined);
  let answered = false;

  const server = createServer((req, res) => {
    const url = requestUrl(req, server.address() as AddressInfo);
    if (!url || req.method !== 'GET' || url.pathname !== CALLBACK_PATH) {
      return page(res, 404, 'Not found', 'This address belongs to a Braid sign-in. There is nothing else here.');
    }
    if (answered) {
      return page(res, 410, 'Already used', 'This sign-in link was already used. Go back to Braid to see how it went.');
    }
    answered = true;
    if (url.searchParams.get('state') !== options.expectedState) {
      page(
        res,
        400,
        'Sign-in refused',
        'This answer does not belong to the sign-in Braid started, so Braid ignored it (it could be a cross-site request forgery). Go back to Braid and start linking again.',
      );
      settle?.reject(
        new BraidError(
          'link.state-mismatch',
          `The answer from the sign-in page did not match the sign-in Braid started (possible cross-site request forgery), so it was rejected. Start linking ${options.serverName} again.`,
        ),
      );
    } else if (url.searchParams.has('error')) {
      page(res, 200, 'Not linked', `You did not give Braid access to ${options.serverName}. You can close this tab.`);
      settle?.resolve(url);
    } else {
      page(res, 200, 'Signed in', `Return to Braid to finish linking ${options.serverName}. You can close this tab.`);
      settle?.resolve(url);
    }
    res.once('finish', () => server.close());
  });

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    throw new BraidError(
      'link.loopback-failed',
      `Braid could not open its sign-in listener on ${host}${typeof code === 'string' ? ` (${code})` : ''}. Tick “I’ll paste a code instead” and try again.`,
      { cause: error },
    );
  }
  const { port } = server.address() as AddressInfo;
  const hostPart = host.includes(':') ? `[${host}]` : host;
  return {
    redirectUri: `http://${hostPart}:${port}${CALLBACK_PATH}`,
    callback,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function requestUrl(req: IncomingMessage, address: AddressInfo): URL | undefined {
  try {
    return new URL(req.url ?? '/', `http://127.0.0.1:${address.port}`);
  } catch {
    return undefined;
  }
}

/** A tiny self-contained page: no scripts, no remote resources, nothing from the query echoed. */
function page(res: ServerResponse, status: number, title: string, message: string): void {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title} — Braid</title>
<meta name="viewport" content="width=device-width">
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:15vh auto;padding:0 1rem;color:#222;background:#fafafa}
@media (prefers-color-scheme:dark){body{color:#eee;background:#1b1b1f}}h1{font-size:1.4rem}</style></head>
<body><h1>${title}</h1><p>${message}</p></body></html>`;
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
    connection: 'close',
  });
  res.end(html);
}
