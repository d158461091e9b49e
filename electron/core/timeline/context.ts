/**
 * What the normalizers need to know about the user's world (NormalizeContext): which hosts are
 * Threads servers, and which people are the user. The sync, the interactions view and the
 * composer all normalize posts, so all three build it here.
 */
import type { AccountRecord } from '../db/accounts-repo';
import type { ThreadsServerRecord } from '../db/threads-servers-repo';
import { selfKeyOf } from './people';
import type { NormalizeContext } from './types';

function urlHost(url: string): string | null {
  try {
    return new URL(url).host.toLowerCase();
  } catch {
    return null;
  }
}

/** Hosts (not URLs) of the Threads servers Braid knows: their API and web sides. */
export function threadsHostsOf(servers: readonly ThreadsServerRecord[]): string[] {
  const hosts = new Set<string>();
  for (const server of servers) {
    for (const url of [server.authorizeUrl, server.apiBase]) {
      const host = urlHost(url);
      if (host) hosts.add(host.replace(/^www\./, ''));
    }
    // Meta's API lives on graph.threads.net; posts and profiles on threads.net and threads.com.
    if (server.preset === 'threads') ['threads.net', 'threads.com'].forEach((host) => hosts.add(host));
  }
  return [...hosts];
}

/** A context per account, sharing one set of hosts and self keys for all of them. */
export function normalizeContexts(accounts: readonly AccountRecord[], servers: readonly ThreadsServerRecord[]): (account: AccountRecord) => NormalizeContext {
  const threadsHosts = threadsHostsOf(servers);
  const selfKeys = new Set<string>();
  for (const linked of accounts) {
    if (linked.network === 'mastodon') selfKeys.add(selfKeyOf({ network: 'mastodon', handle: linked.handle, server: linked.server }, ''));
    else for (const host of threadsHosts) selfKeys.add(selfKeyOf({ network: 'threads', handle: linked.handle, server: linked.server }, host));
  }
  return (account) => ({ accountId: account.id, server: account.server, threadsHosts, selfKeys });
}

/** The normalizers' context for posts read with `account`. */
export function normalizeContextFor(account: AccountRecord, accounts: readonly AccountRecord[], servers: readonly ThreadsServerRecord[]): NormalizeContext {
  return normalizeContexts(accounts, servers)(account);
}
