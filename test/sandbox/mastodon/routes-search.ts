/**
 * GET /api/v2/search (https://docs.joinmastodon.org/methods/search/): local matches by acct,
 * URL or text; with resolve=true, a URL or `@user@host` on another server is fetched over
 * federation and stored (the inbox's path). Unknown or unreachable → empty results.
 */
import { ApiError, type Ctx } from './context.ts';
import { accountJson, statusJson } from './entities.ts';
import { fetchObject, resolveHandle } from './federation-in.ts';
import type { AccountRecord, StatusRecord } from './model.ts';
import { truthy, viewerOf, type App } from './api-support.ts';
import { limitParam } from './paging.ts';
import { htmlToText } from './text.ts';
import { canSee, findAccountByHandle } from './visibility.ts';

export function searchRoutes(app: App, ctx: Ctx): void {
  const { store } = ctx;

  app.get('/api/v2/search', async (c) => {
    const viewerId = viewerOf(c, 'read:search');
    // Api::V2::SearchController#validate_search_params, in its order and with its messages.
    const q = (c.req.query('q') ?? '').trim();
    if (q === '') throw new ApiError(400, 'param is missing or the value is empty: q');
    const type = c.req.query('type');
    const resolve = truthy(c, 'resolve');
    const limit = limitParam(c.req.query('limit'), 20, 40);
    const rawOffset = Number.parseInt(c.req.query('offset') ?? '', 10);
    const offset = Number.isFinite(rawOffset) && rawOffset > 0 ? rawOffset : 0;
    if (viewerId === null && c.req.query('offset') !== undefined) throw new ApiError(401, 'Search queries pagination is not supported without authentication');
    if (viewerId === null && resolve) throw new ApiError(401, 'Search queries that resolve remote resources are not supported without authentication');
    const accounts: AccountRecord[] = [];
    const statuses: StatusRecord[] = [];
    const hashtags: string[] = [];
    const want = (t: string): boolean => type === undefined || type === t;

    if (/^https?:\/\//.test(q)) {
      const knownStatus = store.statuses.get(store.statusesByUri.get(q) ?? localStatusId(q) ?? '');
      const knownAccount = store.accounts.get(store.accountsByUri.get(q) ?? '');
      if (knownStatus) statuses.push(knownStatus);
      else if (knownAccount) accounts.push(knownAccount);
      else if (resolve && !q.startsWith(`${store.origin}/`)) {
        const found = await fetchObject(ctx, q);
        if (found.status) statuses.push(found.status);
        if (found.account) accounts.push(found.account);
      }
    } else if (/^@?[\w.-]+@[\w.:[\]-]+$/.test(q)) {
      const known = findAccountByHandle(store, q);
      const account = known ?? (resolve ? await resolveHandle(ctx, q) : undefined);
      if (account) accounts.push(account);
    } else if (q !== '') {
      const needle = q.replace(/^[@#]/, '').toLowerCase();
      if (want('accounts'))
        for (const account of store.accounts.values()) {
          const acct = account.domain === null ? account.username : `${account.username}@${account.domain}`;
          if (acct.toLowerCase().startsWith(needle) || account.displayName.toLowerCase().includes(needle)) accounts.push(account);
          if (accounts.length >= offset + limit) break;
        }
      if (want('hashtags')) for (const tag of store.tagTimelines.keys()) if (tag.startsWith(needle) && hashtags.length < offset + limit) hashtags.push(tag);
      if (want('statuses') && viewerId !== null && !q.startsWith('#') && !q.startsWith('@'))
        for (const id of store.publicAll.all()) {
          const status = store.statuses.get(id);
          if (status && htmlToText(status.content).toLowerCase().includes(needle)) statuses.push(status);
          if (statuses.length >= offset + limit) break;
        }
    }
    const slice = <T>(list: T[]): T[] => list.slice(offset, offset + limit);
    return c.json({
      accounts: want('accounts') ? slice(accounts).map((a) => accountJson(store, a)) : [],
      statuses: want('statuses') ? slice(statuses.filter((s) => canSee(store, s, viewerId))).map((s) => statusJson(store, s, viewerId)) : [],
      hashtags: want('hashtags') ? slice(hashtags).map((name) => ({ name, url: `${store.origin}/tags/${name}`, history: [] })) : [],
    });
  });

  function localStatusId(url: string): string | undefined {
    const match = new RegExp(`^${store.origin.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/(?:@[^/]+|users/[^/]+/statuses)/(\\d+)$`).exec(url);
    return match?.[1];
  }
}
