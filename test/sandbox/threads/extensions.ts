/**
 * Braid's extensions to the Graph API (none of these exist on graph.threads.net; see
 * docs/threads-api.md): the following feed, Fediverse sharing state, the likes list with
 * Fediverse likes, native likes, and follows. All live under `braid_` names.
 */
import type { Hono } from 'hono';
import { follow, like, setSharing, sharingIneligibility, SharingError } from './actions.ts';
import { requireScope, requireToken, type GraphEnv } from './auth.ts';
import { actorIdOf, type ThreadsContext } from './context.ts';
import { GraphError, invalidParameter, unsupportedGet } from './errors.ts';
import { metaTimestamp } from './fields.ts';
import { mediaPage, visiblePost } from './graph-read.ts';
import { pageOfList } from './paging.ts';
import type { User } from './store.ts';

function sharingState(ctx: ThreadsContext, user: User): Record<string, unknown> {
  const reasons = sharingIneligibility(user);
  return {
    status: reasons.length > 0 ? 'ineligible' : user.sharing ? 'enabled' : 'disabled',
    ineligible_reasons: reasons,
    fediverse_handle: `@${user.username}@${ctx.host}`,
    activitypub_actor_id: user.sharing ? actorIdOf(ctx, user.id) : null,
    fediverse_followers_count: user.fediFollowers.size,
  };
}

const sharingError = (message: string, userMessage: string): GraphError =>
  new GraphError(400, { message: `(#100) ${message}`, type: 'OAuthException', code: 100, error_user_title: 'Fediverse sharing', error_user_msg: userMessage });

export function registerExtensionRoutes(app: Hono<GraphEnv>, ctx: ThreadsContext): void {
  const auth = requireToken(ctx);
  const { store } = ctx;

  app.get('/me/braid_following_feed', auth, (c) => {
    const lists = [...c.get('user').following].map((id) => store.users.get(id)?.threads.sorted() ?? []);
    return mediaPage(c, ctx, lists);
  });

  app.get('/me/braid_fediverse_sharing', auth, (c) => c.json(sharingState(ctx, c.get('user'))));

  app.post('/me/braid_fediverse_sharing', auth, (c) => {
    // Changing what leaves the account (and asking other servers to remove posts) is a publishing act.
    requireScope(c, 'threads_content_publish');
    const user = c.get('user');
    const p = c.get('params');
    if (p.enabled !== 'true' && p.enabled !== 'false') throw invalidParameter('The parameter enabled must be true or false');
    if (p.enabled === 'true') {
      if (p.accept_warnings !== 'true')
        throw sharingError(
          'The parameter accept_warnings=true is required to turn on Fediverse sharing',
          'The user must accept the Fediverse sharing warnings first: posts go to other servers, which may keep copies, and replies and likes from there appear on Threads.',
        );
      try {
        setSharing(ctx, user, true);
      } catch (error) {
        if (error instanceof SharingError)
          throw sharingError(`This profile cannot share to the Fediverse: ${error.reasons.join(', ')}`, 'Only public profiles of people 18 or older can share to the Fediverse.');
        throw error;
      }
    } else {
      setSharing(ctx, user, false, p.remove_shared_posts === 'true');
    }
    return c.json(sharingState(ctx, user));
  });

  app.get('/:id/braid_likes', auth, (c) => {
    const viewer = c.get('user');
    const post = visiblePost(ctx, viewer, c.req.param('id'));
    const native = [...post.likes].map(([userId, at]) => {
      const user = store.users.get(userId);
      return { at, entry: { source: 'threads', id: userId, username: user?.username, timestamp: metaTimestamp(at) } };
    });
    const fediverse = [...post.fediLikes.values()].map((like) => ({
      at: like.at,
      entry: { source: 'fediverse', fediverse_author: like.actor.acct, actor_id: like.actor.id, timestamp: metaTimestamp(like.at) },
    }));
    const all = [...native, ...fediverse].sort((a, b) => b.at - a.at).map((x) => x.entry);
    return c.json({
      ...pageOfList(c.req.url, all, c.get('params')),
      summary: { total_count: all.length, threads_likes: native.length, fediverse_likes: fediverse.length },
    });
  });

  for (const [method, liked] of [['post', true], ['delete', false]] as const) {
    app[method]('/:id/braid_like', auth, (c) => {
      requireScope(c, 'threads_content_publish');
      const user = c.get('user');
      const post = visiblePost(ctx, user, c.req.param('id'));
      // A repost is a facade: like the original instead.
      if (post.repostOfId !== undefined || post.isCarouselItem) throw invalidParameter(`Media ${post.id} cannot be liked`);
      like(ctx, user, post, liked);
      return c.json({ success: true });
    });
    app[method]('/:id/braid_follow', auth, (c) => {
      requireScope(c, 'threads_content_publish');
      const user = c.get('user');
      const target = store.users.get(c.req.param('id'));
      if (!target) throw unsupportedGet(c.req.param('id'), method);
      follow(ctx, user, target, liked);
      return c.json({ success: true });
    });
  }

  const userList = (which: 'followers' | 'following') =>
    app.get(`/:id/braid_${which}`, auth, (c) => {
      const raw = c.req.param('id');
      const user = raw === 'me' ? c.get('user') : store.users.get(raw);
      if (!user || (user.isPrivate && user.id !== c.get('user').id)) throw unsupportedGet(raw);
      const native = [...user[which]].map((id) => store.users.get(id)).filter((u) => u !== undefined).map((u) => ({ id: u.id, username: u.username, name: u.name }));
      const remote = which === 'followers' ? [...user.fediFollowers.values()].map((a) => ({ fediverse_account: a.acct, actor_id: a.id })) : [];
      return c.json(pageOfList(c.req.url, [...native, ...remote], c.get('params')));
    });
  userList('followers');
  userList('following');
}
