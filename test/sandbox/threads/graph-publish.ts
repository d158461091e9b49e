/**
 * Publishing through the Graph API, in Threads' two steps
 * (https://developers.facebook.com/docs/threads/posts): create a media container
 * (`POST /me/threads`), then publish it (`POST /me/threads_publish?creation_id=`); carousels
 * collect item containers. Also reposts, deletes, hiding replies and the 24 h quotas
 * (https://developers.facebook.com/docs/threads/overview#rate-limiting: 250 posts, 1,000
 * replies, 100 deletes), counted on the sandbox clock for API calls only.
 */
import type { Context, Hono } from 'hono';
import { deletePost, MAX_TEXT, publish, repost, type PublishSpec } from './actions.ts';
import { requireScope, requireToken, type GraphEnv } from './auth.ts';
import type { ThreadsContext } from './context.ts';
import { GraphError, invalidParameter, publishingLimit, unsupportedGet } from './errors.ts';
import { parseFields } from './fields.ts';
import { pathUser, visiblePost } from './graph-read.ts';
import { containerStatus, dropStale, type Container, type User } from './store.ts';

const DAY = 24 * 3600_000;
export const QUOTAS = { posts: 250, replies: 1000, deletes: 100 } as const;

function usage(log: number[], now: number): number {
  while (log.length > 0 && (log[0] as number) <= now - DAY) log.shift();
  return log.length;
}

const isHttpUrl = (value: string | undefined): value is string => value !== undefined && /^https?:\/\/\S+$/.test(value);

function createContainer(ctx: ThreadsContext, user: User, p: Record<string, string>): Container {
  const mediaType = p.media_type;
  if (mediaType !== 'TEXT' && mediaType !== 'IMAGE' && mediaType !== 'VIDEO' && mediaType !== 'CAROUSEL')
    throw invalidParameter('The parameter media_type must be one of TEXT, IMAGE, VIDEO, CAROUSEL');
  const isCarouselItem = p.is_carousel_item === 'true';
  if (p.text !== undefined && [...p.text].length > MAX_TEXT) throw invalidParameter('The parameter text is too long', `Text can be at most ${MAX_TEXT} characters.`);
  if (mediaType === 'IMAGE' && !isHttpUrl(p.image_url)) throw invalidParameter('The parameter image_url is required');
  if (mediaType === 'VIDEO' && !isHttpUrl(p.video_url)) throw invalidParameter('The parameter video_url is required');
  if (mediaType === 'TEXT' && !(p.text ?? '').trim() && !p.poll_attachment) throw invalidParameter('The parameter text is required');
  if (isCarouselItem && mediaType !== 'IMAGE' && mediaType !== 'VIDEO') throw invalidParameter('Carousel items must be IMAGE or VIDEO');
  const children = (p.children ?? '').split(',').map((id) => id.trim()).filter(Boolean);
  if (mediaType === 'CAROUSEL') {
    if (children.length < 2 || children.length > 20) throw invalidParameter('The parameter children must list 2 to 20 carousel item containers');
    for (const id of children) {
      const child = ctx.store.containers.get(id);
      if (!child || child.ownerId !== user.id || !child.isCarouselItem) throw invalidParameter(`The carousel item ${id} is not a valid item container`);
    }
  }
  let pollOptions: string[] | undefined;
  if (p.poll_attachment !== undefined) {
    try {
      const poll = JSON.parse(p.poll_attachment) as Record<string, unknown>;
      pollOptions = ['option_a', 'option_b', 'option_c', 'option_d'].map((k) => poll[k]).filter((v): v is string => typeof v === 'string');
    } catch {
      throw invalidParameter('The parameter poll_attachment must be a JSON object');
    }
  }
  const now = ctx.store.clock.now();
  const container: Container = {
    id: ctx.store.newObjectId(now),
    ownerId: user.id,
    createdAt: now,
    status: 'FINISHED',
    mediaType,
    isCarouselItem,
    children,
    ...(p.text === undefined ? {} : { text: p.text }),
    ...(p.image_url === undefined ? {} : { imageUrl: p.image_url }),
    ...(p.video_url === undefined ? {} : { videoUrl: p.video_url }),
    ...(p.alt_text === undefined ? {} : { altText: p.alt_text }),
    ...(p.reply_to_id === undefined ? {} : { replyToId: p.reply_to_id }),
    ...(p.quote_post_id === undefined ? {} : { quotePostId: p.quote_post_id }),
    ...(p.link_attachment === undefined ? {} : { linkAttachment: p.link_attachment }),
    ...(p.topic_tag === undefined ? {} : { topicTag: p.topic_tag }),
    ...(pollOptions === undefined ? {} : { pollOptions }),
  };
  // A week on, a container is long expired or published: nobody asks about it any more.
  dropStale(ctx.store.containers, now, 7 * DAY);
  ctx.store.containers.set(container.id, container);
  return container;
}

function specOf(ctx: ThreadsContext, container: Container): PublishSpec {
  const itemOf = (c: Container): PublishSpec['media'][number] => ({
    type: c.mediaType === 'VIDEO' ? 'VIDEO' : 'IMAGE',
    url: (c.mediaType === 'VIDEO' ? c.videoUrl : c.imageUrl) as string,
    ...(c.altText === undefined ? {} : { altText: c.altText }),
  });
  const media =
    container.mediaType === 'CAROUSEL'
      ? container.children.map((id) => itemOf(ctx.store.containers.get(id) as Container))
      : container.mediaType === 'TEXT'
        ? []
        : [itemOf(container)];
  return {
    mediaType: container.mediaType,
    media,
    createdAt: ctx.store.clock.now(),
    ...(container.text === undefined ? {} : { text: container.text }),
    ...(container.replyToId === undefined ? {} : { replyToId: container.replyToId }),
    ...(container.quotePostId === undefined ? {} : { quotePostId: container.quotePostId }),
    ...(container.linkAttachment === undefined ? {} : { linkAttachmentUrl: container.linkAttachment }),
    ...(container.topicTag === undefined ? {} : { topicTag: container.topicTag }),
    ...(container.pollOptions === undefined ? {} : { pollOptions: container.pollOptions }),
  };
}

