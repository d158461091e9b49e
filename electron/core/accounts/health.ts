/**
 * Keeping sign-ins alive: on start and on a timer, every account's token is checked with its
 * server, and Threads long-lived tokens are refreshed once they are a day old (the earliest
 * th_refresh_token allows). A revoked or expired token marks the account "needs sign-in"; the
 * account and everything cached for it stay until the user signs in again or unlinks.
 */
import { BraidError } from '@shared/errors';
import type { AccountStatus } from '@shared/model';
import type { AccountRecord, AccountsRepo } from '../db/accounts-repo';
import type { Logger } from '../log';
import { verifyMastodonToken } from '../networks/mastodon/client';
import { fetchThreadsProfile, refreshThreadsToken, type ThreadsDeps } from '../networks/threads/oauth';
import type { ThreadsServers } from '../networks/threads/servers';
import type { SecretStore } from '../secrets/secret-store';
import { accountTokenKey } from './tokens';

export const DAY_MS = 24 * 60 * 60_000;
/** How often the timer looks for tokens to refresh. */
export const REFRESH_CHECK_MS = 60 * 60_000;

export interface HealthDeps {
  accounts: AccountsRepo;
  servers: ThreadsServers;
  secrets: SecretStore;
  threads: ThreadsDeps;
  /** Tells the renderer the account list changed. */
  announce: () => void;
  log: Logger;
  now: () => number;
}

export function createAccountHealth(deps: HealthDeps) {
  const { accounts, secrets, log, announce } = deps;
  let timer: NodeJS.Timeout | undefined;
  /** Set on close: checks still in flight must not touch the closed database. */
  let stopped = false;

  function setStatus(account: AccountRecord, status: AccountStatus, message: string | null): void {
    if (stopped || (account.status === status && account.statusMessage === message)) return;
    accounts.setStatus(account.id, status, message);
    announce();
  }

  /** What a failed call means for the account's status. */
  function noteFailure(account: AccountRecord, error: unknown): void {
    if (error instanceof BraidError && (error.code === 'account.needs-sign-in' || error.code === 'link.token-invalid')) {
      log.warn('accounts', `@${account.handle} needs to sign in again: ${error.message}`);
      setStatus(account, 'needs-sign-in', error.message);
    } else if (error instanceof BraidError && error.code === 'network.rate-limited') {
      log.info('accounts', `rate limited while checking @${account.handle}`);
    } else if (error instanceof BraidError) {
      setStatus(account, 'offline', error.message);
    } else {
      log.error('accounts', `checking @${account.handle} failed unexpectedly`, error);
      setStatus(account, 'offline', "Braid could not check this account. Details are in Braid's log.");
    }
  }

  async function tokenOf(account: AccountRecord): Promise<string> {
    const token = await secrets.get(accountTokenKey(account.id));
    if (!token) throw new BraidError('account.needs-sign-in', 'Braid has no sign-in for this account in the system keychain. Sign in again.');
    return token;
  }

  function expired(account: AccountRecord): boolean {
    return account.tokenExpiresAt !== null && Date.parse(account.tokenExpiresAt) <= deps.now();
  }

  async function check(account: AccountRecord): Promise<void> {
    try {
      if (expired(account)) throw new BraidError('account.needs-sign-in', `The sign-in expired on ${account.tokenExpiresAt?.slice(0, 10) ?? ''}. Sign in again.`);
      const token = await tokenOf(account);
      const profile =
        account.network === 'mastodon'
          ? await verifyMastodonToken(account.server, token)
          : await fetchThreadsProfile(deps.threads, deps.servers.get(account.threadsServerId ?? 'threads'), token);
      if (stopped) return;
      accounts.setProfile(account.id, profile);
      setStatus({ ...account, ...profile }, 'ok', null);
    } catch (error) {
      noteFailure(account, error);
    }
  }

  async function refresh(account: AccountRecord): Promise<boolean> {
    if (account.network !== 'threads' || account.status === 'needs-sign-in' || expired(account)) return false;
    const issued = account.tokenIssuedAt === null ? Date.parse(account.linkedAt) : Date.parse(account.tokenIssuedAt);
    if (deps.now() - issued < DAY_MS) return false;
    try {
      const server = deps.servers.get(account.threadsServerId ?? 'threads');
      const fresh = await refreshThreadsToken(deps.threads, server, await tokenOf(account));
      // The old token stays valid until it expires, so a refresh that lands after close loses nothing.
      if (stopped) return false;
      await secrets.set(accountTokenKey(account.id), fresh.token);
      accounts.setTokenTimes(account.id, fresh.issuedAt, fresh.expiresAt);
      log.info('accounts', `refreshed the Threads sign-in of @${account.handle}`);
      return true;
    } catch (error) {
      noteFailure(account, error);
      return false;
    }
  }

  const api = {
    noteFailure,
    /** Checks every account with its server (all at once; one slow server does not hold up the rest). */
    async recheck(): Promise<void> {
      const all = accounts.list();
      for (const account of all) if (account.status !== 'needs-sign-in') setStatus(account, 'syncing', null);
      await Promise.all(all.map((account) => check(accounts.get(account.id) ?? account)));
    },
    /** Refreshes every Threads token that is at least a day old. Resolves with how many were refreshed. */
    async refreshDue(): Promise<number> {
      const results = await Promise.all(accounts.list().map(refresh));
      return results.filter(Boolean).length;
    },
    /** The start-up check and the hourly refresh; they run in the background and never throw. */
    start(): void {
      const background = async (startUp: boolean): Promise<void> => {
        try {
          await api.refreshDue();
          if (startUp && !stopped) await api.recheck();
        } catch (error) {
          if (!stopped) log.error('accounts', 'the background sign-in check failed', error);
        }
      };
      void background(true);
      timer = setInterval(() => void background(false), REFRESH_CHECK_MS);
      timer.unref();
    },
    stop(): void {
      stopped = true;
      clearInterval(timer);
    },
  };
  return api;
}

export type AccountHealth = ReturnType<typeof createAccountHealth>;
