/**
 * `npm run sandbox`: start both sandbox servers with seeded data and print where they are and
 * how to sign in. Stops on Ctrl+C.
 *
 *   node test/sandbox/cli.ts [--seed 42] [--posts 400] [--threads-port 4100] [--mastodon-port 4200]
 *                            [--federation-delay 1500] [--empty] [--json] [--demo]
 *
 * --json prints one line `{"threads": "...", "mastodon": "...", ...}` once ready (for scripts).
 */
import { parseArgs } from 'node:util';
import { DEMO_PASSWORD, DEMO_USERNAME, startSandbox, THREADS_APP } from './index.ts';
import { MASTODON_PEOPLE, THREADS_PEOPLE } from './seed/people.ts';

const USAGE = `Usage: npm run sandbox -- [--seed N] [--posts N] [--threads-port N] [--mastodon-port N]
                          [--federation-delay MS] [--empty] [--json] [--demo]`;

function integer(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) {
    console.error(`--${name} must be a whole number, got "${value}".\n${USAGE}`);
    process.exit(2);
  }
  return n;
}

async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      options: {
        seed: { type: 'string' },
        posts: { type: 'string' },
        'threads-port': { type: 'string' },
        'mastodon-port': { type: 'string' },
        'federation-delay': { type: 'string' },
        empty: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        demo: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  const { values } = parsed;
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const seed = integer('seed', values.seed, 42);
  const posts = integer('posts', values.posts, 400);
  const ports = { threads: integer('threads-port', values['threads-port'], 4100), mastodon: integer('mastodon-port', values['mastodon-port'], 4200) };
  const started = performance.now();
  let lastShown = 0;
  const sandbox = await startSandbox({
    seed: values.empty ? false : seed,
    posts,
    ports,
    federationDelayMs: integer('federation-delay', values['federation-delay'], 1500),
    demoSignIn: values.demo,
    onSeedProgress(done, total) {
      if (values.json || total < 5000 || done - lastShown < total / 20) return;
      lastShown = done;
      process.stderr.write(`Seeding… ${Math.round((done / total) * 100)}% (${done} of ${total} posts)\n`);
    },
  }).catch((error: unknown) => {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') {
      console.error(`A port is already in use (${(error as Error).message}). Stop the other process, or pass --threads-port 0 --mastodon-port 0 for free ports.`);
    } else console.error('The sandbox could not start:', error);
    process.exit(1);
  });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const { threads, mastodon, seeded } = sandbox;
  if (values.json) {
    console.log(
      JSON.stringify({
        threads: threads.origin,
        mastodon: mastodon.origin,
        threadsApp: THREADS_APP,
        demo: { username: DEMO_USERNAME, password: DEMO_PASSWORD },
        seeded: seeded ? seeded.counts : null,
      }),
    );
  } else {
    const others = (people: readonly { username: string }[]): string =>
      people
        .map((p) => p.username)
        .filter((u) => u !== DEMO_USERNAME)
        .join(', ');
    console.log(`
Braid sandbox is running
  Threads-like server    ${threads.origin}   app id ${THREADS_APP.appId}, app secret ${THREADS_APP.appSecret}
  Mastodon server        ${mastodon.origin}
  Control panel          ${threads.origin}/__sandbox  (clock, faults, rate limits; see docs/sandbox.md)

Demo login on both servers: ${DEMO_USERNAME} / ${DEMO_PASSWORD}
  Threads users:   ${others(THREADS_PEOPLE)}
  Mastodon users:  ${others(MASTODON_PEOPLE)}
  Their password is "<username>-password".
${seeded ? `Seeded ${seeded.counts.threadsPosts} Threads posts (${seeded.counts.federated} federated) and ${seeded.counts.mastodonStatuses} Mastodon statuses with seed ${seeded.seed} in ${seconds} s.` : 'Started empty (--empty).'}
Press Ctrl+C to stop.`);
  }
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    void sandbox.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

await main();
