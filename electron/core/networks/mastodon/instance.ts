/**
 * What a person types to name their Mastodon server: `mastodon.social`, `https://mastodon.social/`,
 * `@me@mastodon.social`, `me@mastodon.social` or a profile address. Braid needs the origin.
 */
import { BraidError } from '@shared/errors';
import { isLoopbackHost } from '../../net/http';

export interface InstanceAddress {
  /** https://mastodon.social (http only for loopback servers such as the sandbox). */
  origin: string;
  /** The host to show the user. */
  host: string;
  /** The username part of a handle, when one was typed. */
  username: string | null;
}

export function normalizeInstance(raw: string): InstanceAddress {
  const text = raw.trim();
  const invalid = () =>
    new BraidError(
      'link.invalid-address',
      `"${text.slice(0, 80)}" is not a server address or handle Braid understands. Type your server, like mastodon.social, or your handle, like @you@mastodon.social.`,
    );
  if (text === '' || /\s/.test(text)) throw invalid();

  let username: string | null = null;
  let address = text;
  const handle = /^@?([\w.-]+)@([^@/\s]+)$/.exec(text);
  if (handle?.[1] && handle[2]) {
    username = handle[1];
    address = handle[2];
  }
  if (!/^[a-z][a-z\d+.-]*:\/\//i.test(address)) {
    // Servers on this computer (the sandbox) speak plain http; everything else https.
    const bareHost = address.split('/')[0]?.replace(/:\d+$/, '') ?? '';
    address = `${isLoopbackHost(bareHost) ? 'http' : 'https'}://${address}`;
  }

  let url: URL;
  try {
    url = new URL(address);
  } catch {
    throw invalid();
  }
  if (url.username || url.password || (!url.hostname.includes('.') && !isLoopbackHost(url.hostname))) throw invalid();
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) url.protocol = 'https:';
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw invalid();
  // A profile address (https://mastodon.social/@me) names the user too.
  const profile = /^\/@([\w.-]+)\/?$/.exec(url.pathname);
  if (profile?.[1] && username === null) username = profile[1];
  return { origin: url.origin, host: url.host, username };
}
