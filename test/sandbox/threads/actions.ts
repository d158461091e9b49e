/**
 * The Threads-like server's operations, shared by the Graph API routes, the Braid extensions and
 * the in-process admin (seeding), so that data made either way behaves the same: publishing
 * (with Threads' validation rules), reposts, deletes, likes, follows, Fediverse sharing.
 */
import { invalidParameter, GraphError } from './errors.ts';
import type { ThreadsContext } from './context.ts';
import { federatePost, unfederatePost } from './outbox.ts';
import type { MediaType, Post, User } from './store.ts';

/** https://developers.facebook.com/docs/threads/overview#text-limits (500 characters). */
export const MAX_TEXT = 500;

export interface PublishSpec {
  mediaType: 'TEXT' | 'IMAGE' | 'VIDEO' | 'CAROUSEL';
  text?: string;
  media: { type: 'IMAGE' | 'VIDEO'; url: string; altText?: string }[];
  replyToId?: string;
  quotePostId?: string;
  linkAttachmentUrl?: string;
  topicTag?: string;
  pollOptions?: string[];
  createdAt: number;
}

export type SharingReason = 'private_profile' | 'under_18';

export function sharingIneligibility(user: User): SharingReason[] {
  const reasons: SharingReason[] = [];
  if (user.isPrivate) reasons.push('private_profile');
  if (user.age < 18) reasons.push('under_18');
  return reasons;
}

/** Whether `viewer` may see `post` (public authors, own posts, authors the viewer follows). */
export function canSee(ctx: ThreadsContext, viewer: User | undefined, post: Post): boolean {
  if (post.deleted) return false;
  if (post.remote || post.ownerId === undefined) return true;
  const owner = ctx.store.users.get(post.ownerId);
  if (!owner) return false;
  const seesOwner = !owner.isPrivate || viewer?.id === owner.id || (viewer !== undefined && viewer.following.has(owner.id));
  // A repost shows the original, so it is only as visible as the original is.
  if (!seesOwner || post.repostOfId === undefined) return seesOwner;
  const original = ctx.store.posts.get(post.repostOfId);
  return original !== undefined && canSee(ctx, viewer, original);
}

/**
 * `trusted` (the admin, seeding) skips the visibility checks: seeded worlds may have replies to
 * private profiles whose follow relationship the seeder never modelled.
 */
function validate(ctx: ThreadsContext, author: User, spec: PublishSpec, trusted: boolean): { parent?: Post; quoted?: Post } {
  const sees = (post: Post): boolean => (trusted ? !post.deleted : canSee(ctx, author, post));
  const text = spec.text ?? '';
  if ([...text].length > MAX_TEXT) throw invalidParameter('The parameter text is too long', `Text can be at most ${MAX_TEXT} characters.`);
  if (spec.mediaType === 'TEXT' && text.trim() === '' && spec.pollOptions === undefined) throw invalidParameter('The parameter text is required');
  if ((spec.mediaType === 'IMAGE' || spec.mediaType === 'VIDEO') && spec.media.length !== 1)
    throw invalidParameter(`The parameter ${spec.mediaType === 'IMAGE' ? 'image_url' : 'video_url'} is required`);
  if (spec.mediaType === 'CAROUSEL' && (spec.media.length < 2 || spec.media.length > 20))
    throw invalidParameter('The parameter children is required', 'A carousel needs between 2 and 20 items.');
  if (spec.linkAttachmentUrl !== undefined && spec.mediaType !== 'TEXT') throw invalidParameter('link_attachment is only available for TEXT posts');
  if (spec.topicTag !== undefined && !/^[^.&]{1,50}$/.test(spec.topicTag)) throw invalidParameter('The parameter topic_tag is invalid', 'A topic tag has 1 to 50 characters, without periods or ampersands.');
  if (spec.pollOptions !== undefined && (spec.pollOptions.length < 2 || spec.pollOptions.length > 4)) throw invalidParameter('A poll needs 2 to 4 options');
  const result: { parent?: Post; quoted?: Post } = {};
  if (spec.replyToId !== undefined) {
    const parent = ctx.store.posts.get(spec.replyToId);
    if (!parent || parent.isCarouselItem || parent.repostOfId !== undefined || !sees(parent)) throw invalidParameter(`The parameter reply_to_id is invalid: ${spec.replyToId}`);
    result.parent = parent;
  }
  if (spec.quotePostId !== undefined) {
    const quoted = ctx.store.posts.get(spec.quotePostId);
    if (!quoted || quoted.isCarouselItem || quoted.repostOfId !== undefined || quoted.remote || !sees(quoted)) throw invalidParameter(`The parameter quote_post_id is invalid: ${spec.quotePostId}`);
    result.quoted = quoted;
  }
  return result;
}

const MEDIA_TYPES: Record<PublishSpec['mediaType'], MediaType> = { TEXT: 'TEXT_POST', IMAGE: 'IMAGE', VIDEO: 'VIDEO', CAROUSEL: 'CAROUSEL_ALBUM' };

