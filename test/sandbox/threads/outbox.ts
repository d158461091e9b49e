/**
 * What the Threads-like server sends to the Fediverse, following the sandbox's federation
 * agreement: Create for new posts of sharing users (to their followers' shared inboxes, plus the
 * root author's followers and a Fediverse parent's author for replies), Delete to the same
 * inboxes, Announce / Undo Announce for reposts, Accept for follows. Nothing from a user who does
 * not share ever leaves the server.
 */
import { AS_PUBLIC, type ActivityInput, type NoteInput } from '../federation/activities.ts';
import { actorIdOf, noteIdOf, type ThreadsContext } from './context.ts';
import { apIdOfPost, isVisibleOnFediverse, renderNote } from './ap-objects.ts';
import type { Post, User } from './store.ts';

function followerInboxes(user: User | undefined, into: Set<string>): void {
  if (!user) return;
  for (const follower of user.fediFollowers.values()) into.add(follower.sharedInbox ?? follower.inbox);
}

function inboxesForPost(ctx: ThreadsContext, post: Post, author: User): string[] {
  const inboxes = new Set<string>();
  followerInboxes(author, inboxes);
  if (post.replyToId !== undefined) {
    const root = post.rootId === undefined ? undefined : ctx.store.posts.get(post.rootId);
    if (root?.ownerId !== undefined) followerInboxes(ctx.store.users.get(root.ownerId), inboxes);
    const parent = ctx.store.posts.get(post.replyToId);
    if (parent?.remote) inboxes.add(parent.remote.actor.inbox);
  }
  return [...inboxes];
}

/** Whether a new post of `author` goes to the Fediverse (see docs/threads-api.md). */
export function shouldFederate(ctx: ThreadsContext, post: Post, author: User): boolean {
  if (!author.sharing || post.isCarouselItem) return false;
  if (post.repostOfId !== undefined) {
    const original = ctx.store.posts.get(post.repostOfId);
    return original !== undefined && isVisibleOnFediverse(ctx, original);
  }
  if (post.replyToId === undefined) return true;
  const parent = ctx.store.posts.get(post.replyToId);
  return parent !== undefined && (parent.remote !== undefined || isVisibleOnFediverse(ctx, parent));
}

function send(ctx: ThreadsContext, inboxes: readonly string[], activity: ActivityInput): void {
  for (const inbox of inboxes) ctx.options.federation.deliver(inbox, activity);
  if (inboxes.length > 0) ctx.log(`threads: ${activity.type} ${activity.id} → ${inboxes.length} inbox(es)`);
}

export function federatePost(ctx: ThreadsContext, post: Post, author: User): void {
  if (!shouldFederate(ctx, post, author)) return;
  post.federated = true;
  const actor = actorIdOf(ctx, author.id);
  if (post.repostOfId !== undefined) {
    const original = ctx.store.posts.get(post.repostOfId) as Post;
    post.deliveredTo = inboxesForPost(ctx, post, author);
    send(ctx, post.deliveredTo, {
      id: `${noteIdOf(ctx, author.id, post.id)}activity`,
      type: 'Announce',
      actor,
      published: new Date(post.createdAt).toISOString(),
      object: apIdOfPost(ctx, original) as string,
      to: [AS_PUBLIC],
      cc: [`${actor}followers`, actorIdOf(ctx, original.ownerId ?? '')],
    });
    return;
  }
  post.deliveredTo = inboxesForPost(ctx, post, author);
  // No Fediverse followers (yet): the Note is served on request, nothing to send.
  if (post.deliveredTo.length === 0) return;
  const note = renderNote(ctx, post, author) as unknown as NoteInput;
  send(ctx, post.deliveredTo, {
    id: `${noteIdOf(ctx, author.id, post.id)}activity`,
    type: 'Create',
    actor,
    published: note.published,
    to: note.to,
    cc: note.cc,
    object: note,
  });
}

/** Tell the servers that got a post to remove it (Undo for a repost's Announce). */
export function unfederatePost(ctx: ThreadsContext, post: Post, author: User): void {
  if (!post.federated) return;
  post.federated = false;
  // Also whoever followed since it went out: they may have fetched the Note since.
  const inboxes = [...new Set([...post.deliveredTo, ...inboxesForPost(ctx, post, author)])];
  const actor = actorIdOf(ctx, author.id);
  const noteId = noteIdOf(ctx, author.id, post.id);
  if (post.repostOfId !== undefined) {
    const original = ctx.store.posts.get(post.repostOfId);
    const object = original ? apIdOfPost(ctx, original) : undefined;
    if (object === undefined) return;
    send(ctx, inboxes, {
      id: ctx.nextActivityId(),
      type: 'Undo',
      actor,
      object: { id: `${noteId}activity`, type: 'Announce', actor, object, to: [AS_PUBLIC], cc: [`${actor}followers`] },
    });
    return;
  }
  const tombstone = { id: noteId, type: 'Tombstone' };
  send(ctx, inboxes, { id: ctx.nextActivityId(), type: 'Delete', actor, object: tombstone });
}

export function acceptFollow(ctx: ThreadsContext, user: User, follow: ActivityInput & { type: 'Follow' }, inbox: string): void {
  send(ctx, [inbox], { id: ctx.nextActivityId(), type: 'Accept', actor: actorIdOf(ctx, user.id), object: follow });
}
