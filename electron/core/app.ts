import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { CoreHandlers } from '@shared/contract';
import type { Shell } from '@shared/model';
import type { AuthWindowOpener, OpenExternal } from './auth/shell-hooks';
import { createAccountHealth, type AccountHealth } from './accounts/health';
import { createLinking } from './accounts/linking';
import { createAccountsRepo, toAccount } from './db/accounts-repo';
import { createMastodonAppsRepo } from './db/mastodon-apps-repo';
import { createThreadsServersRepo } from './db/threads-servers-repo';
import { createThreadsServers } from './networks/threads/servers';
import { DEFAULT_SANDBOX_THREADS_URL } from './networks/threads/presets';
import { closeDatabase, openDatabase } from './db/open';
import { schemaVersion } from './db/migrate';
import { createSettingsRepo } from './db/settings-repo';
import { createSharingAccountsRepo } from './db/sharing-accounts-repo';
import { createDispatcher, type Dispatch } from './dispatch';
import { CoreEvents } from './events';
import { createInteractions } from './interactions/service';
import { consoleSink, createLogger, type Logger } from './log';
import { LOG_FILE, createFileSink, teeSink } from './log-file';
import type { SecretStore } from './secrets/secret-store';
import { createSyncRepo } from './db/sync-repo';
import { createTimelineReader } from './db/timeline-read';
import { createTimelineWriter } from './db/timeline-write';
import { SyncEngine, type SyncEngineOptions } from './sync/engine';
import { createAccountSharing, type AccountSharing } from './sharing/account-sharing';
import { createSharingBadges } from './sharing/sharing-badges';
import { createComposeService } from './compose/service';

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
  /** Electron: open sign-in pages in the system browser (through openExternalSafe). */
  openExternal?: OpenExternal;
  /** Electron: show a sign-in page in a dedicated window that catches an https redirect. */
  authWindow?: AuthWindowOpener;
  /** Origin of the sandbox's Threads-like server for the "Braid sandbox" preset (default http://127.0.0.1:4100). */
  sandboxThreadsUrl?: string;
  /** Origin of the sandbox's Mastodon server (`npm run demo`): the UI offers its demo account. */
  sandboxMastodonUrl?: string;
  /** How long a sign-in waits for the browser before giving up (default 5 minutes). */
  linkTimeoutMs?: number;
  /** Sync settings (tests shorten the timings); `false` keeps the cache without syncing. */
  sync?: false | Partial<Pick<SyncEngineOptions, 'backfillTarget' | 'mastodonPollMs' | 'liveRefreshMs' | 'threadsPollMs' | 'retryBaseMs' | 'retryCapMs' | 'streaming' | 'streamRetryBaseMs' | 'streamRetryCapMs' | 'coalesceMs' | 'markerIntervalMs' | 'mastodon'>>;
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
  /** Sign-in checks and Threads token refresh (tests drive these directly). */
  health: AccountHealth;
  /** The timeline sync (tests wait on it). */
  sync: SyncEngine;
  /** The user's own Threads accounts' Fediverse sharing (tests wait on its background work). */
  sharing: AccountSharing;
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
  const now = () => options.clock.now();
  const threadsServersRepo = createThreadsServersRepo(db);
  const servers = createThreadsServers({
    repo: threadsServersRepo,
    accounts,
    secrets,
    now,
    sandboxUrl: options.sandboxThreadsUrl ?? DEFAULT_SANDBOX_THREADS_URL,
  });
  servers.ensurePresets();
  const threadsDeps = { fetch: options.fetch, now, log };
  const writer = createTimelineWriter(db, now);
  const sharingAccounts = createSharingAccountsRepo(db, (accountId, problem) => log.warn('sharing', `ignored the stored sharing state of ${accountId}: ${problem}`));
  // Badges are read with every card from SQLite; what is missing is looked up in the background.
  const badges = createSharingBadges({
    db,
    fetch: options.fetch,
    now,
    log,
    events,
    accounts,
    threadsServers: threadsServersRepo,
    secrets,
    ownSharing: (accountId) => sharingAccounts.get(accountId)?.status ?? null,
  });
  const reader = createTimelineReader(db, { decorate: (entries) => badges.decorate(entries) });
  const syncRepo = createSyncRepo(db);
  const compose = createComposeService({ db, accounts, threadsServers: threadsServersRepo, sharingAccounts, secrets, writer, reader, events, log, fetch: options.fetch, now });
  let sync: SyncEngine | null = null;
  const announceAccounts = () => {
    events.emit('accounts.changed', accounts.list().map(toAccount));
    sync?.reconcile();
  };
  // Interactions read the card from the cache and both sides from the servers, live while open;
  // streamed Mastodon replies reach open views through the sync.
  const interactions = createInteractions({ reader, accounts, threadsServers: threadsServersRepo, secrets, events, fetch: options.fetch, now, log });
  sync = new SyncEngine({
    ...(options.sync || {}),
    onStreamEvent: (accountId, event) => interactions.streamed(accountId, event),
    accounts,
    threadsServers: threadsServersRepo,
    secrets,
    writer,
    repo: syncRepo,
    events,
    log,
    fetch: options.fetch,
    now,
    announceAccounts,
  });
  const engine = sync;
  const linking = createLinking({
    accounts,
    servers,
    secrets,
    mastodon: { fetch: options.fetch, apps: createMastodonAppsRepo(db), secrets, now, log },
    threads: threadsDeps,
    events,
    announce: announceAccounts,
    log,
    now,
    flows: { openExternal: options.openExternal, authWindow: options.authWindow, timeoutMs: options.linkTimeoutMs },
  });
  const health = createAccountHealth({ accounts, servers, secrets, threads: threadsDeps, announce: announceAccounts, log, now });
  const sharing = createAccountSharing({
    accounts,
    threadsServers: threadsServersRepo,
    secrets,
    repo: sharingAccounts,
    writer,
    events,
    log,
    fetch: options.fetch,
    now,
    openExternal: options.openExternal,
    refreshSync: () => engine.refresh(),
    // Whenever an account's sharing status changes (the flow, a guided check, a background
    // check), its posts and its author badge are judged again.
    afterChange: (accountId) => badges.forgetAccount(accountId),
  });

  const handlers: CoreHandlers = {
    'app.info': () => ({
      name: 'Braid',
      version: options.appVersion,
      shell: options.shell,
      platform: process.platform,
      schemaVersion: schemaVersion(db),
      logFile: logDir ? join(logDir, LOG_FILE) : null,
      sandboxMastodon: options.sandboxMastodonUrl ?? null,
    }),
    'accounts.list': () => accounts.list().map(toAccount),
    'accounts.beginLink': (request) => linking.begin(request),
    'accounts.relink': ({ accountId, method }) => linking.relink(accountId, method),
    'accounts.completeLink': ({ flowId, code }) => linking.flows.complete(flowId, code),
    'accounts.cancelLink': ({ flowId }) => {
      linking.flows.cancel(flowId);
      return null;
    },
    'accounts.linkToken': ({ serverId, token }) => linking.linkToken(serverId, token),
    'accounts.unlink': ({ accountId }) => linking.unlink(accountId),
    'accounts.recheck': async () => {
      await health.recheck();
      return accounts.list().map(toAccount);
    },
    'threadsServers.list': () => servers.list(),
    'threadsServers.save': (input) => servers.save(input),
    'threadsServers.remove': async ({ serverId }) => {
      await servers.remove(serverId);
      return null;
    },
    'timeline.page': (input) => reader.page(input),
    'timeline.entries': ({ groupIds }) => reader.entries(groupIds),
    'timeline.position': () => syncRepo.position(),
    'timeline.savePosition': (position) => {
      syncRepo.savePosition(position);
      engine.saveMarkers(position, (accountId, groupId) => syncRepo.markerIdFor(accountId, groupId));
      return null;
    },
    'sync.status': () => engine.status(),
    'sync.refresh': () => engine.refresh(),
    'interactions.open': ({ groupId }) => interactions.open(groupId),
    'interactions.refresh': ({ groupId }) => interactions.refresh(groupId),
    'interactions.close': ({ groupId }) => {
      interactions.close(groupId);
      return null;
    },
    'interactions.act': (input) => interactions.act(input),
    'sharing.list': () => sharing.list(),
    'sharing.check': ({ accountId }) => sharing.check(accountId),
    'sharing.enable': (input) => sharing.enable(input),
    'sharing.disable': (input) => sharing.disable(input),
    'sharing.openSettings': ({ accountId }) => sharing.openSettings(accountId),
    'sharing.verify': (input) => sharing.verify(input),
    'drafts.list': () => compose.list(),
    'drafts.save': (input) => compose.save(input),
    'drafts.delete': ({ draftId }) => compose.delete(draftId),
    'drafts.attach': (input) => compose.attach(input),
    'drafts.setAlt': (input) => compose.setAlt(input),
    'drafts.detach': (input) => compose.detach(input),
    'compose.check': ({ draftId }) => compose.check(draftId),
    'compose.send': ({ draftId }) => compose.send(draftId),
    'settings.get': () => settings.get(),
    'settings.set': (patch) => {
      const next = settings.set(patch);
      events.emit('settings.changed', next);
      return next;
    },
  };

  health.start();
  if (options.sync !== false) engine.start();
  sharing.start();

  return {
    handlers,
    dispatch: createDispatcher(handlers, log),
    events,
    secrets,
    log,
    health,
    sync: engine,
    sharing,
    close: () => {
      sharing.stop();
      compose.stop();
      badges.stop();
      engine.stop();
      health.stop();
      interactions.stop();
      linking.flows.closeAll();
      closeDatabase(db);
    },
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
