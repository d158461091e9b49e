/**
 * Graph API reads: the profile, the user's threads / replies / mentions, a media object and its
 * replies and conversation, insights, keyword search and public-profile discovery
 * (https://developers.facebook.com/docs/threads/retrieve-and-discover-posts,
 * …/reply-management, …/insights, …/keyword-search). Served under /v1.0 and unversioned.
 */
import type { Context, Hono } from 'hono';
import { canSee } from './actions.ts';
import { requireScope, requireToken, type GraphEnv } from './auth.ts';
import type { ThreadsContext } from './context.ts';
import { invalidParameter, nonexistingField, unsupportedGet } from './errors.ts';
import { CONTAINER_FIELDS, MEDIA_FIELDS, USER_FIELDS, parseFields, renderContainer, renderMedia, renderUser } from './fields.ts';
import { insightsOf } from './insights.ts';
import { pageOf, pageOldestFirst, parsePaging } from './paging.ts';
import { ancestorsOf, type Post, type User } from './store.ts';

type C = Context<GraphEnv>;

/** `/me/…` or the token owner's own id; other users' edges are not readable (use profile_posts). */
export function pathUser(c: C): User {
  const raw = c.req.param('userId') ?? 'me';
  const user = c.get('user');
  if (raw === 'me' || raw === user.id) return user;
  throw unsupportedGet(raw);
}

export function visiblePost(ctx: ThreadsContext, viewer: User, id: string): Post {
  const post = ctx.store.posts.get(id);
  if (!post || !canSee(ctx, viewer, post)) throw unsupportedGet(id);
  return post;
}

/** A paged list of media objects from sorted id lists, with the request's `fields`. */
export function mediaPage(c: C, ctx: ThreadsContext, lists: readonly (readonly string[])[], extraAccept: (post: Post) => boolean = () => true): Response {
  const params = c.get('params');
  const viewer = c.get('user');
  const fields = parseFields(params.fields, MEDIA_FIELDS, 'ThreadsMedia');
  const paging = parsePaging(params);
  const accept = (id: string): boolean => {
    const post = ctx.store.posts.get(id);
    return post !== undefined && canSee(ctx, viewer, post) && extraAccept(post);
  };
  return c.json(pageOf(c.req.url, lists, paging, accept, (id) => renderMedia(ctx, viewer, ctx.store.posts.get(id) as Post, fields)));
}

