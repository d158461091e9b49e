/**
 * Where a Threads-style server's public side lives. The Graph API (graph.threads.net) and the
 * web (threads.net) are different hosts; Braid takes the web origin from the server's consent
 * page (`authorizeUrl`), which is on the web side for both graph.threads.net and the sandbox.
 */

export interface ThreadsWeb {
  /** Serves WebFinger and profile pages: https://www.threads.net, http://127.0.0.1:4100. */
  origin: string;
  /** The domain in Fediverse handles: threads.net, 127.0.0.1:4100. */
  domain: string;
}

export function threadsWebOf(server: { authorizeUrl: string; apiBase: string }): ThreadsWeb {
  let url: URL;
  try {
    url = new URL(server.authorizeUrl);
  } catch {
    url = new URL(server.apiBase);
  }
  const domain = url.host.replace(/^www\./i, '').replace(/^graph\./i, '').toLowerCase();
  // threads.net serves WebFinger (and everything else) from www. and redirects the bare domain there.
  const origin = domain === 'threads.net' || domain === 'threads.com' ? `${url.protocol}//www.${domain}` : `${url.protocol}//${domain}`;
  return { origin, domain };
}

/** `@user@domain`, the handle people on the Fediverse follow. */
export function fediverseHandle(username: string, web: ThreadsWeb): string {
  return `@${username.replace(/^@/, '')}@${web.domain}`;
}

/** Threads' own Fediverse sharing settings page (www.threads.net/settings/account/fediverse). */
export function sharingSettingsUrl(web: ThreadsWeb): string {
  return `${web.origin}/settings/account/fediverse`;
}
