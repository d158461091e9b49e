/** Statuses (https://docs.joinmastodon.org/methods/statuses/). */
import { ApiError, notAllowed, notFound, type Ctx } from './context.ts';
import { compose, LIMITS } from './compose.ts';
import { accountJson, iso, mediaJson, statusJson } from './entities.ts';
import { favourite, reblog, unfavourite, unreblog } from './interactions.ts';
import type { StatusRecord, Visibility } from './model.ts';
import { bool, int, obj, params, requireUser, str, strArray, viewerOf, type App, type C, type Params } from './api-support.ts';
import { pageQuery, setLink } from './paging.ts';
import { editStatus, removeStatus, requireText } from './statuses.ts';
import { countCharacters } from './text.ts';
import { canSee, entitiesFor } from './visibility.ts';

const VISIBILITIES = ['public', 'unlisted', 'private', 'direct'];

function pollParam(p: Params): { options: string[]; expiresIn: number; multiple: boolean } | null {
  const poll = obj(p, 'poll');
  const options = strArray(poll, 'options');
  if (options.length === 0) return null;
  return { options, expiresIn: int(poll, 'expires_in') ?? 86_400, multiple: bool(poll, 'multiple') ?? false };
}

export function statusRoutes(app: App, ctx: Ctx): void {
  const { store } = ctx;

  const visible = (id: string, viewerId: string | null): StatusRecord => {
    const status = store.statuses.get(id);
    if (!status || !canSee(store, status, viewerId)) throw notFound();
    return status;
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
    const remembered = key === undefined ? undefined : store.statuses.get(store.idempotency.get(`${account.id}:${key}`) ?? '');
    if (remembered) return c.json(statusJson(store, remembered, account.id));
    const p = await params(c);
    const visibility = str(p, 'visibility') ?? 'public';
    if (!VISIBILITIES.includes(visibility)) throw new ApiError(422, 'Validation failed: Visibility is not included in the list');
    const token = c.get('token');
    const app_ = token?.appId ? store.apps.get(token.appId) : undefined;
    const status = compose(ctx, account.id, {
      text: str(p, 'status') ?? '',
      spoilerText: str(p, 'spoiler_text') ?? '',
      sensitive: bool(p, 'sensitive') ?? false,
      visibility: visibility as Visibility,
      inReplyToId: str(p, 'in_reply_to_id') ?? null,
      mediaIds: strArray(p, 'media_ids'),
      poll: pollParam(p),
      language: str(p, 'language') ?? 'en',
      ...(app_ ? { application: { name: app_.name, website: app_.website } } : {}),
    });
    if (key !== undefined) store.idempotency.set(`${account.id}:${key}`, status.id);
    return c.json(statusJson(store, status, account.id));
  });

  app.get('/api/v1/statuses/:id', (c) => c.json(statusJson(store, visible(c.req.param('id'), viewerOf(c)), viewerOf(c))));

  app.put('/api/v1/statuses/:id', async (c) => {
    const { status, accountId } = own(c, 'write:statuses');
    const p = await params(c);
    const text = str(p, 'status') ?? status.text;
    const spoilerText = str(p, 'spoiler_text') ?? status.spoilerText;
    const mediaIds = p.media_ids === undefined ? status.mediaIds : strArray(p, 'media_ids');
    requireText(text, mediaIds.length > 0, status.pollId !== null, LIMITS.maxCharacters, countCharacters(text) + [...spoilerText].length);
    for (const id of mediaIds) if (store.media.get(id)?.accountId !== accountId) throw new ApiError(422, 'Validation failed: Media attachments are invalid');
    const entities = entitiesFor(ctx, text);
    editStatus(ctx, status, { content: entities.content, text, spoilerText, sensitive: bool(p, 'sensitive'), mediaIds, editedAt: store.clock.now(), entities });
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
    const status = visible(c.req.param('id'), viewerOf(c));
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
    const viewerId = viewerOf(c);
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
    if (s.accountId !== a || s.reblogOfId !== null || s.visibility === 'direct') throw new ApiError(422, 'Validation failed: Status is not allowed to be pinned');
    store.accounts.get(a)?.pinned.insert(s.id);
    return undefined;
  });
  action('unpin', 'write:accounts', (s, a) => void store.accounts.get(a)?.pinned.remove(s.id));
  action('mute', 'write:mutes', () => undefined);
  action('unmute', 'write:mutes', () => undefined);

  const byList = (path: 'favourited_by' | 'reblogged_by'): void => {
    app.get(`/api/v1/statuses/:id/${path}`, (c) => {
      const status = visible(c.req.param('id'), viewerOf(c));
      const order = path === 'favourited_by' ? status.favouriteOrder : status.reblogOrder;
      const who = (id: string): string | undefined => (path === 'favourited_by' ? status.favourites.get(id) : store.statuses.get(id)?.accountId);
      const ids = order.page(pageQuery(c, 40, 80), (id) => who(id) !== undefined);
      setLink(c, store.origin, ids);
      return c.json(ids.flatMap((id) => {
        const account = store.accounts.get(who(id) ?? '');
        return account ? [accountJson(store, account)] : [];
      }));
    });
  };
  byList('favourited_by');
  byList('reblogged_by');
}