export function registerReadRoutes(app: Hono<GraphEnv>, ctx: ThreadsContext): void {
  const auth = requireToken(ctx);
  const { store } = ctx;

  app.get('/me', auth, (c) => c.json(renderUser(c.get('user'), parseFields(c.get('params').fields, USER_FIELDS, 'User'))));

  for (const prefix of ['/me', '/:userId']) {
    app.get(`${prefix}/threads`, auth, (c) => mediaPage(c, ctx, [pathUser(c).threads.sorted()]));
    app.get(`${prefix}/mentions`, auth, (c) => {
      requireScope(c, 'threads_manage_mentions');
      return mediaPage(c, ctx, [pathUser(c).mentions.sorted()]);
    });
  }

  app.get('/keyword_search', auth, (c) => {
    requireScope(c, 'threads_keyword_search');
    const params = c.get('params');
    const q = (params.q ?? '').trim();
    if (q === '') throw invalidParameter('The parameter q is required');
    const searchType = params.search_type ?? 'TOP';
    const mode = params.search_mode ?? 'KEYWORD';
    if (searchType !== 'TOP' && searchType !== 'RECENT') throw invalidParameter('search_type must be TOP or RECENT');
    if (mode !== 'KEYWORD' && mode !== 'TAG') throw invalidParameter('search_mode must be KEYWORD or TAG');
    const needle = q.replace(/^#/, '').toLowerCase();
    const matches = (post: Post): boolean => {
      if (post.remote || post.ownerId === undefined || store.users.get(post.ownerId)?.isPrivate !== false) return false;
      return mode === 'TAG' ? (post.topicTag ?? '').toLowerCase() === needle : (post.text ?? '').toLowerCase().includes(needle);
    };
    if (searchType === 'RECENT') return mediaPage(c, ctx, [store.allPosts.sorted()], matches);
    // TOP: the most liked matches (one page, as Meta's top results are not paged by time).
    const viewer = c.get('user');
    const fields = parseFields(params.fields, MEDIA_FIELDS, 'ThreadsMedia');
    const { limit } = parsePaging(params);
    const found = store.allPosts.sorted().map((id) => store.posts.get(id) as Post).filter((post) => matches(post) && canSee(ctx, viewer, post));
    found.sort((a, b) => b.likes.size + b.fediLikes.size - (a.likes.size + a.fediLikes.size) || b.createdAt - a.createdAt);
    return c.json({ data: found.slice(0, limit).map((post) => renderMedia(ctx, viewer, post, fields)) });
  });

  const publicProfile = (c: C): User => {
    requireScope(c, 'threads_profile_discovery');
    const username = (c.get('params').username ?? '').replace(/^@/, '').toLowerCase();
    if (username === '') throw invalidParameter('The parameter username is required');
    const user = store.usersByName.get(username);
    if (!user || user.isPrivate) throw invalidParameter(`No public profile found for username ${username}`, 'Only public profiles can be looked up.');
    return user;
  };

  app.get('/profile_lookup', auth, (c) => {
    const user = publicProfile(c);
    const likes = (list: readonly string[]): number => list.reduce((sum, id) => sum + (store.posts.get(id)?.likes.size ?? 0), 0);
    const values: Record<string, unknown> = {
      username: user.username,
      name: user.name,
      profile_picture_url: user.profilePictureUrl,
      biography: user.biography,
      is_verified: user.isVerified,
      follower_count: user.followers.size + user.fediFollowers.size,
      likes_count: likes(user.threads.sorted()),
      quotes_count: 0,
      replies_count: user.replies.size,
      reposts_count: 0,
      views_count: 0,
    };
    const fields = parseFields(c.get('params').fields, new Set(Object.keys(values)), 'ThreadsPublicProfile', Object.keys(values));
    return c.json(Object.fromEntries(fields.map((f) => [f.name, values[f.name]])));
  });

  app.get('/profile_posts', auth, (c) => mediaPage(c, ctx, [publicProfile(c).threads.sorted()]));

  /** Every reply under `post` at any depth: a root keeps the list, a reply filters its root's. */
  const conversationOf = (post: Post): readonly string[] => {
    const root = post.rootId === undefined ? undefined : store.posts.get(post.rootId);
    if (!root) return post.conversation.sorted();
    return root.conversation.sorted().filter((id) => {
      const reply = store.posts.get(id);
      return reply !== undefined && ancestorsOf(store, reply).some((ancestor) => ancestor.id === post.id);
    });
  };

  const replyEdge = (edge: 'replies' | 'conversation') => (c: C) => {
    requireScope(c, 'threads_read_replies');
    const viewer = c.get('user');
    const post = visiblePost(ctx, viewer, c.req.param('id') as string);
    const params = c.get('params');
    const list = edge === 'replies' ? post.directReplies.sorted() : conversationOf(post);
    if (params.reverse !== 'false') return mediaPage(c, ctx, [list]);
    const fields = parseFields(params.fields, MEDIA_FIELDS, 'ThreadsMedia');
    const accept = (id: string): boolean => {
      const p = store.posts.get(id);
      return p !== undefined && canSee(ctx, viewer, p);
    };
    return c.json(pageOldestFirst(c.req.url, list, parsePaging(params), accept, (id) => renderMedia(ctx, viewer, store.posts.get(id) as Post, fields)));
  };
  app.get('/me/replies', auth, (c) => {
    requireScope(c, 'threads_read_replies');
    return mediaPage(c, ctx, [c.get('user').replies.sorted()]);
  });
  // `/{user-id}/replies` (the user's own replies) and `/{media-id}/replies` share a path.
  const mediaReplies = replyEdge('replies');
  app.get('/:id/replies', auth, (c) => {
    if (c.req.param('id') !== c.get('user').id) return mediaReplies(c);
    requireScope(c, 'threads_read_replies');
    return mediaPage(c, ctx, [c.get('user').replies.sorted()]);
  });
  app.get('/:id/conversation', auth, replyEdge('conversation'));

  app.get('/:id/insights', auth, (c) => {
    requireScope(c, 'threads_manage_insights');
    const viewer = c.get('user');
    const id = c.req.param('id');
    const post = store.posts.get(id);
    if (!post || post.deleted || post.ownerId !== viewer.id) throw unsupportedGet(id);
    return c.json(insightsOf(ctx, post, c.get('params').metric));
  });

  app.get('/:id', auth, (c) => {
    const viewer = c.get('user');
    const id = c.req.param('id');
    const params = c.get('params');
    if (id === viewer.id) return c.json(renderUser(viewer, parseFields(params.fields, USER_FIELDS, 'User')));
    const container = store.containers.get(id);
    if (container && container.ownerId === viewer.id) {
      // A container answers for status checks; media fields on it are an error as on Meta.
      const fields = parseFields(params.fields, new Set([...CONTAINER_FIELDS, ...MEDIA_FIELDS]), 'ThreadsMediaContainer');
      for (const f of fields) if (!CONTAINER_FIELDS.has(f.name)) throw nonexistingField(f.name, 'ThreadsMediaContainer');
      return c.json(renderContainer(container, fields, store.clock.now()));
    }
    const post = visiblePost(ctx, viewer, id);
    return c.json(renderMedia(ctx, viewer, post, parseFields(params.fields, MEDIA_FIELDS, 'ThreadsMedia')));
  });
}
