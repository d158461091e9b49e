import type { LinkMethod } from '@shared/linking';
import type { Network } from '@shared/model';

/** Who the user turned out to be, and the token to act as them. */
export interface LinkedIdentity {
  remoteId: string;
  handle: string;
  displayName: string;
  avatarUrl: string | null;
  token: string;
  tokenIssuedAt: string | null;
  tokenExpiresAt: string | null;
}

/** One server's side of a sign-in: built by networks/mastodon and networks/threads, run by LinkFlows. */
export interface LinkTarget {
  network: Network;
  /** Base URL, as accounts store it. */
  server: string;
  serverName: string;
  threadsServerId: string | null;
  /** The methods this server can use, best first. */
  methods: readonly LinkMethod[];
  /** The redirect URI for the methods that do not use the loopback listener. */
  redirectUriFor(method: Exclude<LinkMethod, 'loopback'>): string;
  authorizeUrl(request: { redirectUri: string; state: string; codeChallenge: string }): string;
  /** Code → token → profile. Throws BraidErrors with messages for the user. */
  exchange(request: { code: string; redirectUri: string; codeVerifier: string; signal: AbortSignal }): Promise<LinkedIdentity>;
}
