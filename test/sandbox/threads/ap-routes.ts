/**
 * The Threads-like server's public federation surface (the sandbox agreement; WebFinger per
 * RFC 7033, ActivityPub per https://www.w3.org/TR/activitypub/): WebFinger, actors, Notes,
 * permalinks with content negotiation, and simple HTML pages. Only users who share to the
 * Fediverse are visible this way; everyone else answers 404.
 */
import { Hono, type Context } from 'hono';
import { JRD_JSON } from '../federation/activities.ts';
import { html, page } from '../core/html.ts';
import { actorIdOf, permalinkOf, profileUrlOf, type ThreadsContext } from './context.ts';
import { activityJson, isVisibleOnFediverse, renderActor, renderNote } from './ap-objects.ts';
import { inboxRoutes } from './inbox.ts';
import type { Post, User } from './store.ts';

const wantsActivityJson = (c: Context): boolean => /application\/(activity\+json|ld\+json)/.test(c.req.header('accept') ?? '');

export function apRoutes(ctx: ThreadsContext): Hono {
  const app = new Hono();
  const { store } = ctx;
  const notFound = (c: Context): Response => c.json({ error: 'Not found' }, 404);
  const sharingUser = (id: string): User | undefined => {
    const user = store.users.get(id);
    return user?.sharing ? user : undefined;
  };

  app.get('/.well-known/webfinger', (c) => {
    const resource = c.req.query('resource') ?? '';
    // RFC 7033 §4.2: a missing resource is a bad request, not an unknown account.
    if (resource === '') return c.json({ error: 'The resource parameter is required' }, 400);
    const match = /^(?:acct:)?@?([^@]+)@(.+)$/.exec(resource);
    let user: User | undefined;
    if (match && (match[2] as string).toLowerCase() === ctx.host.toLowerCase()) user = store.usersByName.get((match[1] as string).toLowerCase());
    else if (resource.startsWith(`${ctx.origin}/ap/users/`)) user = store.users.get(resource.slice(`${ctx.origin}/ap/users/`.length).replace(/\/$/, ''));
    if (!user?.sharing) return notFound(c);
    return c.body(
      JSON.stringify({
        subject: `acct:${user.username}@${ctx.host}`,
        aliases: [actorIdOf(ctx, user.id), profileUrlOf(ctx, user.username)],
        links: [
          { rel: 'self', type: 'application/activity+json', href: actorIdOf(ctx, user.id) },
          { rel: 'http://webfinger.net/rel/profile-page', type: 'text/html', href: profileUrlOf(ctx, user.username) },
        ],
      }),
      200,
      { 'content-type': `${JRD_JSON}; charset=utf-8`, 'access-control-allow-origin': '*' },
    );
  });

  const actor = (c: Context): Response => {
    const user = sharingUser(c.req.param('userId') as string);
    return user ? activityJson(renderActor(ctx, user)) : notFound(c);
  };
  app.get('/ap/users/:userId', actor);
  app.get('/ap/users/:userId/', actor);

  for (const which of ['followers', 'following', 'outbox'] as const) {
    app.get(`/ap/users/:userId/${which}`, (c) => {
      const user = sharingUser(c.req.param('userId'));
      if (!user) return notFound(c);
      // The outbox holds what went to the Fediverse, not every post.
      const shared = (): number => user.threads.sorted().filter((id) => store.posts.get(id)?.federated === true).length;
      const totalItems = which === 'followers' ? user.fediFollowers.size : which === 'following' ? 0 : shared();
      return activityJson({ '@context': 'https://www.w3.org/ns/activitystreams', id: `${actorIdOf(ctx, user.id)}${which}`, type: 'OrderedCollection', totalItems });
    });
  }

  const noteFor = (post: Post | undefined): Response | undefined => {
    if (!post || post.repostOfId !== undefined || !isVisibleOnFediverse(ctx, post)) return undefined;
    const user = store.users.get(post.ownerId as string) as User;
    return activityJson(renderNote(ctx, post, user));
  };
  const note = (c: Context): Response => {
    const post = store.posts.get(c.req.param('postId') as string);
    if (post?.ownerId !== c.req.param('userId')) return notFound(c);
    return noteFor(post) ?? notFound(c);
  };
  app.get('/ap/users/:userId/post/:postId', note);
  app.get('/ap/users/:userId/post/:postId/', note);

  app.get('/:handle{@[^/]+}/post/:shortcode', (c) => {
    const post = store.postsByShortcode.get(c.req.param('shortcode'));
    const owner = post?.ownerId === undefined ? undefined : store.users.get(post.ownerId);
    if (!post || !owner || owner.username !== c.req.param('handle').slice(1).toLowerCase() || post.deleted) return notFound(c);
    if (wantsActivityJson(c)) return noteFor(post) ?? notFound(c);
    if (owner.isPrivate) return c.html(page('Threads (sandbox)', 'Private profile', html`<h1>This profile is private</h1>`), 404);
    return c.html(
      page(
        'Threads (sandbox)',
        `@${owner.username} on Threads`,
        html`<article><h1><a href="${profileUrlOf(ctx, owner.username)}">@${owner.username}</a></h1>
<p>${post.text ?? ''}</p>
${post.mediaUrl ? html`<img src="${post.mediaUrl}" alt="${post.altText ?? ''}">` : ''}
<p class="note"><time datetime="${new Date(post.createdAt).toISOString()}">${new Date(post.createdAt).toUTCString()}</time> · <a href="${permalinkOf(ctx, owner.username, post.shortcode)}">permalink</a></p></article>`,
      ),
    );
  });

  app.get('/:handle{@[^/]+}', (c) => {
    const owner = store.usersByName.get(c.req.param('handle').slice(1).toLowerCase());
    if (!owner) return notFound(c);
    if (wantsActivityJson(c)) return owner.sharing ? activityJson(renderActor(ctx, owner)) : notFound(c);
    return c.html(
      page(
        'Threads (sandbox)',
        `@${owner.username}`,
        html`<h1>${owner.name} <span class="note">@${owner.username}</span></h1><p>${owner.isPrivate ? 'This profile is private.' : owner.biography}</p>
${owner.sharing ? html`<p class="note">Also on the Fediverse as @${owner.username}@${ctx.host}</p>` : ''}`,
      ),
    );
  });

  app.route('/', inboxRoutes(ctx));
  return app;
}
