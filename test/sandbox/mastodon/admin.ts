/**
 * In-process control of the Mastodon-compatible server, for the seed generator and tests. Every
 * method goes through the same code paths the HTTP API uses (timelines, notifications,
 * streaming, federation deliveries), so seeded data looks exactly like data made over the API.
 */
import type { CardRecord } from './model.ts';
export interface MastodonAccountRef {
  id: string;
  username: string;
  /** Local accounts: the username. */
  acct: string;
  /** ActivityPub actor id, e.g. http://127.0.0.1:4200/users/alice */
  uri: string;
}

export interface NewMastodonAccount {
  username: string;
  password: string;
  displayName?: string;
  /** Plain text bio; the server renders it to HTML like Mastodon does. */
  note?: string;
  locked?: boolean;
  bot?: boolean;
  /** Profile fields; a value that is a URL linking back (rel=me) may be marked verified. */
  fields?: { name: string; value: string; verified?: boolean }[];
  avatarUrl?: string;
  createdAt?: number;
}

export interface NewMastodonStatus {
  /** Plain text with @mentions, #hashtags, URLs and :custom_emoji: rendered to HTML as Mastodon does. */
  text: string;
  spoilerText?: string;
  visibility?: 'public' | 'unlisted' | 'private' | 'direct';
  inReplyToId?: string;
  media?: { type: 'image' | 'video' | 'gifv'; description: string | null }[];
  poll?: { options: string[]; expiresInSeconds: number; multiple?: boolean };
  language?: string;
  sensitive?: boolean;
  /** Defaults to the sandbox clock's now; seeding uses times in the past. */
  createdAt?: number;
}

export interface MastodonAdmin {
  createAccount(input: NewMastodonAccount): MastodonAccountRef;
  findAccount(username: string): MastodonAccountRef | undefined;
  createStatus(accountId: string, input: NewMastodonStatus): string;
  editStatus(accountId: string, statusId: string, input: { text: string; spoilerText?: string; editedAt?: number }): void;
  deleteStatus(accountId: string, statusId: string): void;
  /**
   * Test-only: make a status carry what a broken or hostile server could send — raw content
   * HTML that was never sanitized, and a link card — so tests can check Braid's own defences.
   */
  serveHostile(statusId: string, input: { contentHtml?: string; card?: CardRecord }): void;
  favourite(accountId: string, statusId: string): void;
  /** Returns the id of the reblog status. */
  reblog(accountId: string, statusId: string, createdAt?: number): string;
  follow(accountId: string, targetAccountId: string): void;
  /** Follow `user@host` on another server: WebFinger, actor fetch, Follow delivery. */
  followRemote(accountId: string, handle: string): Promise<MastodonAccountRef>;
  /** What `/api/v2/search?resolve=true` does for a URL: the local status id of the remote post. */
  resolveRemoteStatus(url: string): Promise<string | undefined>;
  addCustomEmoji(shortcode: string, url?: string): void;
  /** An access token for the account without the OAuth pages (tests, benchmarks). */
  createToken(accountId: string, scopes?: string[]): string;
  revokeToken(token: string): void;
  /** Counts, for tests and the seed summary. */
  stats(): { accounts: number; statuses: number; remoteStatuses: number };
  /** Open streaming subscriptions (stream names, one per subscribe), so tests can wait for them. */
  streamSubscriptions(): string[];
}
