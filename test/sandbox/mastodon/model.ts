/**
 * The server's in-memory state: plain records indexed by id, plus the sorted timelines that
 * make paging cheap. Statuses change through statuses.ts, interactions through interactions.ts.
 */
import type { SandboxClock } from '../core/clock.ts';
import { snowflakeIds } from '../core/ids.ts';
import { SortedIds } from '../core/sorted-ids.ts';

export type Visibility = 'public' | 'unlisted' | 'private' | 'direct';

export interface Field {
  name: string;
  value: string;
  verifiedAt: number | null;
}

export interface AccountRecord {
  id: string;
  username: string;
  /** null for local accounts. */
  domain: string | null;
  displayName: string;
  /** HTML. */
  note: string;
  /** Plain text source of the bio (local accounts). */
  noteSource: string;
  locked: boolean;
  bot: boolean;
  fields: Field[];
  avatar: string;
  header: string;
  createdAt: number;
  password: string;
  /** ActivityPub actor id and profile page. */
  uri: string;
  url: string;
  inbox: string;
  sharedInbox: string;
  statuses: SortedIds;
  home: SortedIds;
  notifications: SortedIds;
  followers: Set<string>;
  following: Set<string>;
  /** accountId → wants `status` notifications. */
  notifyOn: Set<string>;
  /** Outgoing Follow activity ids for remote targets, so Unfollow can Undo them. */
  followActivities: Map<string, string>;
  pinned: SortedIds;
  bookmarks: Set<string>;
  lastStatusAt: number | null;
  statusesCount: number;
}

/** A link preview as Mastodon's API shows it (`PreviewCard`). */
export interface CardRecord {
  url: string;
  title: string;
  description: string;
  image: string | null;
  providerName: string;
}

export interface StatusRecord {
  /** Only set by `admin.serveHostile` (the sandbox makes no link previews of its own). */
  card?: CardRecord;
  id: string;
  accountId: string;
  createdAt: number;
  editedAt: number | null;
  /** Source text (local statuses). */
  text: string;
  content: string;
  spoilerText: string;
  sensitive: boolean;
  visibility: Visibility;
  language: string | null;
  inReplyToId: string | null;
  inReplyToAccountId: string | null;
  reblogOfId: string | null;
  mediaIds: string[];
  pollId: string | null;
  mentionIds: string[];
  tags: string[];
  emojis: string[];
  uri: string;
  url: string | null;
  local: boolean;
  /** favourite id → account id, for /favourited_by paging. */
  favourites: Map<string, string>;
  favouriteOrder: SortedIds;
  favouritedBy: Map<string, string>;
  /** reblogger account id → reblog status id. */
  reblogs: Map<string, string>;
  reblogOrder: SortedIds;
  replies: SortedIds;
  history: { content: string; spoilerText: string; sensitive: boolean; createdAt: number; mediaIds: string[] }[];
  application: { name: string; website: string | null } | null;
}

export interface MediaRecord {
  id: string;
  accountId: string;
  type: 'image' | 'video' | 'gifv' | 'audio' | 'unknown';
  mime: string;
  fileName: string;
  bytes: Uint8Array | null;
  /** For remote media: where it lives. */
  remoteUrl: string | null;
  description: string | null;
  width: number;
  height: number;
  focus: { x: number; y: number };
  statusId: string | null;
}

export interface PollRecord {
  id: string;
  statusId: string;
  options: string[];
  votes: number[];
  multiple: boolean;
  expiresAt: number | null;
  /** account id → chosen option indexes. */
  voters: Map<string, number[]>;
  notified: boolean;
}

export type NotificationType = 'mention' | 'status' | 'reblog' | 'follow' | 'follow_request' | 'favourite' | 'poll' | 'update';

export interface NotificationRecord {
  id: string;
  type: NotificationType;
  recipientId: string;
  fromId: string;
  statusId: string | null;
  createdAt: number;
}

