import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test as base, chromium, _electron, type Browser, type ElectronApplication, type Page } from '@playwright/test';
import { CHROMIUM_ARGS, chromiumExecutable, electronExecutable } from './browsers';
import { forgetKeychain } from './keychain';
import { DEMO_PASSWORD, DEMO_USERNAME, startSandbox, type Sandbox } from '../sandbox/index.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const HOST_ENTRY = join(ROOT, 'out/main/host.js');
const MAIN_ENTRY = join(ROOT, 'out/main/index.js');

export type ShellKind = 'host' | 'electron';

/** One running Braid with a temporary profile, driven the same way in both shells. */
export interface BraidApp {
  shell: ShellKind;
  page: Page;
  dataDir: string;
  /** Stops the backend and starts it again on the same data folder, leaving `page` on the app. */
  restart(): Promise<void>;
  /** Kills the backend outright (SIGKILL: no shutdown, as in a crash), then starts it again on the same data. */
  crashAndRestart(): Promise<void>;
  /** Only for the browser host: the address without the token. */
  origin: string | null;
  /** The keychain service this app's secrets are filed under. */
  keychainService: string;
}

interface Backend {
  page: Page;
  origin: string | null;
  stop(): Promise<void>;
  /** SIGKILL, as when the app dies. */
  kill(): Promise<void>;
}

/** What every launch of one app shares: its data folder, its keychain service, the sandbox it points at. */
interface Profile {
  dataDir: string;
  keychainService: string;
  sandboxThreads: string;
  /** Set when the app runs as `npm run demo` does: it offers the sandbox's demo accounts. */
  sandboxMastodon: string | null;
}

async function startHost(browser: Browser, profile: Profile): Promise<Backend> {
  if (!existsSync(HOST_ENTRY)) throw new Error('out/main/host.js is missing: run `npm run build` first.');
  const args = ['--port', '0', '--data-dir', profile.dataDir, '--keychain-service', profile.keychainService, '--sandbox-threads', profile.sandboxThreads];
  if (profile.sandboxMastodon) args.push('--sandbox-mastodon', profile.sandboxMastodon);
  const child = spawn(process.execPath, [HOST_ENTRY, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = await waitForUrl(child);
  // A context of its own (not browser.newPage()), so tools that need one, like axe, can open pages in it.
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(url);
  return {
    page,
    origin: new URL(url).origin,
    async stop() {
      await context.close();
      await stopProcess(child);
    },
    async kill() {
      await stopProcess(child, 'SIGKILL');
      await context.close();
    },
  };
}

async function startElectron(executablePath: string, profile: Profile): Promise<Backend> {
  if (!existsSync(MAIN_ENTRY)) throw new Error('out/main/index.js is missing: run `npm run build` first.');
  const app: ElectronApplication = await _electron.launch({
    executablePath,
    // The project folder, so Electron reads package.json (name, version, ESM "type", main).
    // Chromium's sandbox cannot start as root (CI containers); everywhere else it stays on.
    args: [...(process.getuid?.() === 0 ? ['--no-sandbox'] : []), ROOT],
    env: {
      ...process.env,
      BRAID_DATA_DIR: profile.dataDir,
      BRAID_KEYCHAIN_SERVICE: profile.keychainService,
      BRAID_SANDBOX_THREADS: profile.sandboxThreads,
      ...(profile.sandboxMastodon ? { BRAID_SANDBOX_MASTODON: profile.sandboxMastodon } : {}),
    },
  });
  const page = await app.firstWindow();
  return {
    page,
    origin: null,
    stop: () => app.close(),
    async kill() {
      const main = app.process();
      await new Promise<void>((resolvePromise) => {
        if (main.exitCode !== null || main.signalCode !== null) resolvePromise();
        else {
          main.once('exit', () => resolvePromise());
          main.kill('SIGKILL');
        }
      });
    },
  };
}

function waitForUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Braid is running at (http:\/\/\S+)/.exec(output);
      if (match?.[1]) {
        child.stdout?.off('data', onData);
        resolvePromise(match[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`Braid host exited (${code}) before it was ready:\n${output}`)));
  });
}

