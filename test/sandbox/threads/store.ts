/**
 * The Threads-like server's state, in memory: users, media objects (posts, replies, reposts,
 * carousel items, Fediverse replies), publishing containers, tokens and OAuth codes, with the
 * per-user id lists the edges page through (sorted, see sorted.ts).
 */
import type { SandboxClock } from '../core/clock.ts';
import { shortcodeFor, snowflakeIds } from '../core/ids.ts';
import { SortedIds } from '../core/sorted-ids.ts';

export type MediaType = 'TEXT_POST' | 'IMAGE' | 'VIDEO' | 'CAROUSEL_ALBUM' | 'AUDIO' | 'REPOST_FACADE';

/** A Fediverse account as its actor document describes it. */
export interface RemoteActor {
  id: string;
  /** user@server */
  acct: string;
  inbox: string;
  sharedInbox?: string;
  url?: string;
  name?: string;
}

export interface User {
  id: string;
  username: string;
  password: string;
  name: string;
  biography: string;
  isVerified: boolean;
  isPrivate: boolean;
  age: number;
  sharing: boolean;
  profilePictureUrl: string;
  createdAt: number;
  /** Top-level posts and reposts, oldest first. */
  threads: SortedIds;
  replies: SortedIds;
  mentions: SortedIds;
  followers: Set<string>;
  following: Set<string>;
  fediFollowers: Map<string, RemoteActor>;
  /** Sandbox-clock times of API publishes (the 24 h quotas). */
  postLog: number[];
  replyLog: number[];
  deleteLog: number[];
}

export interface FediverseReaction {
  actor: RemoteActor;
  activityId: string;
  at: number;
}

export interface Post {
  id: string;
  shortcode: string;
  /** Threads author; undefined for a reply that came from the Fediverse. */
  ownerId?: string;
  remote?: { actor: RemoteActor; noteId: string; url?: string };
  mediaType: MediaType;
  text?: string;
  mediaUrl?: string;
  altText?: string;
  children?: string[];
  isCarouselItem: boolean;
  createdAt: number;
  replyToId?: string;
  rootId?: string;
  quotePostId?: string;
  repostOfId?: string;
  linkAttachmentUrl?: string;
  topicTag?: string;
  pollOptions?: string[];
  likes: Map<string, number>;
  fediLikes: Map<string, FediverseReaction>;
  fediReposts: Map<string, FediverseReaction>;
  /** Native reposts (REPOST_FACADE ids) and quote posts of this one. */
  reposts: Set<string>;
  quotes: Set<string>;
  /** Direct replies, oldest first. */
  directReplies: SortedIds;
  /** For a root post: every reply in the conversation, oldest first. */
  conversation: SortedIds;
  /** Sent to the Fediverse (author shared when it was published). */
  federated: boolean;
  /** The inboxes its Create (or Announce) went to; Delete goes to the same ones. */
  deliveredTo: string[];
  deleted: boolean;
  /** Set on top-level replies only; nested replies follow theirs (see topLevelReplyOf). */
  hideStatus: 'NOT_HUSHED' | 'HIDDEN' | 'UNHUSHED';
}

export type ContainerStatus = 'IN_PROGRESS' | 'FINISHED' | 'PUBLISHED' | 'ERROR' | 'EXPIRED';

export interface Container {
  id: string;
  ownerId: string;
  createdAt: number;
  status: ContainerStatus;
  errorMessage?: string;
  mediaType: 'TEXT' | 'IMAGE' | 'VIDEO' | 'CAROUSEL';
  text?: string;
  imageUrl?: string;
  videoUrl?: string;
  altText?: string;
  isCarouselItem: boolean;
  children: string[];
  replyToId?: string;
  quotePostId?: string;
  linkAttachment?: string;
  topicTag?: string;
  pollOptions?: string[];
  publishedId?: string;
}

const DAY = 24 * 3600_000;

/** A container not published within 24 hours expires (Meta's troubleshooting guide), seen on every read. */
export function containerStatus(container: Container, now: number): ContainerStatus {
  return container.status === 'FINISHED' && now - container.createdAt > DAY ? 'EXPIRED' : container.status;
}

/**
 * Drop the oldest entries of an insertion-ordered map once they are older than `maxAgeMs`, so
 * containers, codes and login sessions nobody comes back for do not pile up forever.
 */
export function dropStale<V extends { createdAt: number }>(map: Map<string, V>, now: number, maxAgeMs: number): void {
  for (const [key, value] of map) {
    if (now - value.createdAt <= maxAgeMs) return;
    map.delete(key);
  }
}

export interface Token {
  token: string;
  userId: string;
  scopes: Set<string>;
  longLived: boolean;
  issuedAt: number;
  expiresAt: number;
  revoked: boolean;
}

export interface AuthCode {
  code: string;
  userId: string;
  redirectUri: string;
  scopes: string[];
  createdAt: number;
  used: boolean;
  codeChallenge?: string;
}

export const ALL_SCOPES = [
  'threads_basic',
  'threads_content_publish',
  'threads_read_replies',
  'threads_manage_replies',
  'threads_manage_insights',
  'threads_keyword_search',
  'threads_profile_discovery',
  'threads_manage_mentions',
  'threads_delete',
] as const;