export interface AppRecord {
  id: string;
  name: string;
  website: string | null;
  redirectUris: string[];
  scopes: string[];
  clientId: string;
  clientSecret: string;
  createdAt: number;
}

export interface TokenRecord {
  token: string;
  appId: string | null;
  /** null for client_credentials (app) tokens. */
  accountId: string | null;
  scopes: string[];
  createdAt: number;
  revoked: boolean;
}

export interface MarkerRecord {
  lastReadId: string;
  version: number;
  updatedAt: number;
}

export interface Store {
  clock: SandboxClock;
  origin: string;
  host: string;
  title: string;
  ids: ReturnType<typeof snowflakeIds>;
  accounts: Map<string, AccountRecord>;
  /** lower-cased acct (username for local, user@domain for remote) → id. */
  accountsByAcct: Map<string, string>;
  /** Actor id or profile url → account id. */
  accountsByUri: Map<string, string>;
  statuses: Map<string, StatusRecord>;
  /** ActivityPub id or url → status id. */
  statusesByUri: Map<string, string>;
  publicAll: SortedIds;
  publicLocal: SortedIds;
  publicRemote: SortedIds;
  tagTimelines: Map<string, SortedIds>;
  media: Map<string, MediaRecord>;
  polls: Map<string, PollRecord>;
  notifications: Map<string, NotificationRecord>;
  apps: Map<string, AppRecord>;
  appsByClientId: Map<string, string>;
  tokens: Map<string, TokenRecord>;
  markers: Map<string, Map<string, MarkerRecord>>;
  customEmojis: Map<string, { shortcode: string; url: string }>;
  /** `${accountId}:${key}` → the status an Idempotency-Key made, and when (kept an hour). */
  idempotency: Map<string, { statusId: string; at: number }>;
  /** Remote Like / Announce activity ids → what they created, for Undo. */
  remoteActivities: Map<string, { kind: 'like' | 'announce'; accountId: string; statusId: string }>;
  /** Open polls by expiry time, soonest first, so ended polls are found without a scan. */
  pollQueue: { at: number; id: string }[];
  counter: number;
  remoteStatusCount: number;
}

export function createStore(clock: SandboxClock, origin: string, host: string, title: string): Store {
  return {
    clock,
    origin,
    host,
    title,
    ids: snowflakeIds(),
    accounts: new Map(),
    accountsByAcct: new Map(),
    accountsByUri: new Map(),
    statuses: new Map(),
    statusesByUri: new Map(),
    publicAll: new SortedIds(),
    publicLocal: new SortedIds(),
    publicRemote: new SortedIds(),
    tagTimelines: new Map(),
    media: new Map(),
    polls: new Map(),
    notifications: new Map(),
    apps: new Map(),
    appsByClientId: new Map(),
    tokens: new Map(),
    markers: new Map(),
    customEmojis: new Map(),
    idempotency: new Map(),
    remoteActivities: new Map(),
    pollQueue: [],
    counter: 0,
    remoteStatusCount: 0,
  };
}

export function newAccountRecord(fields: Pick<AccountRecord, 'id' | 'username' | 'domain' | 'uri' | 'url' | 'inbox' | 'sharedInbox' | 'avatar' | 'createdAt'> & Partial<AccountRecord>): AccountRecord {
  return {
    displayName: '',
    note: '',
    noteSource: '',
    locked: false,
    bot: false,
    fields: [],
    header: '',
    password: '',
    statuses: new SortedIds(),
    home: new SortedIds(),
    notifications: new SortedIds(),
    followers: new Set(),
    following: new Set(),
    notifyOn: new Set(),
    followActivities: new Map(),
    pinned: new SortedIds(),
    bookmarks: new Set(),
    lastStatusAt: null,
    statusesCount: 0,
    ...fields,
  };
}

export function acctOf(account: AccountRecord): string {
  return account.domain === null ? account.username : `${account.username}@${account.domain}`;
}

/** A unique number for activity ids and the like. */
export function nextCounter(store: Store): number {
  store.counter += 1;
  return store.counter;
}