/** Publish at once and federate when the author shares. Throws GraphError on invalid input. */
export function publish(ctx: ThreadsContext, author: User, spec: PublishSpec, trusted = false): Post {
  const { parent } = validate(ctx, author, spec, trusted);
  const { store } = ctx;
  let children: string[] | undefined;
  let single: PublishSpec['media'][number] | undefined;
  if (spec.mediaType === 'CAROUSEL') {
    children = spec.media.map((item) =>
      store.addPost({
        id: store.newObjectId(spec.createdAt),
        ownerId: author.id,
        mediaType: item.type,
        mediaUrl: item.url,
        ...(item.altText === undefined ? {} : { altText: item.altText }),
        isCarouselItem: true,
        createdAt: spec.createdAt,
        federated: false,
      }).id,
    );
  } else if (spec.mediaType !== 'TEXT') {
    single = spec.media[0];
  }
  const post = store.addPost({
    id: store.newObjectId(spec.createdAt),
    ownerId: author.id,
    mediaType: MEDIA_TYPES[spec.mediaType],
    ...(spec.text ? { text: spec.text } : {}),
    ...(single ? { mediaUrl: single.url, ...(single.altText === undefined ? {} : { altText: single.altText }) } : {}),
    ...(children ? { children } : {}),
    isCarouselItem: false,
    createdAt: spec.createdAt,
    ...(parent ? { replyToId: parent.id, rootId: parent.rootId ?? parent.id } : {}),
    ...(spec.quotePostId === undefined ? {} : { quotePostId: spec.quotePostId }),
    ...(spec.linkAttachmentUrl === undefined ? {} : { linkAttachmentUrl: spec.linkAttachmentUrl }),
    ...(spec.topicTag === undefined ? {} : { topicTag: spec.topicTag }),
    ...(spec.pollOptions === undefined ? {} : { pollOptions: spec.pollOptions }),
    federated: false,
  });
  federatePost(ctx, post, author);
  return post;
}

export function repost(ctx: ThreadsContext, user: User, original: Post, createdAt: number, trusted = false): Post {
  if (original.isCarouselItem || original.repostOfId !== undefined || original.remote || original.deleted || (!trusted && !canSee(ctx, user, original))) throw invalidParameter(`Cannot repost ${original.id}`);
  for (const id of original.reposts) {
    if (ctx.store.posts.get(id)?.ownerId === user.id) throw new GraphError(400, { message: '(#506) Duplicate repost', type: 'OAuthException', code: 506, error_user_msg: 'You already reposted this post.' });
  }
  const post = ctx.store.addPost({
    id: ctx.store.newObjectId(createdAt),
    ownerId: user.id,
    mediaType: 'REPOST_FACADE',
    isCarouselItem: false,
    createdAt,
    repostOfId: original.id,
    federated: false,
  });
  federatePost(ctx, post, user);
  return post;
}

export function deletePost(ctx: ThreadsContext, post: Post): void {
  const owner = post.ownerId === undefined ? undefined : ctx.store.users.get(post.ownerId);
  if (owner) unfederatePost(ctx, post, owner);
  ctx.store.unlistPost(post);
  // Carousel items and other people's reposts of it go with it.
  for (const id of [...(post.children ?? []), ...post.reposts]) {
    const item = ctx.store.posts.get(id);
    if (item && !item.deleted) ctx.store.unlistPost(item);
  }
}

export function like(ctx: ThreadsContext, user: User, post: Post, liked: boolean): void {
  if (liked) post.likes.set(user.id, ctx.store.clock.now());
  else post.likes.delete(user.id);
}

export function follow(ctx: ThreadsContext, user: User, target: User, following: boolean): void {
  if (user.id === target.id) throw invalidParameter('A user cannot follow themselves');
  if (following) {
    user.following.add(target.id);
    target.followers.add(user.id);
  } else {
    user.following.delete(target.id);
    target.followers.delete(user.id);
  }
}

export class SharingError extends Error {
  readonly reasons: SharingReason[];
  constructor(reasons: SharingReason[]) {
    super(`This profile cannot share to the Fediverse: ${reasons.join(', ')}`);
    this.reasons = reasons;
  }
}

/** Turn Fediverse sharing on or off; turning it off may ask other servers to remove what was shared. */
export function setSharing(ctx: ThreadsContext, user: User, enabled: boolean, removeSharedPosts = false): void {
  if (enabled) {
    const reasons = sharingIneligibility(user);
    if (reasons.length > 0) throw new SharingError(reasons);
    user.sharing = true;
    return;
  }
  if (removeSharedPosts) {
    for (const list of [user.threads, user.replies]) {
      for (const id of list.sorted()) {
        const post = ctx.store.posts.get(id);
        if (post?.federated) unfederatePost(ctx, post, user);
      }
    }
  }
  user.sharing = false;
}

/** Going private turns Fediverse sharing off (Threads' rule: only public profiles share). */
export function setPrivate(ctx: ThreadsContext, user: User, isPrivate: boolean): void {
  user.isPrivate = isPrivate;
  if (isPrivate && user.sharing) setSharing(ctx, user, false);
}
