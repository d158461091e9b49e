/**
 * Timelines (https://docs.joinmastodon.org/methods/timelines/), notifications
 * (https://docs.joinmastodon.org/methods/notifications/) and markers
 * (https://docs.joinmastodon.org/methods/markers/).
 */
import { notFound, type Ctx } from './context.ts';
import { iso, notificationJson, statusJson } from './entities.ts';
import { obj, params, requireUser, str, truthy, viewerOf, type App, type C, type Params } from './api-support.ts';
import { pageQuery, setLink } from './paging.ts';
import type { SortedIds } from '../core/sorted-ids.ts';
import type { MarkerRecord } from './model.ts';
import { canSee } from './visibility.ts';

export function timelineRoutes(app: App, ctx: Ctx): void {
  const { store } = ctx;

  const statusPage = (c: C, timeline: SortedIds | undefined, viewerId: string | null, extra: (id: string) => boolean = () => true): Response => {
    const query = pageQuery(c);
    const ids = timeline
      ? timeline.page(query, (id) => {
          const status = store.statuses.get(id);
          return status !== undefined && canSee(store, status, viewerId) && extra(id);
        })
      : [];
    setLink(c, store.origin, ids);
    return c.json(ids.map((id) => statusJson(store, store.statuses.get(id)!, viewerId)));
  };

  app.get('/api/v1/timelines/home', (c) => {
    const account = requireUser(ctx, c, 'read:statuses');
    return statusPage(c, account.home, account.id);
  });

  app.get('/api/v1/timelines/public', (c) => {
    const viewerId = viewerOf(c, 'read:statuses');
    const local = truthy(c, 'local');
    const remote = truthy(c, 'remote');
    const onlyMedia = truthy(c, 'only_media');
    const timeline = local ? store.publicLocal : remote ? store.publicRemote : store.publicAll;
    return statusPage(c, timeline, viewerId, (id) => !onlyMedia || (store.statuses.get(id)?.mediaIds.length ?? 0) > 0);
  });

  app.get('/api/v1/timelines/tag/:hashtag', (c) => {
    const viewerId = viewerOf(c, 'read:statuses');
    const local = truthy(c, 'local');
    return statusPage(c, store.tagTimelines.get(c.req.param('hashtag').toLowerCase()), viewerId, (id) => !local || store.statuses.get(id)?.local === true);
  });

  app.get('/api/v1/notifications', (c) => {
    const account = requireUser(ctx, c, 'read:notifications');
    const url = new URL(c.req.url);
    const types = [...url.searchParams.getAll('types[]'), ...url.searchParams.getAll('types')];
    const exclude = [...url.searchParams.getAll('exclude_types[]'), ...url.searchParams.getAll('exclude_types')];
    const fromAccount = c.req.query('account_id');
    const ids = account.notifications.page(pageQuery(c, 40, 80), (id) => {
      const n = store.notifications.get(id);
      if (!n || notificationJson(store, n, account.id) === undefined) return false;
      if (types.length > 0 && !types.includes(n.type)) return false;
      if (exclude.includes(n.type)) return false;
      return fromAccount === undefined || n.fromId === fromAccount;
    });
    setLink(c, store.origin, ids);
    return c.json(ids.map((id) => notificationJson(store, store.notifications.get(id)!, account.id)));
  });

  app.get('/api/v1/notifications/:id', (c) => {
    const account = requireUser(ctx, c, 'read:notifications');
    const n = store.notifications.get(c.req.param('id'));
    const json = n && n.recipientId === account.id ? notificationJson(store, n, account.id) : undefined;
    if (!json) throw notFound();
    return c.json(json);
  });

  app.post('/api/v1/notifications/clear', (c) => {
    const account = requireUser(ctx, c, 'write:notifications');
    for (const id of account.notifications.all()) {
      store.notifications.delete(id);
      account.notifications.remove(id);
    }
    return c.json({});
  });

  app.post('/api/v1/notifications/:id/dismiss', (c) => {
    const account = requireUser(ctx, c, 'write:notifications');
    const id = c.req.param('id');
    const n = store.notifications.get(id);
    if (!n || n.recipientId !== account.id) throw notFound();
    store.notifications.delete(id);
    account.notifications.remove(id);
    return c.json({});
  });

  const markerJson = (accountId: string, timelines: string[]): Record<string, unknown> => {
    const markers = store.markers.get(accountId) ?? new Map<string, MarkerRecord>();
    const out: Record<string, unknown> = {};
    for (const name of timelines) {
      const m = markers.get(name);
      if (m) out[name] = { last_read_id: m.lastReadId, version: m.version, updated_at: iso(m.updatedAt) };
    }
    return out;
  };

  app.get('/api/v1/markers', (c) => {
    const account = requireUser(ctx, c, 'read:statuses');
    const url = new URL(c.req.url);
    const timelines = [...url.searchParams.getAll('timeline[]'), ...url.searchParams.getAll('timeline')].filter((t) => t === 'home' || t === 'notifications');
    return c.json(markerJson(account.id, timelines));
  });

  app.post('/api/v1/markers', async (c) => {
    const account = requireUser(ctx, c, 'write:statuses');
    const p: Params = await params(c);
    let markers = store.markers.get(account.id);
    if (!markers) store.markers.set(account.id, (markers = new Map<string, MarkerRecord>()));
    const changed: string[] = [];
    for (const name of ['home', 'notifications']) {
      const lastReadId = str(obj(p, name), 'last_read_id');
      if (lastReadId === undefined) continue;
      const previous = markers.get(name);
      markers.set(name, { lastReadId, version: (previous?.version ?? -1) + 1, updatedAt: store.clock.now() });
      changed.push(name);
    }
    return c.json(markerJson(account.id, changed));
  });
}
