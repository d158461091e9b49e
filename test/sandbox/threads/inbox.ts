/**
 * The inboxes (`/ap/users/<id>/inbox` and the shared `/ap/inbox`): Follow / Undo Follow of
 * sharing users (answered with Accept), Fediverse likes and boosts of federated posts (and their
 * Undo), Fediverse replies (Create Note with inReplyTo one of our posts or a known Fediverse
 * reply), and Delete / Update of those replies. Activities the server does not understand get
 * 202 like the rest. No HTTP signatures in the sandbox: the actor is taken at its word.
 */
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { activitySchema, actorSchema, type Activity, type Note } from '../federation/activities.ts';
import type { ThreadsContext } from './context.ts';
import { isVisibleOnFediverse } from './ap-objects.ts';
import { acceptFollow } from './outbox.ts';
import type { Post, RemoteActor, User } from './store.ts';

/** HTML content from another server to the plain text Threads stores. */
export function htmlToText(content: string): string {
  return content
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/p>\s*<p[^>]*>/gi, '\n\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .trim();
}

async function resolveActor(ctx: ThreadsContext, actorId: string): Promise<RemoteActor | undefined> {
  const cached = ctx.store.remoteActors.get(actorId);
  if (cached) return cached;
  let json: unknown;
  try {
    json = await ctx.options.federation.fetchJson(actorId);
  } catch (error) {
    ctx.log(`threads: could not fetch actor ${actorId}: ${String(error)}`);
    return undefined;
  }
  const parsed = actorSchema.safeParse(json);
  if (!parsed.success || parsed.data.id !== actorId) return undefined;
  const actor: RemoteActor = {
    id: parsed.data.id,
    acct: `${parsed.data.preferredUsername}@${new URL(parsed.data.id).host}`,
    inbox: parsed.data.inbox,
    ...(parsed.data.endpoints?.sharedInbox ? { sharedInbox: parsed.data.endpoints.sharedInbox } : {}),
    ...(parsed.data.url ? { url: parsed.data.url } : {}),
    ...(parsed.data.name ? { name: parsed.data.name } : {}),
  };
  ctx.store.remoteActors.set(actor.id, actor);
  return actor;
}

/** One of our posts (by AP id or permalink) or a Fediverse reply we keep (by its Note id). */
function postByObjectId(ctx: ThreadsContext, id: string): Post | undefined {
  const { store } = ctx;
  const ours = new RegExp(`^${ctx.origin.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/(?:ap/users/(\\d+)/post/(\\d+)/?|@([^/]+)/post/([\\w-]+))$`).exec(id);
  if (ours) {
    const post = ours[2] !== undefined ? store.posts.get(ours[2]) : store.postsByShortcode.get(ours[4] as string);
    if (!post || (ours[1] !== undefined && post.ownerId !== ours[1])) return undefined;
    return isVisibleOnFediverse(ctx, post) ? post : undefined;
  }
  const remote = store.postsByNoteId.get(id);
  return remote && !remote.deleted ? remote : undefined;
}

function userOfActorId(ctx: ThreadsContext, id: string): User | undefined {
  const prefix = `${ctx.origin}/ap/users/`;
  if (!id.startsWith(prefix)) return undefined;
  return ctx.store.users.get(id.slice(prefix.length).replace(/\/$/, ''));
}

function addFediverseReply(ctx: ThreadsContext, actor: RemoteActor, note: Note): void {
  const { store } = ctx;
  if (!note.inReplyTo || store.postsByNoteId.has(note.id)) return;
  const parent = postByObjectId(ctx, note.inReplyTo);
  if (!parent || parent.repostOfId !== undefined) return;
  // The conversation must still be on the Fediverse: not after its author stopped sharing.
  const root = parent.rootId === undefined ? parent : store.posts.get(parent.rootId);
  if (!root || !isVisibleOnFediverse(ctx, root)) return;
  const image = note.attachment.find((a) => a.mediaType?.startsWith('image/') ?? a.type === 'Image');
  const now = store.clock.now();
  store.addPost({
    id: store.newObjectId(now),
    remote: { actor, noteId: note.id, ...(note.url ? { url: note.url } : {}) },
    mediaType: image ? 'IMAGE' : 'TEXT_POST',
    text: htmlToText(note.content),
    ...(image ? { mediaUrl: image.url, ...(image.name ? { altText: image.name } : {}) } : {}),
    isCarouselItem: false,
    createdAt: now,
    replyToId: parent.id,
    rootId: parent.rootId ?? parent.id,
    federated: false,
  });
  ctx.log(`threads: Fediverse reply from ${actor.acct} to ${parent.id}`);
}

async function handle(ctx: ThreadsContext, activity: Activity): Promise<void> {
  const { store } = ctx;
  // Our own actors never post to our inbox; ignore anything claiming to be one.
  if (activity.actor.startsWith(`${ctx.origin}/`)) return;
  switch (activity.type) {
    case 'Follow': {
      const user = userOfActorId(ctx, activity.object);
      if (!user?.sharing) return;
      const actor = await resolveActor(ctx, activity.actor);
      if (!actor) return;
      user.fediFollowers.set(actor.id, actor);
      acceptFollow(ctx, user, activity, actor.inbox);
      return;
    }
    case 'Like':
    case 'Announce': {
      const post = postByObjectId(ctx, activity.object);
      if (!post || post.remote) return;
      const actor = await resolveActor(ctx, activity.actor);
      if (!actor) return;
      const reaction = { actor, activityId: activity.id, at: store.clock.now() };
      (activity.type === 'Like' ? post.fediLikes : post.fediReposts).set(actor.id, reaction);
      return;
    }
    case 'Undo': {
      const inner = activity.object;
      if (inner.actor !== activity.actor) return;
      if (inner.type === 'Follow') {
        userOfActorId(ctx, inner.object)?.fediFollowers.delete(activity.actor);
        return;
      }
      const post = postByObjectId(ctx, inner.object);
      if (post) (inner.type === 'Like' ? post.fediLikes : post.fediReposts).delete(activity.actor);
      return;
    }
    case 'Create': {
      if (activity.object.attributedTo !== activity.actor) return;
      const actor = await resolveActor(ctx, activity.actor);
      if (actor) addFediverseReply(ctx, actor, activity.object);
      return;
    }
    case 'Update': {
      const object = activity.object;
      if (object.type !== 'Note') return;
      const post = store.postsByNoteId.get(object.id);
      if (post?.remote?.actor.id === activity.actor) post.text = htmlToText(object.content);
      return;
    }
    case 'Delete': {
      const post = store.postsByNoteId.get(activity.object);
      if (post?.remote?.actor.id === activity.actor && !post.deleted) store.unlistPost(post);
      return;
    }
    default:
      return;
  }
}

export function inboxRoutes(ctx: ThreadsContext): Hono {
  const app = new Hono();
  const receive = async (c: Context): Promise<Response> => {
    let body: unknown;
    try {
      body = JSON.parse(await c.req.text()) as unknown;
    } catch {
      return c.json({ error: 'Malformed JSON' }, 400);
    }
    const parsed = activitySchema.safeParse(body);
    if (parsed.success) await handle(ctx, parsed.data);
    return c.body(null, 202);
  };
  // Activities are a few kilobytes; refuse anything huge before reading it into memory.
  // The rest of the body is left unread, so the connection cannot be reused: close it.
  const limit = bodyLimit({ maxSize: 256 * 1024, onError: (c) => c.json({ error: 'Payload too large' }, 413, { connection: 'close' }) });
  app.post('/ap/inbox', limit, receive);
  app.post('/ap/users/:userId/inbox', limit, receive);
  return app;
}
