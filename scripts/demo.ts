/**
 * `npm run demo`: the seeded sandbox (both servers), Braid's browser host pointed at it, and a
 * browser tab where one is available. The sign-in pages come filled in with the demo account,
 * so each account links in two clicks: Braid's button, then the server's "Log in and allow".
 * Every half minute someone the demo accounts follow posts, so the timeline has live traffic.
 * Nothing is kept: the host uses a fresh data folder and an in-memory secret store.
 *
 *   npm run demo [-- --posts 2000] [-- --no-open]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { DEMO_USERNAME, startSandbox, type Sandbox } from '../test/sandbox/index.ts';

const LIVE_POSTS = [
  'Fresh coffee, fresh timeline.',
  'Anyone else watching the weather turn?',
  'Shipping a small fix before lunch.',
  'The birds are loud this morning.',
  'Reading a long thread about bikes. Worth it.',
  'Testing, testing: is this thing live?',
];

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { posts: { type: 'string', default: '1200' }, 'no-open': { type: 'boolean', default: false }, 'live-every': { type: 'string', default: '30' } },
  });
  const posts = Number(values.posts);
  if (!Number.isInteger(posts) || posts < 0) throw new Error(`--posts must be a whole number, not ${values.posts}`);

  process.stdout.write(`Starting the sandbox with ${posts} posts…\n`);
  const sandbox = await startWithPreferredPorts(posts);
  const dataDir = mkdtempSync(join(tmpdir(), 'braid-demo-'));
  const host = spawn(
    process.execPath,
    ['out/main/host.js', '--port', '0', '--data-dir', dataDir, '--secrets', 'memory', '--sandbox-threads', sandbox.threads.origin, '--sandbox-mastodon', sandbox.mastodon.origin],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const url = await hostUrl(host);
  const live = startLiveTraffic(sandbox, Number(values['live-every']) * 1000);

  console.log(`
Braid demo is running: ${url}

  Link the demo accounts from the empty timeline: each takes two clicks.
  Threads-like server  ${sandbox.threads.origin}    Mastodon server  ${sandbox.mastodon.origin}
  Demo login on both: ${DEMO_USERNAME} (filled in for you on the sign-in pages)

Press Ctrl+C to stop. Nothing is kept after that.`);
  if (!values['no-open']) openBrowser(url);

  const stop = (): void => {
    clearInterval(live);
    host.kill('SIGTERM');
    void sandbox.stop().finally(() => {
      rmSync(dataDir, { recursive: true, force: true });
      process.exit(0);
    });
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  host.on('exit', (code) => {
    if (code !== null && code !== 0) console.error(`The Braid host stopped (exit code ${code}).`);
    stop();
  });
}

/** The usual sandbox ports when they are free (the README and docs use them), any free ones otherwise. */
async function startWithPreferredPorts(posts: number): Promise<Sandbox> {
  const options = { posts, demoSignIn: true, federationDelayMs: 800 };
  try {
    return await startSandbox({ ...options, ports: { threads: 4100, mastodon: 4200 } });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    console.log('Ports 4100/4200 are busy; using free ones.');
    return startSandbox(options);
  }
}

function hostUrl(host: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    if (!host.stdout) return reject(new Error('the host has no output'));
    const lines = createInterface({ input: host.stdout });
    lines.on('line', (line) => {
      const match = /Braid is running at (\S+)/.exec(line);
      if (match?.[1]) resolve(match[1]);
    });
    host.on('exit', (code) => reject(new Error(`the Braid host exited (code ${code}) before it was ready; did "electron-vite build" run?`)));
  });
}

/** Someone the demo accounts follow posts now and then, on one network or the other. */
function startLiveTraffic(sandbox: Sandbox, everyMs: number): NodeJS.Timeout {
  let turn = 0;
  return setInterval(() => {
    const seeded = sandbox.seeded;
    if (!seeded) return;
    const text = LIVE_POSTS[turn % LIVE_POSTS.length] as string;
    if (turn % 2 === 0) {
      const mona = seeded.mastodonAccounts.mona;
      if (mona) sandbox.mastodon.admin.createStatus(mona.id, { text });
    } else {
      const alice = seeded.threadsUsers.alice;
      if (alice) sandbox.threads.admin.createPost(alice.id, { text });
    }
    turn += 1;
  }, Math.max(5000, everyMs));
}

function openBrowser(url: string): void {
  const command = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'cmd' : 'xdg-open';
  const args = process.platform === 'win32' ? ['/c', 'start', '', url] : [url];
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return;
  const child = spawn(command, args, { stdio: 'ignore', detached: true });
  child.on('error', () => console.log('(Could not open a browser; open the address above yourself.)'));
  child.unref();
}

main().catch((error: unknown) => {
  console.error('The demo could not start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
