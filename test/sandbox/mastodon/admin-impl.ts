/** MastodonAdmin (admin.ts) on top of the same actions the HTTP API uses. */
import { ApiError, notFound, type Ctx } from './context.ts';
import { compose } from './compose.ts';
import { fetchObject, findOrFetchStatus, resolveHandle } from './federation-in.ts';
import { favourite, follow, reblog } from './interactions.ts';
import { acctOf, newAccountRecord, type AccountRecord, type StatusRecord } from './model.ts';
import { issueToken, revokeToken } from './oauth-core.ts';
import { editStatus, removeStatus } from './statuses.ts';
import { renderText } from './text.ts';
import { entitiesFor } from './visibility.ts';
import type { MastodonAccountRef, MastodonAdmin } from './admin.ts';

const ref = (account: AccountRecord): MastodonAccountRef => ({ id: account.id, username: account.username, acct: acctOf(account), uri: account.uri });

const MIME = { image: 'image/png', video: 'video/mp4', gifv: 'video/mp4' } as const;

export function createAdmin(ctx: Ctx): MastodonAdmin {
  const { store } = ctx;
  const account = (id: string): AccountRecord => {
    const found = store.accounts.get(id);
    if (!found) throw new ApiError(404, `No account ${id}`);
    return found;
  };
  const status = (id: string): StatusRecord => {
    const found = store.statuses.get(id);
    if (!found) throw notFound();
    return found;
  };

  return {
    createAccount(input) {
      const key = input.username.toLowerCase();
      if (!/^[a-zA-Z0-9_]+$/.test(input.username)) throw new ApiError(422, 'Validation failed: Username must contain only letters, numbers and underscores');
      if (store.accountsByAcct.has(key)) throw new ApiError(422, 'Validation failed: Username has already been taken');
      const createdAt = input.createdAt ?? store.clock.now();
      const uri = `${store.origin}/users/${input.username}`;
      const record = newAccountRecord({
        id: store.ids.next(createdAt),
        username: input.username,
        domain: null,
        uri,
        url: `${store.origin}/@${input.username}`,
        inbox: `${uri}/inbox`,
        sharedInbox: `${store.origin}/inbox`,
        avatar: input.avatarUrl ?? `${store.origin}/avatars/${input.username}.png`,
        header: `${store.origin}/headers/missing.png`,
        createdAt,
        password: input.password,
        displayName: input.displayName ?? input.username,
        noteSource: input.note ?? '',
        note: renderText(input.note ?? '', store.origin, () => undefined),
        locked: input.locked ?? false,
        bot: input.bot ?? false,
        fields: (input.fields ?? []).map((f) => ({ name: f.name, value: f.value, verifiedAt: f.verified ? createdAt : null })),
      });
      store.accounts.set(record.id, record);
      store.accountsByAcct.set(key, record.id);
      store.accountsByUri.set(record.uri, record.id);
      store.accountsByUri.set(record.url, record.id);
      return ref(record);
    },
    findAccount(username) {
      const id = store.accountsByAcct.get(username.replace(/^@/, '').toLowerCase());
      const found = id === undefined ? undefined : store.accounts.get(id);
      return found ? ref(found) : undefined;
    },
    createStatus(accountId, input) {
      account(accountId);
      const createdAt = input.createdAt ?? store.clock.now();
      const mediaIds = (input.media ?? []).map((m) => {
        const id = store.ids.next(createdAt);
        store.media.set(id, { id, accountId, type: m.type, mime: MIME[m.type], fileName: `${id}.png`, bytes: null, remoteUrl: null, description: m.description, width: 640, height: 480, focus: { x: 0, y: 0 }, statusId: null });
        return id;
      });
      return compose(ctx, accountId, {
        text: input.text,
        spoilerText: input.spoilerText ?? '',
        sensitive: input.sensitive ?? false,
        visibility: input.visibility ?? 'public',
        inReplyToId: input.inReplyToId ?? null,
        mediaIds,
        poll: input.poll ? { options: input.poll.options, expiresIn: input.poll.expiresInSeconds, multiple: input.poll.multiple ?? false } : null,
        language: input.language ?? 'en',
        createdAt,
        trusted: true,
      }).id;
    },
    editStatus(accountId, statusId, input) {
      const target = status(statusId);
      if (target.accountId !== accountId) throw new ApiError(403, 'This action is not allowed');
      const entities = entitiesFor(ctx, input.text);
      editStatus(ctx, target, { content: entities.content, text: input.text, spoilerText: input.spoilerText ?? target.spoilerText, editedAt: input.editedAt ?? store.clock.now(), entities });
    },
    serveHostile(statusId, input) {
      const target = status(statusId);
      if (input.contentHtml !== undefined) target.content = input.contentHtml;
      if (input.card !== undefined) target.card = input.card;
    },
    deleteStatus(accountId, statusId) {
      const target = status(statusId);
      if (target.accountId !== accountId) throw new ApiError(403, 'This action is not allowed');
      removeStatus(ctx, target);
    },
    favourite(accountId, statusId) {
      account(accountId);
      favourite(ctx, accountId, status(statusId));
    },
    reblog(accountId, statusId, createdAt) {
      account(accountId);
      return reblog(ctx, accountId, status(statusId), createdAt === undefined ? {} : { createdAt }).id;
    },
    follow(accountId, targetAccountId) {
      follow(ctx, accountId, targetAccountId);
    },
    async followRemote(accountId, handle) {
      account(accountId);
      const target = await resolveHandle(ctx, handle);
      if (!target) throw new ApiError(404, `Could not resolve ${handle}`);
      follow(ctx, accountId, target.id);
      return ref(target);
    },
    async resolveRemoteStatus(url) {
      const known = await findOrFetchStatus(ctx, url);
      return (known ?? (await fetchObject(ctx, url)).status)?.id;
    },
    addCustomEmoji(shortcode, url) {
      store.customEmojis.set(shortcode, { shortcode, url: url ?? `${store.origin}/emoji/${shortcode}.png` });
    },
    createToken(accountId, scopes = ['read', 'write', 'follow', 'push']) {
      account(accountId);
      return issueToken(store, null, accountId, scopes).token;
    },
    revokeToken(token) {
      const record = store.tokens.get(token);
      if (record) revokeToken(ctx, record);
    },
    streamSubscriptions: () => ctx.streams.subscriptions(),
    stats() {
      let accounts = 0;
      for (const a of store.accounts.values()) if (a.domain === null) accounts += 1;
      return { accounts, statuses: store.statuses.size - store.remoteStatusCount, remoteStatuses: store.remoteStatusCount };
    },
  };
}
