/**
 * Linking and unlinking accounts: builds the sign-in for the server the user named, keeps the
 * result (row in SQLite, token in the keychain), and undoes it all on unlink.
 */
import { randomUUID } from 'node:crypto';
import { BraidError } from '@shared/errors';
import type { LinkFlow, LinkMethod, LinkRequest, UnlinkResult } from '@shared/linking';
import type { Account } from '@shared/model';
import { LinkFlows, type LinkFlowsOptions } from '../auth/flows';
import type { LinkedIdentity, LinkTarget } from '../auth/target';
import { toAccount, type AccountRecord, type AccountsRepo } from '../db/accounts-repo';
import type { CoreEvents } from '../events';
import type { Logger } from '../log';
import { normalizeInstance } from '../networks/mastodon/instance';
import { discoverMastodon, ensureApp, mastodonTarget, revokeMastodonToken, type MastodonDeps } from '../networks/mastodon/oauth';
import { identityFromPastedToken, threadsTarget, type ThreadsDeps } from '../networks/threads/oauth';
import type { ThreadsServers } from '../networks/threads/servers';
import type { SecretStore } from '../secrets/secret-store';
import { accountTokenKey } from './tokens';

export interface LinkingDeps {
  accounts: AccountsRepo;
  servers: ThreadsServers;
  secrets: SecretStore;
  mastodon: MastodonDeps;
  threads: ThreadsDeps;
  events: CoreEvents;
  /** Tells the renderer the account list changed. */
  announce: () => void;
  log: Logger;
  now: () => number;
  flows: Pick<LinkFlowsOptions, 'openExternal' | 'authWindow' | 'timeoutMs'>;
}

export function createLinking(deps: LinkingDeps) {
  const { accounts, secrets, log, announce } = deps;

  /** Keeps a new sign-in: token first (so a row never exists without one), then the row. */
  async function store(target: LinkTarget, identity: LinkedIdentity): Promise<Account> {
    const previous = accounts.findByRemote(target.network, target.server, identity.remoteId);
    const id = previous?.id ?? randomUUID();
    const oldToken = previous ? await secrets.get(accountTokenKey(id)).catch(() => null) : null;
    await secrets.set(accountTokenKey(id), identity.token);
    let stored: AccountRecord;
    try {
      stored = accounts.upsert({
        id,
        network: target.network,
        server: target.server,
        remoteId: identity.remoteId,
        handle: identity.handle,
        displayName: identity.displayName,
        avatarUrl: identity.avatarUrl,
        status: 'ok',
        statusMessage: null,
        linkedAt: previous?.linkedAt ?? new Date(deps.now()).toISOString(),
        threadsServerId: target.threadsServerId,
        tokenIssuedAt: identity.tokenIssuedAt,
        tokenExpiresAt: identity.tokenExpiresAt,
      });
    } catch (error) {
      if (!previous) await secrets.delete(accountTokenKey(id)).catch(() => false);
      throw error;
    }
    // Signing in again replaces the token; the old one should stop working too.
    if (oldToken && oldToken !== identity.token && target.network === 'mastodon') {
      revokeMastodonToken(deps.mastodon, target.server, oldToken).catch((error: unknown) => log.warn('link', 'could not revoke the replaced token', error));
    }
    announce();
    return toAccount(stored);
  }

  const flows = new LinkFlows({ ...deps.flows, events: deps.events, log, now: deps.now, store });

  async function targetFor(request: LinkRequest): Promise<LinkTarget> {
    if (request.network === 'mastodon') {
      const address = normalizeInstance(request.instance);
      const server = await discoverMastodon(deps.mastodon, address);
      const app = await ensureApp(deps.mastodon, server);
      return mastodonTarget(deps.mastodon, server, app);
    }
    return threadsTarget(deps.threads, await deps.servers.ready(request.serverId));
  }

  function requireAccount(accountId: string): AccountRecord {
    const account = accounts.get(accountId);
    if (!account) throw new BraidError('account.unknown', 'That account is not linked any more.');
    return account;
  }

  return {
    flows,
    store,
    async begin(request: LinkRequest): Promise<LinkFlow> {
      return flows.begin(await targetFor(request), request.method);
    },
    async relink(accountId: string, method?: LinkMethod): Promise<LinkFlow> {
      const account = requireAccount(accountId);
      const request: LinkRequest =
        account.network === 'mastodon'
          ? { network: 'mastodon', instance: account.server }
          : { network: 'threads', serverId: account.threadsServerId ?? 'threads' };
      const target = await targetFor(request);
      // "Sign in again" is for this account: a sign-in as someone else must not quietly add another.
      const exchange: LinkTarget['exchange'] = async (answer) => {
        const identity = await target.exchange(answer);
        if (identity.remoteId === account.remoteId) return identity;
        if (target.network === 'mastodon') {
          await revokeMastodonToken(deps.mastodon, target.server, identity.token).catch(() => false);
        }
        throw new BraidError(
          'link.wrong-account',
          `You signed in as @${identity.handle}, but this sign-in was for @${account.handle}. Sign in again as @${account.handle}, or use Link an account to add @${identity.handle}.`,
        );
      };
      return flows.begin({ ...target, exchange }, method);
    },
    async linkToken(serverId: string, token: string): Promise<Account> {
      const ready = await deps.servers.ready(serverId);
      const identity = await identityFromPastedToken(deps.threads, ready.record, token);
      return store(threadsTarget(deps.threads, ready), identity);
    },
    async unlink(accountId: string): Promise<UnlinkResult> {
      const account = requireAccount(accountId);
      const token = await secrets.get(accountTokenKey(account.id)).catch(() => null);
      const host = new URL(account.server).host;
      let revoked = false;
      if (token && account.network === 'mastodon') {
        revoked = await revokeMastodonToken(deps.mastodon, account.server, token).catch((error: unknown) => {
          log.warn('unlink', `could not revoke the token on ${host}`, error);
          return false;
        });
      }
      await secrets.delete(accountTokenKey(account.id));
      accounts.remove(account.id);
      announce();
      const who = `@${account.handle}`;
      let message: string;
      if (revoked) message = `Unlinked ${who}. ${host} has revoked Braid's access.`;
      else if (account.network === 'threads') {
        message = `Unlinked ${who} and deleted its token from this computer. Threads has no way for apps to revoke access: to remove Braid completely, open Threads → Settings → Account → Website permissions.`;
      } else {
        message = `Unlinked ${who} and deleted its token from this computer, but ${host} could not be told to revoke it. Remove Braid under Preferences → Account → Authorized apps on ${host}.`;
      }
      log.info('unlink', `unlinked an account on ${host} (revoked: ${revoked})`);
      return { revoked, message };
    },
  };
}

export type Linking = ReturnType<typeof createLinking>;
