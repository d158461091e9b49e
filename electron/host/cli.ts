/**
 * `npm run web`: Braid's real core and renderer in any browser, on 127.0.0.1.
 *
 *   node out/main/host.js [--port N] [--data-dir DIR] [--secrets keychain|memory]
 *                         [--keychain-service NAME] [--sandbox-threads URL] [--sandbox-mastodon URL]
 *
 * --keychain-service  keychain service name the tokens are kept under (default: Braid's own);
 *                     env BRAID_KEYCHAIN_SERVICE. Lets a second profile or a test keep its own.
 * --sandbox-threads   origin of the sandbox's Threads-like server for the "Braid sandbox"
 *                     preset (default http://127.0.0.1:4100); env BRAID_SANDBOX_THREADS.
 * --sandbox-mastodon  origin of the sandbox's Mastodon server; when given, the empty timeline
 *                     offers to link the sandbox's demo accounts (npm run demo); env
 *                     BRAID_SANDBOX_MASTODON.
 * Flags win over the environment.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pkg from '../../package.json';
import { defaultDataDir } from '../common/data-dir';
import { parseSandboxOrigin, SANDBOX_ORIGIN_EXAMPLE } from '../common/sandbox-origin';
import { createCore } from '../core/app';
import { KeytarSecretStore } from '../core/secrets/keytar-store';
import { MemorySecretStore } from '../core/secrets/memory-store';
import { BraidError } from '@shared/errors';
import { startHost } from './server';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      'data-dir': { type: 'string' },
      secrets: { type: 'string', default: 'keychain' },
      'keychain-service': { type: 'string' },
      'sandbox-threads': { type: 'string' },
      'sandbox-mastodon': { type: 'string' },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0–65535, not ${values.port}`);
  if (values.secrets !== 'keychain' && values.secrets !== 'memory') {
    throw new Error(`--secrets must be "keychain" or "memory", not ${values.secrets}`);
  }

  const keychainService = optionOrEnv(values['keychain-service'], '--keychain-service', 'BRAID_KEYCHAIN_SERVICE');
  const sandboxThreads = optionOrEnv(values['sandbox-threads'], '--sandbox-threads', 'BRAID_SANDBOX_THREADS');
  const sandboxThreadsUrl = sandboxThreads ? httpOrigin(sandboxThreads) : undefined;
  const sandboxMastodon = optionOrEnv(values['sandbox-mastodon'], '--sandbox-mastodon', 'BRAID_SANDBOX_MASTODON');
  const sandboxMastodonUrl = sandboxMastodon ? httpOrigin(sandboxMastodon) : undefined;

  const dataDir = values['data-dir'] ?? defaultDataDir();
  const core = createCore({
    dataDir,
    secrets: values.secrets === 'memory' ? new MemorySecretStore() : new KeytarSecretStore(keychainService?.value),
    fetch: globalThis.fetch,
    clock: { now: () => Date.now() },
    shell: 'browser',
    appVersion: pkg.version,
    ...(sandboxThreadsUrl ? { sandboxThreadsUrl } : {}),
    ...(sandboxMastodonUrl ? { sandboxMastodonUrl } : {}),
  });
  const host = await startHost({ core, rendererDir: join(import.meta.dirname, '../renderer'), port });

  console.log(`Braid is running at ${host.url}`);
  console.log(`Data folder: ${dataDir}`);
  console.log('Open the address above in a browser. Press Ctrl+C to stop.');

  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    host
      .close()
      .then(
        () => 0,
        (error: unknown) => {
          console.error('Braid host did not stop cleanly:', error instanceof Error ? error.message : error);
          return 1;
        },
      )
      .then((code) => {
        core.close();
        process.exit(code);
      })
      .catch(() => process.exit(1));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

interface Setting {
  value: string;
  /** How the user gave it, for error messages: "--flag" or "BRAID_…". */
  source: string;
}

/** A flag, else its environment variable; an empty variable counts as unset, an empty flag is a mistake. */
function optionOrEnv(flagValue: string | undefined, flag: string, envName: string): Setting | undefined {
  if (flagValue !== undefined) {
    if (flagValue.trim() === '') throw new Error(`${flag} needs a value`);
    return { value: flagValue, source: flag };
  }
  const env = process.env[envName];
  return env ? { value: env, source: envName } : undefined;
}

function httpOrigin({ value, source }: Setting): string {
  const origin = parseSandboxOrigin(value);
  if (!origin) throw new Error(`${source} must be an http(s) origin such as ${SANDBOX_ORIGIN_EXAMPLE}, not ${value}`);
  return origin;
}

main().catch((error: unknown) => {
  const message = error instanceof BraidError || error instanceof Error ? error.message : String(error);
  console.error(`Braid host could not start: ${message}`);
  process.exit(1);
});
