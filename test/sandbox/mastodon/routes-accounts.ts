/** Accounts (https://docs.joinmastodon.org/methods/accounts/). */
import { ApiError, notFound, type Ctx } from './context.ts';
import { accountJson, credentialAccountJson, relationshipJson, statusJson } from './entities.ts';
import { follow, unfollow } from './interactions.ts';
import type { AccountRecord } from './model.ts';
import { bool, params, requireUser, str, strArray, truthy, viewerOf, type App, type C } from './api-support.ts';
import { pageQuery, setLink } from './paging.ts';
import { renderText } from './text.ts';
import { canSee, findAccountByHandle } from './visibility.ts';

export function accountRoutes(app: App, ctx: Ctx): void {
  const { store } = ctx;
  const byId = (c: C): AccountRecord => {
    const account = store.accounts.get(c.req.param('id') ?? '');
    if (!account) throw notFound();
    return account;
  };

  app.get('/api/v1/accounts/verify_credentials', (c) => {
    const account = requireUser(ctx, c, 'read:accounts');
    return c.json(credentialAccountJson(store, account));
  });

  app.patch('/api/v1/accounts/update_credentials', async (c) => {
    const account = requireUser(ctx, c, 'write:accounts');
    const p = await params(c);
    const displayName = str(p, 'display_name');
    const note = str(p, 'note');
    if (displayName !== undefined) {
      if ([...displayName].length > 30) throw new ApiError(422, 'Validation failed: Display name is too long (maximum is 30 characters)');
      account.displayName = displayName;
    }
    if (note !== undefined) {
      if ([...note].length > 500) throw new ApiError(422, 'Validation failed: Note is too long (maximum is 500 characters)');
      account.noteSource = note;
      account.note = renderText(note, store.origin, () => undefined);
    }
    const locked = bool(p, 'locked');
    if (locked !== undefined) account.locked = locked;
    const bot = bool(p, 'bot');
    if (bot !== undefined) account.bot = bot;
    return c.json(credentialAccountJson(store, account));
  });

  app.get('/api/v1/accounts/relationships', async (c) => {
    const viewer = requireUser(ctx, c, 'read:follows');
    const p = await params(c);
    const ids = strArray(p, 'id');
    return c.json(ids.flatMap((id) => {
      const target = store.accounts.get(id);
      return target ? [relationshipJson(viewer, target)] : [];
    }));
  });

  app.get('/api/v1/accounts/lookup', (c) => {
    viewerOf(c, 'read:accounts');
    const acct = c.req.query('acct');
    const account = acct ? findAccountByHandle(store, acct) : undefined;
    if (!account) throw notFound();
    return c.json(accountJson(store, account));
  });

  app.get('/api/v1/accounts/:id', (c) => {
    viewerOf(c, 'read:accounts');
    return c.json(accountJson(store, byId(c)));
  });

  app.get('/api/v1/accounts/:id/statuses', (c) => {
    const account = byId(c);
    const viewerId = viewerOf(c, 'read:statuses');
    const excludeReplies = truthy(c, 'exclude_replies');
    const excludeReblogs = truthy(c, 'exclude_reblogs');
    const onlyMedia = truthy(c, 'only_media');
    const tagged = c.req.query('tagged')?.toLowerCase();
    const timeline = truthy(c, 'pinned') ? account.pinned : account.statuses;
    const query = pageQuery(c);
    const ids = timeline.page(query, (id) => {
      const s = store.statuses.get(id);
      if (!s || !canSee(store, s, viewerId)) return false;
      if (excludeReplies && s.inReplyToAccountId !== null && s.inReplyToAccountId !== s.accountId) return false;
      if (excludeReblogs && s.reblogOfId !== null) return false;
      if (onlyMedia && s.mediaIds.length === 0) return false;
      return tagged === undefined || s.tags.includes(tagged);
    });
    setLink(c, store.origin, ids, { fullPageLimit: query.limit });
    return c.json(ids.map((id) => statusJson(store, store.statuses.get(id)!, viewerId)));
  });

  const people = (which: 'followers' | 'following'): void => {
    app.get(`/api/v1/accounts/:id/${which}`, (c) => {
      const account = byId(c);
      const { limit } = pageQuery(c, 40, 80);
      const list = [...account[which]].reverse().slice(0, limit);
      return c.json(list.flatMap((id) => (store.accounts.get(id) ? [accountJson(store, store.accounts.get(id)!)] : [])));
    });
  };
  people('followers');
  people('following');

  app.post('/api/v1/accounts/:id/follow', async (c) => {
    const viewer = requireUser(ctx, c, 'write:follows');
    const target = byId(c);
    const p = await params(c);
    const notifyFlag = bool(p, 'notify');
    follow(ctx, viewer.id, target.id, notifyFlag === undefined ? {} : { notify: notifyFlag });
    return c.json(relationshipJson(viewer, target));
  });

  app.post('/api/v1/accounts/:id/unfollow', (c) => {
    const viewer = requireUser(ctx, c, 'write:follows');
    const target = byId(c);
    unfollow(ctx, viewer.id, target.id);
    return c.json(relationshipJson(viewer, target));
  });

  app.get('/api/v1/follow_requests', (c) => {
    requireUser(ctx, c, 'read:follows');
    return c.json([]);
  });
}