function stopProcess(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolvePromise) => {
    child.once('exit', () => resolvePromise());
    child.kill(signal);
  });
}

let printedElectronSkip = false;

export const test = base.extend<{ app: BraidApp; sandbox: Sandbox; sandboxPosts: number; demo: boolean }, { shell: ShellKind; hostBrowser: Browser | null }>({
  shell: ['host', { option: true, scope: 'worker' }],

  /** 0: the sandbox holds only the demo users; more: it is seeded with that many posts (`test.use`). */
  sandboxPosts: [0, { option: true }],

  /** Run as `npm run demo` does: the sandbox's demo sign-in, and the app told where its Mastodon is. */
  demo: [false, { option: true }],

  /** Both sandbox servers on free ports; the app's Threads preset points here. */
  sandbox: async ({ sandboxPosts, demo }, use) => {
    let sandbox: Sandbox;
    if (sandboxPosts > 0) {
      sandbox = await startSandbox({ posts: sandboxPosts, demoSignIn: demo });
    } else {
      sandbox = await startSandbox({ seed: false });
      sandbox.mastodon.admin.createAccount({ username: DEMO_USERNAME, password: DEMO_PASSWORD, displayName: 'Braid Demo' });
      sandbox.threads.admin.createUser({ username: DEMO_USERNAME, password: DEMO_PASSWORD, name: 'Braid Demo' });
    }
    await use(sandbox);
    await sandbox.stop();
  },

  hostBrowser: [
    async ({ shell }, use) => {
      if (shell !== 'host') return use(null);
      const executablePath = chromiumExecutable();
      if (!executablePath) throw new Error('No Chromium found: install Debian\u2019s chromium or set CHROMIUM_PATH.');
      const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
      await use(browser);
      await browser.close();
    },
    { scope: 'worker' },
  ],

  app: async ({ shell, hostBrowser, sandbox, demo }, use, testInfo) => {
    let launch: (profile: Profile) => Promise<Backend>;
    if (shell === 'electron') {
      const electron = electronExecutable();
      if ('reason' in electron) {
        const reason = `Electron project skipped: ${electron.reason}.`;
        if (!printedElectronSkip) console.log(reason);
        printedElectronSkip = true;
        testInfo.skip(true, reason);
        return;
      }
      launch = (p) => startElectron(electron.path, p);
    } else {
      if (!hostBrowser) throw new Error('The browser host project needs a browser');
      launch = (p) => startHost(hostBrowser, p);
    }

    const dataDir = mkdtempSync(join(tmpdir(), 'braid-e2e-'));
    // The real keychain, under a service name of this test's own, so tests never see each other's tokens.
    const profile: Profile = {
      dataDir,
      keychainService: `Braid e2e ${randomUUID()}`,
      sandboxThreads: sandbox.threads.origin,
      sandboxMastodon: demo ? sandbox.mastodon.origin : null,
    };
    let backend = await launch(profile);
    const app: BraidApp = {
      shell,
      dataDir,
      get page() {
        return backend.page;
      },
      get origin() {
        return backend.origin;
      },
      keychainService: profile.keychainService,
      async crashAndRestart() {
        await backend.kill();
        backend = await launch(profile);
      },
      async restart() {
        await backend.stop();
        backend = await launch(profile);
      },
    };
    try {
      await use(app);
    } finally {
      await backend.stop();
      await forgetKeychain(profile.keychainService);
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
});

export { expect } from '@playwright/test';

/** Screenshots for humans go straight under test-results/, named by project. */
export function screenshotPath(name: string): string {
  return join(ROOT, 'test-results', `${test.info().project.name}-${name}.png`);
}
