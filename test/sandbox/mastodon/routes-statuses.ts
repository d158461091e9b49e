/** Statuses (https://docs.joinmastodon.org/methods/statuses/). */
import { ApiError, notAllowed, notFound, type Ctx } from './context.ts';
import { compose } from './compose.ts';
import { accountJson, iso, mediaJson, statusJson } from './entities.ts';
import { favourite, reblog, unfavourite, unreblog } from './interactions.ts';
import type { StatusRecord, Visibility } from './model.ts';
import { bool, params, requireUser, str, strArray, viewerOf, type App, type C } from './api-support.ts';
import { pageQuery, setLink } from './paging.ts';
import { editFromParams, pollParam } from './status-edit.ts';
import { removeStatus } from './statuses.ts';
import { canSee } from './visibility.ts';

const VISIBILITIES = ['public', 'unlisted', 'private', 'direct'];
/** PostStatusService keeps an Idempotency-Key for an hour. */
const IDEMPOTENCY_TTL_MS = 3_600_000;
/** Instance configuration accounts.max_pinned_statuses. */
const MAX_PINNED = 5;

export function statusRoutes(app: App, ctx: Ctx): void {
  const { store } = ctx;

  const visible = (id: string, viewerId: string | null): StatusRecord => {
    const status = store.statuses.get(id);
    if (!status || !canSee(store, status, viewerId)) throw notFound();
    return status;
  };
  /** The status an Idempotency-Key already made, while the key is fresh. */
  const rememberedPost = (key: string): StatusRecord | undefined => {
    const entry = store.idempotency.get(key);
    return entry && entry.at + IDEMPOTENCY_TTL_MS > store.clock.now() ? store.statuses.get(entry.statusId) : undefined;
  };
  const rememberPost = (key: string, statusId: string): void => {
    const now = store.clock.now();
    // Keys arrive in time order, so the expired ones are at the front of the Map.
    for (const [old, entry] of store.idempotency) {
      if (entry.at + IDEMPOTENCY_TTL_MS > now) break;
      store.idempotency.delete(old);
    }
    store.idempotency.delete(key);
    store.idempotency.set(key, { statusId, at: now });
  };
  const own = (c: C, scope: string): { status: StatusRecord; accountId: string } => {
    const account = requireUser(ctx, c, scope);
    const status = visible(c.req.param('id') ?? '', account.id);
    if (status.accountId !== account.id) throw notAllowed();
    return { status, accountId: account.id };
  };

  app.post('/api/v1/statuses', async (c) => {
    const account = requireUser(ctx, c, 'write:statuses');
    const key = c.req.header('idempotency-key');
    const remembered = key === undefined ? undefined : rememberedPost(`${account.id}:${key}`);
    if (remembered) return c.json(statusJson(store, remembered, account.id));
    const p = await params(c);
    const visibility = str(p, 'visibility') ?? 'public';
    if (!VISIBILITIES.includes(visibility)) throw new ApiError(422, 'Validation failed: Visibility is not included in the list');
    const token = c.get('token');
    const app_ = token?.appId ? store.apps.get(token.appId) : undefined;
    const status = compose(ctx, account.id, {
      text: str(p, 'status') ?? '',
      spoilerText: str(p, 'spoiler_text') ?? '',
      ...(bool(p, 'sensitive') === undefined ? {} : { sensitive: bool(p, 'sensitive') }),
      visibility: visibility as Visibility,
      inReplyToId: str(p, 'in_reply_to_id') ?? null,
      mediaIds: strArray(p, 'media_ids'),
      poll: pollParam(p),
      language: str(p, 'language') ?? 'en',
      ...(app_ ? { application: { name: app_.name, website: app_.website } } : {}),
    });
    if (key !== undefined) rememberPost(`${account.id}:${key}`, status.id);
    return c.json(statusJson(store, status, account.id));
  });

  app.get('/api/v1/statuses/:id', (c) => {
    const viewerId = viewerOf(c, 'read:statuses');
    return c.json(statusJson(store, visible(c.req.param('id'), viewerId), viewerId));
  });

  app.put('/api/v1/statuses/:id', async (c) => {
    const { status, accountId } = own(c, 'write:statuses');
    editFromParams(ctx, status, accountId, await params(c));
    return c.json(statusJson(store, status, accountId));
  });

  app.delete('/api/v1/statuses/:id', (c) => {
    const { status, accountId } = own(c, 'write:statuses');
    const json = { ...statusJson(store, status, accountId), text: status.text };
    removeStatus(ctx, status);
    return c.json(json);
  });

  app.get('/api/v1/statuses/:id/source', (c) => {
    const { status } = own(c, 'read:statuses');
    return c.json({ id: status.id, text: status.text, spoiler_text: status.spoilerText });
  });

  app.get('/api/v1/statuses/:id/history', (c) => {
    const status = visible(c.req.param('id'), viewerOf(c, 'read:statuses'));
    const account = accountJson(store, store.accounts.get(status.accountId)!);
    const versions = status.history.length > 0 ? status.history : [{ content: status.content, spoilerText: status.spoilerText, sensitive: status.sensitive, createdAt: status.createdAt, mediaIds: status.mediaIds }];
    return c.json(
      versions.map((v) => ({
        content: v.content,
        spoiler_text: v.spoilerText,
        sensitive: v.sensitive,
        created_at: iso(v.createdAt),
        account,
        media_attachments: v.mediaIds.flatMap((id) => (store.media.get(id) ? [mediaJson(store, store.media.get(id)!)] : [])),
        emojis: [],
      })),
    );
  });

  app.get('/api/v1/statuses/:id/context', (c) => {
    const viewerId = viewerOf(c, 'read:statuses');
    const status = visible(c.req.param('id'), viewerId);
    const ancestors: StatusRecord[] = [];
    for (let p = status.inReplyToId === null ? undefined : store.statuses.get(status.inReplyToId); p && ancestors.length < 4096; ) {
      if (canSee(store, p, viewerId)) ancestors.unshift(p);
      p = p.inReplyToId === null ? undefined : store.statuses.get(p.inReplyToId);
    }
    const descendants: StatusRecord[] = [];
    const walk = (s: StatusRecord): void => {
      for (const id of s.replies.all().reverse()) {
        const reply = store.statuses.get(id);
        if (!reply || !canSee(store, reply, viewerId) || descendants.length >= 4096) continue;
        descendants.push(reply);
        walk(reply);
      }
    };
    walk(status);
    return c.json({ ancestors: ancestors.map((s) => statusJson(store, s, viewerId)), descendants: descendants.map((s) => statusJson(store, s, viewerId)) });
  });

  const action = (path: string, scope: string, run: (status: StatusRecord, accountId: string, c: C) => Promise<StatusRecord | undefined> | StatusRecord | undefined): void => {
    app.post(`/api/v1/statuses/:id/${path}`, async (c) => {
      const account = requireUser(ctx, c, scope);
      const status = visible(c.req.param('id'), account.id);
      const result = (await run(status, account.id, c)) ?? status;
      return c.json(statusJson(store, result, account.id));
    });
  };
  action('favourite', 'write:favourites', (s, a) => void favourite(ctx, a, s.reblogOfId === null ? s : (store.statuses.get(s.reblogOfId) ?? s)));
  action('unfavourite', 'write:favourites', (s, a) => void unfavourite(ctx, a, s.reblogOfId === null ? s : (store.statuses.get(s.reblogOfId) ?? s)));
  action('reblog', 'write:statuses', async (s, a, c) => {
    const visibility = str(await params(c), 'visibility');
    return reblog(ctx, a, s, visibility !== undefined && ['public', 'unlisted', 'private'].includes(visibility) ? { visibility: visibility as Visibility } : {});
  });
  action('unreblog', 'write:statuses', (s, a) => unreblog(ctx, a, s));
  action('bookmark', 'write:bookmarks', (s, a) => void store.accounts.get(a)?.bookmarks.add(s.id));
  action('unbookmark', 'write:bookmarks', (s, a) => void store.accounts.get(a)?.bookmarks.delete(s.id));
  action('pin', 'write:accounts', (s, a) => {
    // StatusPinValidator's checks and messages, in its order.
    const pinned = store.accounts.get(a)?.pinned;
    if (s.reblogOfId !== null) throw new ApiError(422, 'Validation failed: A boost cannot be pinned');
    if (s.accountId !== a) throw new ApiError(422, "Validation failed: Someone else's post cannot be pinned");
    if (s.visibility === 'direct') throw new ApiError(422, 'Validation failed: Posts that are only visible to mentioned users cannot be pinned');
    if (pinned && !pinned.has(s.id) && pinned.size >= MAX_PINNED) throw new ApiError(422, 'Validation failed: You have already pinned the maximum number of posts');
    pinned?.insert(s.id);
    return undefined;
  });
  action('unpin', 'write:accounts', (s, a) => void store.accounts.get(a)?.pinned.remove(s.id));
  action('mute', 'write:mutes', () => undefined);
  action('unmute', 'write:mutes', () => undefined);

  const byList = (path: 'favourited_by' | 'reblogged_by'): void => {
    app.get(`/api/v1/statuses/:id/${path}`, (c) => {
      const status = visible(c.req.param('id'), viewerOf(c, 'read:accounts'));
      const order = path === 'favourited_by' ? status.favouriteOrder : status.reblogOrder;
      const who = (id: string): string | undefined => (path === 'favourited_by' ? status.favourites.get(id) : store.statuses.get(id)?.accountId);
      const query = pageQuery(c, 40, 80);
      const ids = order.page(query, (id) => who(id) !== undefined);
      setLink(c, store.origin, ids, { fullPageLimit: query.limit, prevParam: 'since_id' });
      return c.json(ids.flatMap((id) => {
        const account = store.accounts.get(who(id) ?? '');
        return account ? [accountJson(store, account)] : [];
      }));
    });
  };
  byList('favourited_by');
  byList('reblogged_by');
}
