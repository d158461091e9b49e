/**
 * The federation surface (https://docs.joinmastodon.org/spec/webfinger/,
 * .../spec/activitypub/): WebFinger, actors at /users/:username, statuses as Notes (also by
 * content negotiation on /@user/:id), followers collections, the shared and per-user inboxes,
 * and small HTML profile/status pages for browsers.
 */
import { html, page, SafeHtml } from '../core/html.ts';
import { ACTIVITY_JSON, JRD_JSON } from '../federation/activities.ts';
import type { Ctx } from './context.ts';
import { actorDocument, noteDocument } from './federation-out.ts';
import { receive } from './federation-in.ts';
import type { AccountRecord } from './model.ts';
import type { App, C } from './api-support.ts';
import { canSee } from './visibility.ts';

const wantsActivityJson = (c: C): boolean => /application\/(activity\+json|ld\+json)/.test(c.req.header('accept') ?? '');

export function apRoutes(app: App, ctx: Ctx): void {
  const { store } = ctx;
  const localUser = (username: string | undefined): AccountRecord | undefined => {
    const id = store.accountsByAcct.get((username ?? '').toLowerCase());
    const account = id === undefined ? undefined : store.accounts.get(id);
    return account && account.domain === null ? account : undefined;
  };
  const apJson = (c: C, body: unknown): Response => c.body(JSON.stringify(body), 200, { 'content-type': `${ACTIVITY_JSON}; charset=utf-8` });

  app.get('/.well-known/webfinger', (c) => {
    const resource = c.req.query('resource') ?? '';
    let username: string | undefined;
    const acct = /^acct:@?([^@]+)(?:@(.+))?$/.exec(resource);
    if (acct && (acct[2] === undefined || acct[2].toLowerCase() === store.host.toLowerCase())) username = acct[1];
    const byUrl = /^https?:\/\/[^/]+\/(?:users\/|@)([^/?#]+)$/.exec(resource);
    if (byUrl && resource.startsWith(store.origin)) username = byUrl[1];
    const account = localUser(username);
    if (!account) return c.json({ error: 'Record not found' }, 404);
    return c.body(
      JSON.stringify({
        subject: `acct:${account.username}@${store.host}`,
        aliases: [account.url, account.uri],
        links: [
          { rel: 'http://webfinger.net/rel/profile-page', type: 'text/html', href: account.url },
          { rel: 'self', type: ACTIVITY_JSON, href: account.uri },
        ],
      }),
      200,
      { 'content-type': `${JRD_JSON}; charset=utf-8` },
    );
  });

  const profile = (c: C): Response => {
    const account = localUser(c.req.param('username'));
    if (!account) return c.json({ error: 'Record not found' }, 404);
    if (wantsActivityJson(c)) return apJson(c, actorDocument(store, account));
    return c.html(page(store.title, `@${account.username}`, html`<h1>${account.displayName || account.username}</h1><p>@${account.username}@${store.host}</p>`));
  };
  app.get('/users/:username', profile);

  const note = (c: C): Response => {
    const account = localUser(c.req.param('username'));
    const status = store.statuses.get(c.req.param('id') ?? '');
    if (!account || !status || status.accountId !== account.id || status.reblogOfId !== null || !canSee(store, status, null)) return c.json({ error: 'Record not found' }, 404);
    if (wantsActivityJson(c)) return apJson(c, { '@context': 'https://www.w3.org/ns/activitystreams', ...noteDocument(store, status) });
    return c.html(page(store.title, `Post by @${account.username}`, html`<article>${new SafeHtml(status.content)}</article>`));
  };
  app.get('/users/:username/statuses/:id', note);

  app.get('/users/:username/followers', (c) => {
    const account = localUser(c.req.param('username'));
    if (!account) return c.json({ error: 'Record not found' }, 404);
    return apJson(c, { '@context': 'https://www.w3.org/ns/activitystreams', id: `${account.uri}/followers`, type: 'OrderedCollection', totalItems: account.followers.size });
  });

  const inbox = async (c: C): Promise<Response> => {
    let body: unknown;
    try {
      body = JSON.parse(await c.req.text());
    } catch {
      return c.json({ error: 'Malformed JSON' }, 400);
    }
    try {
      await receive(ctx, body);
    } catch (error) {
      ctx.log(`[mastodon] inbox processing failed: ${String(error)}`);
    }
    return c.body(null, 202);
  };
  app.post('/inbox', inbox);
  app.post('/users/:username/inbox', (c) => (localUser(c.req.param('username')) ? inbox(c) : c.json({ error: 'Record not found' }, 404)));

  // Profile and status pages; `/@user/:id` answers ActivityPub too, like Mastodon.
  app.get('/:handle{@[^/]+}', (c) => {
    const username = c.req.param('handle').slice(1);
    const account = localUser(username);
    if (!account) return c.text('Not found', 404);
    if (wantsActivityJson(c)) return apJson(c, actorDocument(store, account));
    return c.html(page(store.title, `@${account.username}`, html`<h1>${account.displayName || account.username}</h1><p>@${account.username}@${store.host}</p>`));
  });
  app.get('/:handle{@[^/]+}/:id', (c) => {
    const account = localUser(c.req.param('handle').slice(1));
    const status = store.statuses.get(c.req.param('id'));
    if (!account || !status || status.accountId !== account.id || !canSee(store, status, null)) return c.text('Not found', 404);
    if (wantsActivityJson(c)) return apJson(c, { '@context': 'https://www.w3.org/ns/activitystreams', ...noteDocument(store, status) });
    return c.html(page(store.title, `Post by @${account.username}`, html`<p>@${account.username}: ${status.text || 'post'}</p>`));
  });
}