export function registerPublishRoutes(app: Hono<GraphEnv>, ctx: ThreadsContext): void {
  const auth = requireToken(ctx);
  const { store } = ctx;

  for (const prefix of ['/me', '/:userId']) {
    app.post(`${prefix}/threads`, auth, (c) => {
      requireScope(c, 'threads_content_publish');
      const container = createContainer(ctx, pathUser(c), c.get('params'));
      return c.json({ id: container.id });
    });

    app.post(`${prefix}/threads_publish`, auth, (c) => {
      requireScope(c, 'threads_content_publish');
      const user = pathUser(c);
      const id = c.get('params').creation_id;
      if (!id) throw invalidParameter('The parameter creation_id is required');
      const container = store.containers.get(id);
      if (!container || container.ownerId !== user.id) throw invalidParameter(`The parameter creation_id is invalid: ${id}`);
      const now = store.clock.now();
      container.status = containerStatus(container, now);
      if (container.isCarouselItem) throw invalidParameter('A carousel item cannot be published on its own');
      if (container.status === 'PUBLISHED') throw new GraphError(400, { message: 'The media container has already been published', type: 'OAuthException', code: 24, error_subcode: 4279009 });
      if (container.status !== 'FINISHED') throw invalidParameter(`The media container is not ready to be published (status ${container.status})`);
      const isReply = container.replyToId !== undefined;
      const log = isReply ? user.replyLog : user.postLog;
      if (usage(log, now) >= (isReply ? QUOTAS.replies : QUOTAS.posts)) throw publishingLimit(isReply ? 'replies' : 'posts');
      const post = publish(ctx, user, specOf(ctx, container));
      log.push(now);
      container.status = 'PUBLISHED';
      container.publishedId = post.id;
      return c.json({ id: post.id });
    });

    app.get(`${prefix}/threads_publishing_limit`, auth, (c) => {
      const user = pathUser(c);
      const now = store.clock.now();
      const config = (total: number): Record<string, number> => ({ quota_total: total, quota_duration: 86400 });
      const values: Record<string, unknown> = {
        quota_usage: usage(user.postLog, now),
        config: config(QUOTAS.posts),
        reply_quota_usage: usage(user.replyLog, now),
        reply_config: config(QUOTAS.replies),
        delete_quota_usage: usage(user.deleteLog, now),
        delete_config: config(QUOTAS.deletes),
      };
      const fields = parseFields(c.get('params').fields, new Set(Object.keys(values)), 'ThreadsPublishingLimit', ['quota_usage', 'config']);
      if (fields.some((f) => f.name.startsWith('reply_'))) requireScope(c, 'threads_manage_replies');
      return c.json({ data: [Object.fromEntries(fields.map((f) => [f.name, values[f.name]]))] });
    });
  }

  app.post('/:id/repost', auth, (c) => {
    requireScope(c, 'threads_content_publish');
    const user = c.get('user');
    const original = visiblePost(ctx, user, c.req.param('id'));
    return c.json({ id: repost(ctx, user, original, store.clock.now()).id });
  });

  app.post('/:id/manage_reply', auth, (c) => {
    requireScope(c, 'threads_manage_replies');
    const user = c.get('user');
    const reply = visiblePost(ctx, user, c.req.param('id'));
    const root = reply.rootId === undefined ? undefined : store.posts.get(reply.rootId);
    if (!root || root.ownerId !== user.id) throw invalidParameter('Only replies to your own posts can be hidden');
    // Meta: only top-level replies can be targeted; their nested replies follow them.
    if (reply.replyToId !== root.id) throw invalidParameter('Only top-level replies can be hidden or unhidden; nested replies follow their top-level reply');
    const hide = c.get('params').hide;
    if (hide !== 'true' && hide !== 'false') throw invalidParameter('The parameter hide must be true or false');
    if (hide === 'true') reply.hideStatus = 'HIDDEN';
    else if (reply.hideStatus === 'HIDDEN') reply.hideStatus = 'UNHUSHED';
    return c.json({ success: true });
  });

  const remove = (c: Context<GraphEnv>): Response => {
    requireScope(c, 'threads_delete');
    const user = c.get('user');
    const id = c.req.param('id') as string;
    const post = store.posts.get(id);
    if (!post || post.deleted || post.ownerId !== user.id || post.isCarouselItem) throw unsupportedGet(id, 'delete');
    const now = store.clock.now();
    if (usage(user.deleteLog, now) >= QUOTAS.deletes) throw publishingLimit('deletes');
    deletePost(ctx, post);
    user.deleteLog.push(now);
    // https://developers.facebook.com/docs/threads/posts/delete-posts: the answer names the deleted id.
    return c.json({ success: true, deleted_id: post.id });
  };
  app.delete('/:id', auth, remove);
  // Graph API clients that cannot send DELETE use POST with method=delete.
  app.post('/:id', auth, (c) => {
    if (c.get('params').method?.toLowerCase() === 'delete') return remove(c);
    throw unsupportedGet(c.req.param('id'), 'post');
  });
}
