/**
 * In-process control of the Threads-like server, for the seed generator and tests. Every
 * method goes through the same code paths the Graph API and the extensions use (sharing rules,
 * federation deliveries), so seeded data looks exactly like data made over the API.
 */
export interface ThreadsUserRef {
  id: string;
  username: string;
  /** ActivityPub actor id, e.g. http://127.0.0.1:4100/ap/users/17841400000000001/ */
  actorId: string;
}

export interface NewThreadsUser {
  username: string;
  password: string;
  name?: string;
  biography?: string;
  isVerified?: boolean;
  /** Private profiles cannot share to the Fediverse. */
  isPrivate?: boolean;
  /** Under-18 users cannot share to the Fediverse. */
  age?: number;
  /** Turn Fediverse sharing on at creation (only if eligible; throws otherwise). */
  sharing?: boolean;
  profilePictureUrl?: string;
  createdAt?: number;
}

export interface NewThreadsPost {
  text?: string;
  mediaType?: 'TEXT' | 'IMAGE' | 'VIDEO' | 'CAROUSEL';
  /** IMAGE/VIDEO: one item; CAROUSEL: 2–20 items. */
  media?: { type: 'IMAGE' | 'VIDEO'; url: string; altText?: string }[];
  replyToId?: string;
  quotePostId?: string;
  linkAttachmentUrl?: string;
  pollOptions?: string[];
  topicTag?: string;
  createdAt?: number;
}

export interface ThreadsPostRef {
  id: string;
  shortcode: string;
  permalink: string;
  /** Set when the post federates (its author shares). */
  activityPubId?: string;
}

export interface ThreadsAdmin {
  createUser(input: NewThreadsUser): ThreadsUserRef;
  findUser(username: string): ThreadsUserRef | undefined;
  /** Publishes at once (container + publish), federating it when the author shares. */
  createPost(userId: string, input: NewThreadsPost): ThreadsPostRef;
  repost(userId: string, postId: string, createdAt?: number): string;
  deletePost(userId: string, postId: string): void;
  like(userId: string, postId: string): void;
  follow(userId: string, targetUserId: string): void;
  /** Same rules as the extension endpoint: throws with the reason when ineligible. */
  setSharing(userId: string, enabled: boolean, options?: { removeSharedPosts?: boolean }): void;
  setPrivate(userId: string, isPrivate: boolean): void;
  /** A token without the OAuth pages; long-lived (60 days) unless `shortLived`. */
  createToken(userId: string, options?: { shortLived?: boolean; scopes?: string[] }): string;
  revokeToken(token: string): void;
  stats(): { users: number; posts: number; fediverseReplies: number; fediverseLikes: number };
}
