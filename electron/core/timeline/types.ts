/**
 * What the network adapters hand to the store: a `Post` plus the facts the cross-post linker
 * needs, and, for a boost or repost, who brought the post into the feed.
 */
import type { Network } from '@shared/model';
import type { CrossPostRule, Post, PostAuthor } from '@shared/timeline';

export interface NormalizeContext {
  /** The linked account whose feed this came from. */
  accountId: string;
  /** Origin of that account's server, e.g. https://mastodon.social */
  server: string;
  /** Web hosts of the Threads servers Braid knows (threads.net, 127.0.0.1:4100 …), lower case. */
  threadsHosts: readonly string[];
  /**
   * Person keys of the user's own linked accounts. A post whose author's key is in here gets
   * the person key `self`, so the user's own manual cross-posts link (rule 3).
   */
  selfKeys: ReadonlySet<string>;
}

export interface LinkFacts {
  /** `uri` made comparable (see canonicalKey); null when the post has none. */
  uriKey: string | null;
  /** `url` made comparable; null when the post has none. */
  urlKey: string | null;
  /**
   * Threads posts: their own id. Mastodon statuses of a Threads-domain account: the Threads
   * post id read from the ActivityPub id (`…/post/<id>`), when there is one.
   */
  threadsPostId: string | null;
  /** One key per person (see personKeyOf); two posts by the same human share it. */
  personKey: string;
  /** Text with markup, links' wrappers and spacing differences removed, for rule 3. */
  text: string;
}

export interface NormalizedPost {
  post: Post;
  link: LinkFacts;
}

export interface NormalizedBoost {
  /** The boost's (or repost's) own id on its server. */
  remoteId: string;
  author: PostAuthor;
  network: Network;
  at: string;
}

/** One item of a remote feed: a post, or a boost of one (then `post` is the original). */
export interface FeedItem {
  post: NormalizedPost;
  boost: NormalizedBoost | null;
}

/** A stored copy the linker may join, as the store finds it. */
export interface LinkCandidate {
  groupId: string;
  postId: string;
  network: Network;
  server: string;
  remoteId: string;
  link: LinkFacts;
  createdAtMs: number;
}

/** The store's indexed look-ups, one per rule. */
export interface LinkLookup {
  byUriOrUrl(keys: readonly string[]): LinkCandidate[];
  byThreadsPostId(id: string): LinkCandidate[];
  /** Copies by this person in the time range whose link text is exactly `text`. */
  byPersonBetween(personKey: string, fromMs: number, toMs: number, text: string): LinkCandidate[];
}

export interface LinkMatch {
  groupId: string;
  rule: CrossPostRule;
  /** The stored copy that matched, for the log. */
  postId: string;
}
