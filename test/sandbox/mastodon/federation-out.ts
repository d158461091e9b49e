/**
 * The Mastodon side's ActivityPub documents and outgoing deliveries
 * (https://docs.joinmastodon.org/spec/activitypub/). No HTTP signatures: the sandbox trusts
 * the `actor` of what it receives, a documented simplification.
 */
import { AS_PUBLIC, type ActivityInput } from '../federation/activities.ts';
import type { Ctx } from './context.ts';
import { iso, mediaUrl } from './entities.ts';
import { acctOf, nextCounter, type AccountRecord, type StatusRecord, type Store } from './model.ts';

export function actorDocument(store: Store, account: AccountRecord): Record<string, unknown> {
  return {
    '@context': ['https://www.w3.org/ns/activitystreams', 'https://w3id.org/security/v1'],
    id: account.uri,
    type: account.bot ? 'Service' : 'Person',
    preferredUsername: account.username,
    name: account.displayName,
    summary: account.note,
    url: account.url,
    inbox: account.inbox,
    outbox: `${account.uri}/outbox`,
    followers: `${account.uri}/followers`,
    following: `${account.uri}/following`,
    endpoints: { sharedInbox: `${store.origin}/inbox` },
    icon: { type: 'Image', mediaType: 'image/png', url: account.avatar },
    published: iso(account.createdAt),
    manuallyApprovesFollowers: account.locked,
    attachment: account.fields.map((f) => ({ type: 'PropertyValue', name: f.name, value: f.value })),
  };
}

export function noteDocument(store: Store, status: StatusRecord): Record<string, unknown> {
  const account = store.accounts.get(status.accountId) as AccountRecord;
  const followers = `${account.uri}/followers`;
  const parent = status.inReplyToId === null ? undefined : store.statuses.get(status.inReplyToId);
  const mentioned = status.mentionIds.flatMap((id) => store.accounts.get(id) ?? []);
  const audience: Record<string, [string[], string[]]> = {
    public: [[AS_PUBLIC], [followers]],
    unlisted: [[followers], [AS_PUBLIC]],
    private: [[followers], []],
    direct: [[], []],
  };
  const [to, cc] = audience[status.visibility] ?? [[], []];
  return {
    id: status.uri,
    type: 'Note',
    attributedTo: account.uri,
    content: status.content,
    summary: status.spoilerText || null,
    sensitive: status.sensitive,
    published: iso(status.createdAt),
    ...(status.editedAt === null ? {} : { updated: iso(status.editedAt) }),
    url: status.url ?? status.uri,
    inReplyTo: parent?.uri ?? null,
    to: status.visibility === 'direct' ? mentioned.map((m) => m.uri) : to,
    cc: [...cc, ...mentioned.map((m) => m.uri)],
    attachment: status.mediaIds.flatMap((id) => {
      const media = store.media.get(id);
      return media ? [{ type: 'Document', mediaType: media.mime, url: mediaUrl(store, media), name: media.description, width: media.width, height: media.height }] : [];
    }),
    tag: [
      ...mentioned.map((m) => ({ type: 'Mention', href: m.uri, name: `@${acctOf(m)}` })),
      ...status.tags.map((t) => ({ type: 'Hashtag', href: `${store.origin}/tags/${t}`, name: `#${t}` })),
    ],
  };
}

export function activityId(store: Store, account: AccountRecord, kind: string): string {
  return `${account.uri}#${kind}/${nextCounter(store)}`;
}

/** Deliver to each distinct inbox of these remote accounts (shared inbox when they have one). */
export function deliverTo(ctx: Ctx, accounts: Iterable<AccountRecord | undefined>, activity: ActivityInput, preferShared = true): void {
  const inboxes = new Set<string>();
  for (const account of accounts) {
    if (!account || account.domain === null) continue;
    const inbox = preferShared && account.sharedInbox ? account.sharedInbox : account.inbox;
    if (inbox) inboxes.add(inbox);
  }
  for (const inbox of inboxes) {
    ctx.log(`[mastodon] deliver ${activity.type} to ${inbox}`);
    ctx.federation.deliver(inbox, activity);
  }
}

/** Remote accounts that should receive a local status: remote followers, mentions, the parent's author. */
export function remoteAudience(ctx: Ctx, status: StatusRecord): AccountRecord[] {
  const { store } = ctx;
  const author = store.accounts.get(status.accountId) as AccountRecord;
  const ids = new Set<string>(status.visibility === 'direct' ? [] : author.followers);
  for (const id of status.mentionIds) ids.add(id);
  if (status.inReplyToAccountId !== null) ids.add(status.inReplyToAccountId);
  return [...ids].flatMap((id) => {
    const account = store.accounts.get(id);
    return account && account.domain !== null ? [account] : [];
  });
}

export function federateCreate(ctx: Ctx, status: StatusRecord): void {
  const author = ctx.store.accounts.get(status.accountId) as AccountRecord;
  if (author.domain !== null) return;
  const note = noteDocument(ctx.store, status);
  const activity = { id: `${status.uri}/activity`, type: 'Create', actor: author.uri, published: iso(status.createdAt), to: note.to, cc: note.cc, object: note } as ActivityInput;
  deliverTo(ctx, remoteAudience(ctx, status), activity);
}

export function federateUpdate(ctx: Ctx, status: StatusRecord): void {
  const author = ctx.store.accounts.get(status.accountId) as AccountRecord;
  if (author.domain !== null) return;
  const activity = { id: activityId(ctx.store, author, 'updates'), type: 'Update', actor: author.uri, object: noteDocument(ctx.store, status) } as ActivityInput;
  deliverTo(ctx, remoteAudience(ctx, status), activity);
}

export function federateDelete(ctx: Ctx, status: StatusRecord): void {
  const author = ctx.store.accounts.get(status.accountId) as AccountRecord;
  if (author.domain !== null || status.reblogOfId !== null) return;
  const activity = { id: `${status.uri}#delete`, type: 'Delete', actor: author.uri, object: { id: status.uri, type: 'Tombstone' } } as ActivityInput;
  deliverTo(ctx, remoteAudience(ctx, status), activity);
}
