/**
 * One key per human, so rule 3 of the cross-post linker (same person, same text, short window)
 * can tell "the same person on two networks" from "two people who wrote the same words".
 * See docs/ARCHITECTURE.md (Cross-posts) and PROTOCOLS.md (Threads federation, rel=me).
 *
 * - A Threads account, its federated copy on Mastodon (`user@threads.net`) and a Mastodon
 *   account that verified (rel=me) a link to that Threads profile all get
 *   `threads:<threads web host>:<username>`.
 * - Any other Mastodon account gets `mastodon:<user@host>`.
 * - The user's own linked accounts all get `self`, so their manual cross-posts link.
 */
import type { Network } from '@shared/model';
import type { NormalizeContext } from './types';
import { decodeEntities, hostKey } from './text';

export const SELF_PERSON_KEY = 'self';

export interface PersonFacts {
  network: Network;
  /** Threads: the username. Mastodon: `user@host` (a bare `user` is read as local to ctx.server). */
  handle: string;
  /** Threads: the profile or post URL, whose host is the Threads web host. */
  url?: string | null;
  /** Mastodon profile fields; a verified one may link the person's Threads profile. */
  fields?: readonly { value: string; verifiedAt: string | null }[];
}

function hostOf(url: string | null | undefined): string | undefined {
  if (typeof url !== 'string') return undefined;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.host : undefined;
  } catch {
    return undefined;
  }
}

function isThreadsHost(host: string, ctx: Pick<NormalizeContext, 'threadsHosts'>): boolean {
  const key = hostKey(host);
  return ctx.threadsHosts.some((known) => hostKey(known) === key);
}

/** `@user@host` / `user@host` / `user` → [user, host]; host falls back to `defaultHost`. */
function splitHandle(handle: string, defaultHost: string | undefined): [string, string | undefined] {
  const bare = handle.trim().replace(/^@/, '');
  const at = bare.indexOf('@');
  return at === -1 ? [bare, defaultHost] : [bare.slice(0, at), bare.slice(at + 1)];
}

/** Every URL a field value points at: its hrefs, or the value itself when it is a bare URL. */
function urlsInFieldValue(value: string): string[] {
  const hrefs = [...value.matchAll(/\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/gi)].map((m) => decodeEntities(m[1] ?? m[2] ?? m[3] ?? ''));
  if (hrefs.length > 0) return hrefs;
  const text = decodeEntities(value.replace(/<[^>]*>/g, '')).trim();
  return /^https?:\/\/\S+$/i.test(text) ? [text] : [];
}

/**
 * `http(s)://(www.)<threads host>/@<username>` in a verified field → the Threads key. Mastodon
 * marks a field verified only after the linked page links back with rel=me, so a stranger
 * cannot claim someone's Threads profile this way.
 */
function verifiedThreadsKey(fields: PersonFacts['fields'], ctx: Pick<NormalizeContext, 'threadsHosts'>): string | undefined {
  for (const f of fields ?? []) {
    if (f.verifiedAt === null || f.verifiedAt === '') continue;
    for (const href of urlsInFieldValue(f.value)) {
      let url: URL;
      try {
        url = new URL(href);
      } catch {
        continue;
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') continue;
      const profile = /^\/@([A-Za-z0-9._]+)\/?$/.exec(url.pathname);
      if (profile && isThreadsHost(url.host, ctx)) return `threads:${hostKey(url.host)}:${(profile[1] as string).toLowerCase()}`;
    }
  }
  return undefined;
}

/** The person key of an author; `self` when it is one of the user's linked accounts. */
export function personKeyOf(author: PersonFacts, ctx: Pick<NormalizeContext, 'server' | 'threadsHosts' | 'selfKeys'>): string {
  const serverHost = hostOf(ctx.server);
  let key: string;
  if (author.network === 'threads') {
    // Without a profile URL, the API's host stands in: graph.threads.net serves threads.net.
    const webHost = hostOf(author.url) ?? serverHost?.replace(/^graph\./i, '') ?? '';
    key = `threads:${hostKey(webHost)}:${author.handle.trim().replace(/^@/, '').toLowerCase()}`;
  } else {
    const [user, host] = splitHandle(author.handle, serverHost);
    const acctHost = host === undefined ? '' : hostKey(host);
    if (host !== undefined && isThreadsHost(host, ctx)) key = `threads:${acctHost}:${user.toLowerCase()}`;
    else key = verifiedThreadsKey(author.fields, ctx) ?? `mastodon:${user.toLowerCase()}@${host === undefined ? '' : host.toLowerCase()}`;
  }
  return ctx.selfKeys.has(key) ? SELF_PERSON_KEY : key;
}

/**
 * The key one of the user's linked accounts has, for building `ctx.selfKeys`. Threads accounts
 * need the web host of their server (threads.net for graph.threads.net; the origin's host for
 * servers that serve both, like the sandbox).
 */
export function selfKeyOf(account: { network: Network; handle: string; server: string }, threadsWebHost?: string): string {
  if (account.network === 'threads') {
    const host = threadsWebHost ?? hostOf(account.server)?.replace(/^graph\./i, '') ?? '';
    return `threads:${hostKey(host)}:${account.handle.trim().replace(/^@/, '').toLowerCase()}`;
  }
  const [user, host] = splitHandle(account.handle, hostOf(account.server));
  return `mastodon:${user.toLowerCase()}@${(host ?? '').toLowerCase()}`;
}
