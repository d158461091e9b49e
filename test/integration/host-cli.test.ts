/**
 * The built browser host (`out/main/host.js`, what `npm run web` runs) end to end: start it,
 * call it over HTTP, stop it with SIGTERM. Builds nothing itself: `npm test` builds first.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { WireResult } from '@shared/errors';

const ROOT = resolve(import.meta.dirname, '../..');
const HOST_JS = join(ROOT, 'out', 'main', 'host.js');
const READY = /Braid is running at (http:\/\/127\.0\.0\.1:(\d+)\/\?token=([A-Za-z0-9_-]+))/;

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

interface Launched {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<Exit>;
}

const children: ChildProcess[] = [];
const tempDirs: string[] = [];

beforeAll(() => {
  if (!existsSync(HOST_JS)) {
    throw new Error(`${HOST_JS} is missing: run \`npm run build\` first (npm test builds before running vitest).`);
  }
});

afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  await Promise.all(tempDirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'braid-host-cli-'));
  tempDirs.push(dir);
  return dir;
}

function launch(args: string[], env: Record<string, string> = {}): Launched {
  const child = spawn(process.execPath, [HOST_JS, ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, BRAID_SANDBOX_THREADS: '', BRAID_KEYCHAIN_SERVICE: '', ...env },
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<Exit>((resolveExit, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolveExit({ code, signal }));
  });
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

/** Resolves with the first match of `pattern` on stdout; rejects if the host exits first. */
function waitForOutput(launched: Launched, pattern: RegExp): Promise<RegExpExecArray> {
  return new Promise((resolveMatch, reject) => {
    const check = (): void => {
      const match = pattern.exec(launched.stdout());
      if (!match) return;
      launched.child.stdout?.off('data', check);
      resolveMatch(match);
    };
    launched.child.stdout?.on('data', check);
    check();
    launched.exited
      .then((exit) =>
        reject(
          new Error(
            `host exited (${JSON.stringify(exit)}) before printing ${String(pattern)}.\nstdout:\n${launched.stdout()}\nstderr:\n${launched.stderr()}`,
          ),
        ),
      )
      .catch(reject);
  });
}

/** Resolves with the printed address once the host says it is running. */
async function waitForReady(launched: Launched): Promise<{ url: string; port: number; token: string }> {
  const match = await waitForOutput(launched, READY);
  return { url: match[1] ?? '', port: Number(match[2]), token: match[3] ?? '' };
}

async function call(port: number, token: string, name: string, input?: unknown): Promise<WireResult<unknown>> {
  const response = await fetch(`http://127.0.0.1:${port}/api/${name}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Braid-Token': token },
    body: JSON.stringify(input === undefined ? {} : { input }),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as WireResult<unknown>;
}

async function stop(launched: Launched): Promise<Exit> {
  launched.child.kill('SIGTERM');
  return launched.exited;
}

describe('node out/main/host.js', () => {
  it('prints its address, answers calls, serves the page, and exits 0 on SIGTERM', async () => {
    const dataDir = await tempDir();
    const host = launch(['--port', '0', '--data-dir', dataDir, '--secrets', 'memory']);
    const { url, port, token } = await waitForReady(host);

    expect(token.length).toBeGreaterThanOrEqual(32);
    await waitForOutput(host, /Press Ctrl\+C to stop/);
    expect(host.stdout()).toContain(`Data folder: ${dataDir}`);

    await expect(call(port, token, 'app.info')).resolves.toMatchObject({
      ok: true,
      value: { name: 'Braid', shell: 'browser' },
    });

    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(`<meta name="braid-host-token" content="${token}">`);

    const refused = await fetch(`http://127.0.0.1:${port}/api/app.info`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(refused.status).toBe(401);

    await expect(stop(host)).resolves.toEqual({ code: 0, signal: null });
    expect(existsSync(join(dataDir, 'braid.sqlite3'))).toBe(true);
    await expect(fetch(`http://127.0.0.1:${port}/`)).rejects.toThrow();
  });

  it('keeps settings in --data-dir across launches, with a new token each time', async () => {
    const dataDir = await tempDir();
    const first = launch(['--data-dir', dataDir, '--secrets', 'memory']);
    const a = await waitForReady(first);
    await expect(call(a.port, a.token, 'settings.set', { theme: 'dark' })).resolves.toMatchObject({
      ok: true,
      value: { theme: 'dark' },
    });
    await expect(stop(first)).resolves.toEqual({ code: 0, signal: null });

    const second = launch(['--data-dir', dataDir, '--secrets', 'memory']);
    const b = await waitForReady(second);
    expect(b.token).not.toBe(a.token);
    await expect(call(b.port, b.token, 'settings.get')).resolves.toMatchObject({ ok: true, value: { theme: 'dark' } });
    await expect(stop(second)).resolves.toEqual({ code: 0, signal: null });
  });

  it.each([
    [['--secrets', 'bogus'], /Braid host could not start: --secrets must be "keychain" or "memory", not bogus/],
    [['--port', '70000'], /Braid host could not start: --port must be 0–65535, not 70000/],
    [['--port', 'abc'], /Braid host could not start: --port must be 0–65535, not abc/],
    [['--no-such-flag'], /Braid host could not start: .*--no-such-flag/],
    [['--sandbox-threads', 'ftp://127.0.0.1:4100'], /Braid host could not start: --sandbox-threads must be an http\(s\) origin such as http:\/\/127\.0\.0\.1:4100, not ftp:\/\/127\.0\.0\.1:4100/],
    [['--sandbox-threads', '127.0.0.1:4100'], /Braid host could not start: --sandbox-threads must be an http\(s\) origin .*not 127\.0\.0\.1:4100/],
    [['--sandbox-threads', 'http://127.0.0.1:4100/threads'], /Braid host could not start: --sandbox-threads must be an http\(s\) origin/],
    [['--sandbox-threads'], /Braid host could not start: .*--sandbox-threads/],
    [['--keychain-service', ''], /Braid host could not start: --keychain-service needs a value/],
  ])('refuses %j with a clear message and a non-zero exit', async (args, message) => {
    const dataDir = await tempDir();
    const host = launch([...args, '--data-dir', dataDir]);
    const exit = await host.exited;
    expect(exit.code).not.toBe(0);
    expect(exit.code).not.toBeNull();
    expect(host.stderr()).toMatch(message);
    expect(host.stdout()).not.toMatch(READY);
  });

  it('refuses a BRAID_SANDBOX_THREADS that is not an http(s) origin, naming the variable', async () => {
    const dataDir = await tempDir();
    const host = launch(['--data-dir', dataDir, '--secrets', 'memory'], { BRAID_SANDBOX_THREADS: 'javascript:alert(1)' });
    const exit = await host.exited;
    expect(exit.code).toBe(1);
    expect(host.stderr()).toMatch(/Braid host could not start: BRAID_SANDBOX_THREADS must be an http\(s\) origin .*not javascript:alert\(1\)/);
    expect(host.stdout()).not.toMatch(READY);
  });

  it('starts with a valid --sandbox-threads, which wins over the environment', async () => {
    const dataDir = await tempDir();
    const host = launch(['--data-dir', dataDir, '--secrets', 'memory', '--sandbox-threads', 'http://127.0.0.1:4100/'], {
      BRAID_SANDBOX_THREADS: 'not a url',
    });
    const { port, token } = await waitForReady(host);
    await expect(call(port, token, 'app.info')).resolves.toMatchObject({ ok: true, value: { shell: 'browser' } });
    await expect(stop(host)).resolves.toEqual({ code: 0, signal: null });
  });
});
