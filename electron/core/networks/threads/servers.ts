/**
 * Threads-style servers Braid can link accounts on: the two presets (graph.threads.net, which
 * needs the user's own Meta app, and the local sandbox) and any the user adds. App secrets are
 * kept in the keychain; the renderer only learns whether one is saved.
 */
import { randomUUID } from 'node:crypto';
import { BraidError } from '@shared/errors';
import type { ThreadsServer, ThreadsServerInput } from '@shared/linking';
import type { AccountsRepo } from '../../db/accounts-repo';
import { isLoopbackHost } from '../../net/http';
import type { ThreadsServerRecord, ThreadsServersRepo } from '../../db/threads-servers-repo';
import { secretKey, type SecretStore } from '../../secrets/secret-store';
import type { ReadyThreadsServer } from './oauth';
import { presetServers, SANDBOX_THREADS_APP } from './presets';

export const serverSecretKey = (id: string): string => secretKey('threads-server', id, 'app-secret');

export interface ThreadsServersDeps {
  repo: ThreadsServersRepo;
  accounts: AccountsRepo;
  secrets: SecretStore;
  now: () => number;
  sandboxUrl: string;
}

export function createThreadsServers(deps: ThreadsServersDeps) {
  const { repo, secrets } = deps;

  /** Presets exist from the first start; the sandbox preset follows the configured sandbox address. */
  function ensurePresets(): void {
    const presets = presetServers(deps.sandboxUrl, new Date(deps.now()).toISOString());
    if (!repo.get('threads')) repo.save(presets.threads);
    const sandbox = repo.get('sandbox');
    repo.save(sandbox ? { ...presets.sandbox, createdAt: sandbox.createdAt } : presets.sandbox);
  }

  async function appSecret(record: ThreadsServerRecord): Promise<string | null> {
    if (record.preset === 'sandbox') return SANDBOX_THREADS_APP.appSecret;
    return secrets.get(serverSecretKey(record.id));
  }

  function missing(record: ThreadsServerRecord, hasSecret: boolean): string | null {
    const needed: string[] = [];
    if (record.appId === '') needed.push('the app id');
    if (!hasSecret) needed.push('the app secret');
    if (!record.allowsLoopback && !record.redirectUri) needed.push('an https redirect URI registered for the app');
    if (needed.length === 0) return null;
    const list = needed.length === 1 ? needed[0] : `${needed.slice(0, -1).join(', ')} and ${needed.at(-1)}`;
    return `Add ${list} in Settings → Threads servers.`;
  }

  async function toPublic(record: ThreadsServerRecord): Promise<ThreadsServer> {
    const hasAppSecret = (await appSecret(record)) !== null;
    return {
      id: record.id,
      name: record.name,
      apiBase: record.apiBase,
      authorizeUrl: record.authorizeUrl,
      appId: record.appId,
      hasAppSecret,
      redirectUri: record.redirectUri,
      allowsLoopback: record.allowsLoopback,
      usesPkce: record.usesPkce,
      preset: record.preset,
      missing: missing(record, hasAppSecret),
    };
  }

  function require(id: string): ThreadsServerRecord {
    const record = repo.get(id);
    if (!record) throw new BraidError('servers.invalid', 'That Threads server is not in Braid\'s settings any more. Pick another one or add it again.');
    return record;
  }

  return {
    ensurePresets,
    async list(): Promise<ThreadsServer[]> {
      return Promise.all(repo.list().map(toPublic));
    },
    get: require,
    /** The server with its secret, or a message saying what is missing. */
    async ready(id: string): Promise<ReadyThreadsServer> {
      const record = require(id);
      const secret = await appSecret(record);
      const gap = missing(record, secret !== null);
      if (gap !== null || secret === null) throw new BraidError('link.server-not-ready', `${record.name} is not set up yet. ${gap ?? ''}`.trim());
      return { record, appSecret: secret };
    },
    async save(input: ThreadsServerInput): Promise<ThreadsServer> {
      const existing = input.id === undefined ? undefined : require(input.id);
      if (existing?.preset === 'sandbox') {
        throw new BraidError('servers.invalid', 'The Braid sandbox preset follows the sandbox Braid was started with and cannot be edited. Add a server instead.');
      }
      const record: ThreadsServerRecord = {
        id: existing?.id ?? randomUUID(),
        name: input.name,
        apiBase: input.apiBase.replace(/\/+$/, ''),
        authorizeUrl: input.authorizeUrl,
        appId: input.appId,
        redirectUri: input.redirectUri,
        allowsLoopback: input.allowsLoopback,
        usesPkce: input.usesPkce,
        preset: existing?.preset ?? null,
        createdAt: existing?.createdAt ?? new Date(deps.now()).toISOString(),
      };
      for (const [label, value] of [['Graph API base', record.apiBase], ['sign-in page', record.authorizeUrl]] as const) {
        const url = new URL(value);
        if (url.protocol !== 'https:' && !isLoopbackHost(url.hostname)) throw new BraidError('servers.invalid', `The ${label} must be an https address (plain http is allowed only on this computer).`);
      }
      if (input.appSecret !== undefined) {
        if (input.appSecret === '') await secrets.delete(serverSecretKey(record.id));
        else await secrets.set(serverSecretKey(record.id), input.appSecret);
      }
      return toPublic(repo.save(record));
    },
    async remove(id: string): Promise<void> {
      const record = require(id);
      if (record.preset !== null) throw new BraidError('servers.invalid', `${record.name} is built in and cannot be removed.`);
      const users = deps.accounts.countUsingThreadsServer(id);
      if (users > 0) throw new BraidError('servers.invalid', `${record.name} is used by ${users === 1 ? 'a linked account' : `${users} linked accounts`}. Unlink ${users === 1 ? 'it' : 'them'} first.`);
      repo.remove(id);
      await secrets.delete(serverSecretKey(id));
    },
  };
}

export type ThreadsServers = ReturnType<typeof createThreadsServers>;