export interface Store {
  clock: SandboxClock;
  users: Map<string, User>;
  usersByName: Map<string, User>;
  posts: Map<string, Post>;
  postsByShortcode: Map<string, Post>;
  /** Fediverse replies by their Note id. */
  postsByNoteId: Map<string, Post>;
  /** Every top-level post and reply (not reposts or carousel items), oldest first: search. */
  allPosts: SortedIds;
  containers: Map<string, Container>;
  tokens: Map<string, Token>;
  codes: Map<string, AuthCode>;
  remoteActors: Map<string, RemoteActor>;
  newUserId(): string;
  newObjectId(atMs: number): string;
  addPost(post: Omit<Post, 'shortcode' | 'likes' | 'fediLikes' | 'fediReposts' | 'reposts' | 'quotes' | 'directReplies' | 'conversation' | 'deliveredTo' | 'deleted' | 'hideStatus'>): Post;
  unlistPost(post: Post): void;
}

export function createStore(clock: SandboxClock): Store {
  const ids = snowflakeIds();
  let userCounter = 0;
  const store: Store = {
    clock,
    users: new Map(),
    usersByName: new Map(),
    posts: new Map(),
    postsByShortcode: new Map(),
    postsByNoteId: new Map(),
    allPosts: new SortedIds(),
    containers: new Map(),
    tokens: new Map(),
    codes: new Map(),
    remoteActors: new Map(),
    // Threads user ids look like 17841400000000001 (the Instagram-style id space).
    newUserId: () => String(17841400000000000n + BigInt((userCounter += 1))),
    newObjectId: (atMs) => ids.next(atMs),
    addPost(input) {
      const post: Post = {
        ...input,
        shortcode: shortcodeFor(input.id),
        likes: new Map(),
        fediLikes: new Map(),
        fediReposts: new Map(),
        reposts: new Set(),
        quotes: new Set(),
        directReplies: new SortedIds(),
        conversation: new SortedIds(),
        deliveredTo: [],
        deleted: false,
        hideStatus: 'NOT_HUSHED',
      };
      store.posts.set(post.id, post);
      store.postsByShortcode.set(post.shortcode, post);
      if (post.remote) store.postsByNoteId.set(post.remote.noteId, post);
      if (post.isCarouselItem) return post;
      const owner = post.ownerId === undefined ? undefined : store.users.get(post.ownerId);
      if (post.repostOfId !== undefined) {
        if (owner) owner.threads.insert(post.id);
        store.posts.get(post.repostOfId)?.reposts.add(post.id);
        return post;
      }
      store.allPosts.insert(post.id);
      if (post.replyToId !== undefined) {
        if (owner) owner.replies.insert(post.id);
        const parent = store.posts.get(post.replyToId);
        if (parent) parent.directReplies.insert(post.id);
        const root = post.rootId === undefined ? undefined : store.posts.get(post.rootId);
        if (root) root.conversation.insert(post.id);
      } else if (owner) {
        owner.threads.insert(post.id);
      }
      if (post.quotePostId !== undefined) store.posts.get(post.quotePostId)?.quotes.add(post.id);
      for (const name of mentionedUsernames(post.text ?? '')) {
        const mentioned = store.usersByName.get(name);
        if (mentioned && mentioned.id !== post.ownerId) mentioned.mentions.insert(post.id);
      }
      return post;
    },
    unlistPost(post) {
      post.deleted = true;
      store.postsByShortcode.delete(post.shortcode);
      if (post.remote) store.postsByNoteId.delete(post.remote.noteId);
      const owner = post.ownerId === undefined ? undefined : store.users.get(post.ownerId);
      if (owner) {
        owner.threads.remove(post.id);
        owner.replies.remove(post.id);
      }
      store.allPosts.remove(post.id);
      if (post.repostOfId !== undefined) store.posts.get(post.repostOfId)?.reposts.delete(post.id);
      if (post.quotePostId !== undefined) store.posts.get(post.quotePostId)?.quotes.delete(post.id);
      if (post.replyToId !== undefined) {
        const parent = store.posts.get(post.replyToId);
        if (parent) parent.directReplies.remove(post.id);
        const root = post.rootId === undefined ? undefined : store.posts.get(post.rootId);
        if (root) root.conversation.remove(post.id);
      }
      for (const name of mentionedUsernames(post.text ?? '')) {
        const mentioned = store.usersByName.get(name);
        if (mentioned) mentioned.mentions.remove(post.id);
      }
    },
  };
  return store;
}

/** The posts `post` answers, nearest first, ending with the root (empty for a root post). */
export function ancestorsOf(store: Store, post: Post): Post[] {
  const out: Post[] = [];
  for (let parent = post.replyToId === undefined ? undefined : store.posts.get(post.replyToId); parent; parent = parent.replyToId === undefined ? undefined : store.posts.get(parent.replyToId)) out.push(parent);
  return out;
}

/** The reply directly under the root that `reply` descends from (itself when it is one). */
export function topLevelReplyOf(store: Store, reply: Post): Post {
  const ancestors = ancestorsOf(store, reply);
  return ancestors.length < 2 ? reply : (ancestors[ancestors.length - 2] as Post);
}

/** `@name` mentions in a post's text (Threads usernames: letters, digits, `.` and `_`). */
export function mentionedUsernames(text: string): string[] {
  const names = new Set<string>();
  for (const match of text.matchAll(/(?:^|[^\w@])@([A-Za-z0-9._]{1,30})(?![\w@])/g)) names.add((match[1] as string).replace(/\.+$/, '').toLowerCase());
  return [...names];
}
