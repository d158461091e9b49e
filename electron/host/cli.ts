/**
 * `npm run web`: Braid's real core and renderer in any browser, on 127.0.0.1.
 *
 *   node out/main/host.js [--port N] [--data-dir DIR] [--secrets keychain|memory]
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pkg from '../../package.json';
import { defaultDataDir } from '../common/data-dir';
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
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0–65535, not ${values.port}`);
  if (values.secrets !== 'keychain' && values.secrets !== 'memory') {
    throw new Error(`--secrets must be "keychain" or "memory", not ${values.secrets}`);
  }

  const dataDir = values['data-dir'] ?? defaultDataDir();
  const core = createCore({
    dataDir,
    secrets: values.secrets === 'memory' ? new MemorySecretStore() : new KeytarSecretStore(),
    fetch: globalThis.fetch,
    clock: { now: () => Date.now() },
    shell: 'browser',
    appVersion: pkg.version,
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

main().catch((error: unknown) => {
  const message = error instanceof BraidError || error instanceof Error ? error.message : String(error);
  console.error(`Braid host could not start: ${message}`);
  process.exit(1);
});
