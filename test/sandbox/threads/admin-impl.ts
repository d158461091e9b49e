/** The in-process ThreadsAdmin (admin.ts): seeding and test control through the same operations the API uses. */
import type { NewThreadsPost, NewThreadsUser, ThreadsAdmin, ThreadsPostRef, ThreadsUserRef } from './admin.ts';
import { deletePost, follow, like, publish, repost, setPrivate, setSharing, type PublishSpec } from './actions.ts';
import { apIdOfPost } from './ap-objects.ts';
import { actorIdOf, permalinkOf, type ThreadsContext } from './context.ts';
import { issueToken } from './oauth.ts';
import { placeholderUrl } from '../core/placeholder-media.ts';
import { SortedIds } from '../core/sorted-ids.ts';
import { ALL_SCOPES, type Post, type User } from './store.ts';

export function createUser(ctx: ThreadsContext, input: NewThreadsUser): User {
  const { store } = ctx;
  const username = input.username.toLowerCase();
  if (!/^[a-z0-9._]{1,30}$/.test(username)) throw new Error(`Invalid Threads username: ${input.username}`);
  if (store.usersByName.has(username)) throw new Error(`Threads username taken: ${username}`);
  const user: User = {
    id: store.newUserId(),
    username,
    password: input.password,
    name: input.name ?? username,
    biography: input.biography ?? '',
    isVerified: input.isVerified ?? false,
    isPrivate: input.isPrivate ?? false,
    age: input.age ?? 30,
    sharing: false,
    profilePictureUrl: placeholderUrl(ctx.origin, `avatar-${username}`, { width: 320, height: 320, label: username.slice(0, 1).toUpperCase() }),
    createdAt: input.createdAt ?? store.clock.now(),
    threads: new SortedIds(),
    replies: new SortedIds(),
    mentions: new SortedIds(),
    followers: new Set(),
    following: new Set(),
    fediFollowers: new Map(),
    postLog: [],
    replyLog: [],
    deleteLog: [],
  };
  if (input.profilePictureUrl !== undefined) user.profilePictureUrl = input.profilePictureUrl;
  store.users.set(user.id, user);
  store.usersByName.set(username, user);
  if (input.sharing) setSharing(ctx, user, true);
  return user;
}

export function createAdmin(ctx: ThreadsContext): ThreadsAdmin {
  const { store } = ctx;
  const userRef = (user: User): ThreadsUserRef => ({ id: user.id, username: user.username, actorId: actorIdOf(ctx, user.id) });
  const getUser = (id: string): User => {
    const user = store.users.get(id);
    if (!user) throw new Error(`No Threads user ${id}`);
    return user;
  };
  const getPost = (id: string): Post => {
    const post = store.posts.get(id);
    if (!post) throw new Error(`No Threads post ${id}`);
    if (post.deleted) throw new Error(`Threads post ${id} was deleted`);
    return post;
  };
  const specOf = (input: NewThreadsPost): PublishSpec => {
    const media = input.media ?? [];
    const mediaType = input.mediaType ?? (media.length > 1 ? 'CAROUSEL' : (media[0]?.type ?? 'TEXT'));
    return {
      mediaType,
      media,
      createdAt: input.createdAt ?? store.clock.now(),
      ...(input.text === undefined ? {} : { text: input.text }),
      ...(input.replyToId === undefined ? {} : { replyToId: input.replyToId }),
      ...(input.quotePostId === undefined ? {} : { quotePostId: input.quotePostId }),
      ...(input.linkAttachmentUrl === undefined ? {} : { linkAttachmentUrl: input.linkAttachmentUrl }),
      ...(input.topicTag === undefined ? {} : { topicTag: input.topicTag }),
      ...(input.pollOptions === undefined ? {} : { pollOptions: input.pollOptions }),
    };
  };
  return {
    createUser: (input) => userRef(createUser(ctx, input)),
    findUser(username) {
      const user = store.usersByName.get(username.replace(/^@/, '').toLowerCase());
      return user ? userRef(user) : undefined;
    },
    createPost(userId, input): ThreadsPostRef {
      const user = getUser(userId);
      const post = publish(ctx, user, specOf(input), true);
      const activityPubId = apIdOfPost(ctx, post);
      return { id: post.id, shortcode: post.shortcode, permalink: permalinkOf(ctx, user.username, post.shortcode), ...(activityPubId ? { activityPubId } : {}) };
    },
    repost(userId, postId, createdAt) {
      const original = getPost(postId);
      // Seeding may pick the same post twice: answer the existing repost instead of error 506.
      for (const id of original.reposts) if (store.posts.get(id)?.ownerId === userId) return id;
      return repost(ctx, getUser(userId), original, createdAt ?? store.clock.now(), true).id;
    },
    deletePost(userId, postId) {
      const post = getPost(postId);
      if (post.ownerId !== userId) throw new Error(`Post ${postId} is not by user ${userId}`);
      deletePost(ctx, post);
    },
    like: (userId, postId) => like(ctx, getUser(userId), getPost(postId), true),
    follow: (userId, targetUserId) => follow(ctx, getUser(userId), getUser(targetUserId), true),
    setSharing: (userId, enabled, options) => setSharing(ctx, getUser(userId), enabled, options?.removeSharedPosts ?? false),
    setPrivate: (userId, isPrivate) => setPrivate(ctx, getUser(userId), isPrivate),
    createToken: (userId, options) => issueToken(ctx, getUser(userId).id, options?.scopes ?? ALL_SCOPES, !(options?.shortLived ?? false)).token,
    revokeToken(token) {
      const record = store.tokens.get(token);
      if (record) record.revoked = true;
    },
    stats() {
      let posts = 0;
      let fediverseReplies = 0;
      let fediverseLikes = 0;
      for (const post of store.posts.values()) {
        if (post.deleted || post.isCarouselItem) continue;
        if (post.remote) fediverseReplies += 1;
        else posts += 1;
        fediverseLikes += post.fediLikes.size;
      }
      return { users: store.users.size, posts, fediverseReplies, fediverseLikes };
    },
  };
}
