/**
 * The browser host (electron/host/cli.ts) built into out/bench, started as its own process on a
 * data folder, and Chromium driving the real renderer against it.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

const ROOT = resolve(import.meta.dirname, '../../..');
/** Its own output folder, so a benchmark build never races `npm run build` or the e2e tests over out/. */
export const BENCH_OUT = join(ROOT, 'out/bench');
const HOST_ENTRY = join(BENCH_OUT, 'main/host.js');

/** Builds main, preload and renderer into out/bench (a few seconds). */
export function buildApp(): void {
  const bin = join(ROOT, 'node_modules/.bin/electron-vite');
  const result = spawnSync(bin, ['build', '--outDir', BENCH_OUT, '--logLevel', 'warn'], { cwd: ROOT, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`electron-vite build failed:\n${result.stdout}\n${result.stderr}`);
  if (!existsSync(HOST_ENTRY)) throw new Error(`the build did not produce ${HOST_ENTRY}`);
}

export interface RunningHost {
  /** The address to open, with its token. */
  url: string;
  origin: string;
  token: string;
  /** Calls a contract method the way the page's host client does. */
  call<T>(method: string, input?: unknown): Promise<T>;
  /** Everything the host printed, for error messages. */
  output(): string;
  stop(): Promise<void>;
}

export async function startHost(options: { dataDir: string; sandboxThreads: string }): Promise<RunningHost> {
  const args = ['--port', '0', '--data-dir', options.dataDir, '--secrets', 'memory', '--sandbox-threads', options.sandboxThreads];
  const child = spawn(process.execPath, [HOST_ENTRY, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`the Braid host did not start within 30 s:\n${output}`)), 30_000);
    const onData = (): void => {
      const match = /Braid is running at (http:\/\/\S+)/.exec(output);
      if (!match?.[1]) return;
      clearTimeout(timer);
      child.stdout.off('data', onData);
      resolveUrl(match[1]);
    };
    child.stdout.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the Braid host exited (${code}) before it was ready:\n${output}`));
    });
  });
  const parsed = new URL(url);
  const token = parsed.searchParams.get('token') ?? '';
  return {
    url,
    origin: parsed.origin,
    token,
    async call<T>(method: string, input?: unknown): Promise<T> {
      const response = await fetch(`${parsed.origin}/api/${encodeURIComponent(method)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-braid-token': token },
        body: JSON.stringify({ input }),
      });
      const result = (await response.json()) as { ok: boolean; value?: T; error?: { code: string; message: string } };
      if (!result.ok) throw new Error(`${method} failed: ${result.error?.code ?? response.status} ${result.error?.message ?? ''}`);
      return result.value as T;
    },
    output: () => output,
    stop: () => stopProcess(child),
  };
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolveStop) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolveStop();
    });
    child.kill('SIGTERM');
  });
}

/** The flags the e2e tests use (test/e2e/browsers.ts): keep Chromium off the network. */
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export function chromiumPath(): string {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
  const found = candidates.find((path): path is string => typeof path === 'string' && existsSync(path));
  if (!found) throw new Error('No Chromium found: install Debian’s chromium or set CHROMIUM_PATH.');
  return found;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
}
