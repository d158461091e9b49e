import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { CoreHandlers } from '@shared/contract';
import type { Shell } from '@shared/model';
import { createAccountsRepo } from './db/accounts-repo';
import { closeDatabase, openDatabase } from './db/open';
import { schemaVersion } from './db/migrate';
import { createSettingsRepo } from './db/settings-repo';
import { createDispatcher, type Dispatch } from './dispatch';
import { CoreEvents } from './events';
import { consoleSink, createLogger, type Logger } from './log';
import { LOG_FILE, createFileSink, teeSink } from './log-file';
import type { SecretStore } from './secrets/secret-store';

export interface Clock {
  now(): number;
}

export interface CoreOptions {
  /** Folder for the database; created if missing. `:memory:` keeps everything in RAM (tests). */
  dataDir: string;
  secrets: SecretStore;
  fetch: typeof globalThis.fetch;
  clock: Clock;
  shell: Shell;
  appVersion: string;
  logger?: Logger;
}

export interface Core {
  /** The contract's implementation, one typed function per method. */
  handlers: CoreHandlers;
  /** Validating entry point used by IPC and the browser host. */
  dispatch: Dispatch;
  events: CoreEvents;
  /** Secrets pass through here so that every value is known to the logger's redaction. */
  secrets: SecretStore;
  log: Logger;
  close(): void;
}

export const DATABASE_FILE = 'braid.sqlite3';
export const LOG_FOLDER = 'logs';

export function createCore(options: CoreOptions): Core {
  const inMemory = options.dataDir === ':memory:';
  const logDir = inMemory ? null : join(options.dataDir, LOG_FOLDER);
  const log =
    options.logger ??
    createLogger(logDir ? teeSink(consoleSink, createFileSink(logDir)) : consoleSink, () => options.clock.now());
  const filename = inMemory ? ':memory:' : join(options.dataDir, DATABASE_FILE);
  if (!inMemory) mkdirSync(options.dataDir, { recursive: true });
  const db = openDatabase(filename);
  log.info('core', `database ready at schema ${schemaVersion(db)}`);

  const settings = createSettingsRepo(db);
  const accounts = createAccountsRepo(db);
  const events = new CoreEvents();
  const secrets = redactingSecrets(options.secrets, log);

  const handlers: CoreHandlers = {
    'app.info': () => ({
      name: 'Braid',
      version: options.appVersion,
      shell: options.shell,
      platform: process.platform,
      schemaVersion: schemaVersion(db),
      logFile: logDir ? join(logDir, LOG_FILE) : null,
    }),
    'accounts.list': () => accounts.list(),
    'settings.get': () => settings.get(),
    'settings.set': (patch) => {
      const next = settings.set(patch);
      events.emit('settings.changed', next);
      return next;
    },
  };

  return {
    handlers,
    dispatch: createDispatcher(handlers, log),
    events,
    secrets,
    log,
    close: () => closeDatabase(db),
  };
}

function redactingSecrets(store: SecretStore, log: Logger): SecretStore {
  return {
    async get(key) {
      const value = await store.get(key);
      if (value !== null) log.redact(value);
      return value;
    },
    async set(key, value) {
      log.redact(value);
      await store.set(key, value);
    },
    delete: (key) => store.delete(key),
    keys: () => store.keys(),
  };
}
