/**
 * The receiving half of federation: remote actors and notes become accounts and statuses (the
 * same path for inbox deliveries and for search `resolve=true`), and incoming activities
 * (Create, Update, Delete, Follow, Accept, Reject, Like, Announce, Undo) are applied.
 * Parsing uses the shared zod schemas; anything not understood is ignored, as Mastodon does.
 */
import { ACTIVITY_JSON, AS_PUBLIC, JRD_JSON, actorSchema, actorUrlFrom, activitySchema, noteSchema, webfingerSchema, type Actor, type Note } from '../federation/activities.ts';
import type { Ctx } from './context.ts';
import { favourite, follow, reblog, unfavourite, unfollow } from './interactions.ts';
import { newAccountRecord, type AccountRecord, type MediaRecord, type StatusRecord, type Visibility } from './model.ts';
import { notify } from './notify.ts';
import { sanitizeHtml } from './sanitize.ts';
import { editStatus, insertStatus, newStatusRecord, removeStatus } from './statuses.ts';

const MAX_THREAD_FETCH = 3;

function lookupUri(ctx: Ctx, uri: string): AccountRecord | undefined {
  const id = ctx.store.accountsByUri.get(uri);
  return id === undefined ? undefined : ctx.store.accounts.get(id);
}

export function storeActor(ctx: Ctx, actor: Actor): AccountRecord {
  const { store } = ctx;
  const existing = lookupUri(ctx, actor.id);
  const domain = new URL(actor.id).host;
  const fields = {
    displayName: actor.name ?? '',
    note: sanitizeHtml(actor.summary ?? ''),
    url: actor.url ?? actor.id,
    inbox: actor.inbox,
    sharedInbox: actor.endpoints?.sharedInbox ?? '',
    avatar: actor.icon?.url ?? `${store.origin}/avatars/missing.png`,
    locked: actor.manuallyApprovesFollowers ?? false,
    bot: actor.type === 'Service' || actor.type === 'Application',
  };
  if (existing) {
    Object.assign(existing, fields);
    store.accountsByUri.set(existing.url, existing.id);
    return existing;
  }
  const createdAt = actor.published ? Date.parse(actor.published) : store.clock.now();
  const account = newAccountRecord({
    id: store.ids.next(store.clock.now()),
    username: actor.preferredUsername,
    domain,
    uri: actor.id,
    header: `${store.origin}/headers/missing.png`,
    createdAt: Number.isFinite(createdAt) ? createdAt : store.clock.now(),
    ...fields,
  });
  store.accounts.set(account.id, account);
  store.accountsByAcct.set(`${account.username}@${domain}`.toLowerCase(), account.id);
  store.accountsByUri.set(account.uri, account.id);
  store.accountsByUri.set(account.url, account.id);
  ctx.log(`[mastodon] stored remote account ${account.username}@${domain}`);
  return account;
}

export async function resolveActor(ctx: Ctx, actorId: string): Promise<AccountRecord | undefined> {
  const known = lookupUri(ctx, actorId);
  if (known) return known;
  const parsed = actorSchema.safeParse(await ctx.federation.fetchJson(actorId, ACTIVITY_JSON).catch(() => undefined));
  return parsed.success ? storeActor(ctx, parsed.data) : undefined;
}

/** `user@host` (with or without a leading @) through WebFinger, as Mastodon's ResolveAccountService. */
export async function resolveHandle(ctx: Ctx, handle: string): Promise<AccountRecord | undefined> {
  const [user, host] = handle.replace(/^@/, '').split('@');
  if (!user || !host) return undefined;
  const known = ctx.store.accountsByAcct.get(`${user}@${host}`.toLowerCase());
  if (known !== undefined) return ctx.store.accounts.get(known);
  const scheme = /^(127\.|localhost|\[::1\])/.test(host) ? 'http' : 'https';
  const url = `${scheme}://${host}/.well-known/webfinger?resource=${encodeURIComponent(`acct:${user}@${host}`)}`;
  const parsed = webfingerSchema.safeParse(await ctx.federation.fetchJson(url, JRD_JSON).catch(() => undefined));
  const actorUrl = parsed.success ? actorUrlFrom(parsed.data) : undefined;
  return actorUrl === undefined ? undefined : resolveActor(ctx, actorUrl);
}

function visibilityOf(note: Note, author: AccountRecord): Visibility {
  if (note.to.includes(AS_PUBLIC) || note.to.includes('as:Public') || note.to.includes('Public')) return 'public';
  if (note.cc.includes(AS_PUBLIC) || note.cc.includes('as:Public')) return 'unlisted';
  const followers = `${author.uri}/followers`;
  return note.to.some((t) => t === followers || t.endsWith('/followers')) ? 'private' : 'direct';
}

function remoteMedia(ctx: Ctx, note: Note, accountId: string): string[] {
  return note.attachment.slice(0, 4).map((a) => {
    const id = ctx.store.ids.next(ctx.store.clock.now());
    const mime = a.mediaType ?? 'image/jpeg';
    const type: MediaRecord['type'] = mime.startsWith('video/') ? 'video' : mime === 'image/gif' ? 'gifv' : mime.startsWith('image/') ? 'image' : mime.startsWith('audio/') ? 'audio' : 'unknown';
    ctx.store.media.set(id, { id, accountId, type, mime, fileName: 'remote', bytes: null, remoteUrl: a.url, description: a.name ?? null, width: a.width ?? 640, height: a.height ?? 480, focus: { x: 0, y: 0 }, statusId: null });
    return id;
  });
}

/** Store a remote Note (idempotent by its id), fetching its author and, a few levels deep, its parents. */
export async function storeNote(ctx: Ctx, note: Note, depth = 0): Promise<StatusRecord | undefined> {
  const { store } = ctx;
  const knownId = store.statusesByUri.get(note.id);
  if (knownId !== undefined) return store.statuses.get(knownId);
  const author = await resolveActor(ctx, note.attributedTo);
  if (!author || author.domain === null) return undefined;
  let parentId: string | null = null;
  if (note.inReplyTo) {
    let parent = store.statuses.get(store.statusesByUri.get(note.inReplyTo) ?? '');
    if (!parent && depth < MAX_THREAD_FETCH) parent = await fetchStatus(ctx, note.inReplyTo, depth + 1);
    parentId = parent?.id ?? null;
  }
  const again = store.statusesByUri.get(note.id);
  if (again !== undefined) return store.statuses.get(again);
  const published = Date.parse(note.published);
  const createdAt = Number.isFinite(published) ? published : store.clock.now();
  const mentionIds = note.tag.flatMap((t) => (t.type === 'Mention' && t.href ? (lookupUri(ctx, t.href)?.id ?? []) : []));
  const status = newStatusRecord(ctx, {
    accountId: author.id,
    content: sanitizeHtml(note.content),
    text: '',
    spoilerText: note.summary ?? '',
    sensitive: note.sensitive ?? false,
    visibility: visibilityOf(note, author),
    language: null,
    inReplyToId: parentId,
    reblogOfId: null,
    mediaIds: remoteMedia(ctx, note, author.id),
    pollId: null,
    mentionIds: [...new Set(mentionIds)],
    tags: note.tag.flatMap((t) => (t.type === 'Hashtag' && t.name ? [t.name.replace(/^#/, '').toLowerCase()] : [])),
    emojis: [],
    createdAt,
    uri: note.id,
    url: note.url ?? note.id,
  });
  const parentAuthor = status.inReplyToAccountId === null ? undefined : store.accounts.get(status.inReplyToAccountId);
  const localParentAuthor = parentAuthor && parentAuthor.domain === null ? parentAuthor.id : undefined;
  // A reply from someone the local author does not follow reaches them as a notification only,
  // as on Mastodon (FanOutOnWriteService fans out to followers).
  insertStatus(ctx, status);
  if (localParentAuthor !== undefined && !status.mentionIds.includes(localParentAuthor)) notify(ctx, 'mention', localParentAuthor, author.id, status.id);
  return status;
}

/** GET a URL as ActivityPub and store what it is (Note or actor). */
export async function fetchObject(ctx: Ctx, url: string, depth = 0): Promise<{ status?: StatusRecord; account?: AccountRecord }> {
  const body = await ctx.federation.fetchJson(url, ACTIVITY_JSON).catch(() => undefined);
  const note = noteSchema.safeParse(body);
  if (note.success) {
    const status = await storeNote(ctx, note.data, depth);
    if (status && url !== status.uri) ctx.store.statusesByUri.set(url, status.id);
    return status ? { status } : {};
  }
  const actor = actorSchema.safeParse(body);
  return actor.success ? { account: storeActor(ctx, actor.data) } : {};
}

async function fetchStatus(ctx: Ctx, url: string, depth: number): Promise<StatusRecord | undefined> {
  return (await fetchObject(ctx, url, depth)).status;
}

export async function findOrFetchStatus(ctx: Ctx, uri: string): Promise<StatusRecord | undefined> {
  const known = ctx.store.statusesByUri.get(uri);
  return known !== undefined ? ctx.store.statuses.get(known) : fetchStatus(ctx, uri, 0);
}

/** Apply one inbox delivery. */
export async function receive(ctx: Ctx, body: unknown): Promise<void> {
  const parsed = activitySchema.safeParse(body);
  if (!parsed.success) return;
  const activity = parsed.data;
  const { store } = ctx;
  const actor = await resolveActor(ctx, activity.actor);
  if (!actor || actor.domain === null) return;
  ctx.log(`[mastodon] inbox ${activity.type} from ${actor.username}@${actor.domain}`);
  const statusFor = (uri: string): StatusRecord | undefined => store.statuses.get(store.statusesByUri.get(uri) ?? '');
  switch (activity.type) {
    case 'Create':
      if (activity.object.attributedTo === actor.uri) await storeNote(ctx, activity.object);
      return;
    case 'Update': {
      const object = activity.object;
      if (object.type === 'Note') {
        const status = statusFor(object.id);
        if (status && status.accountId === actor.id)
          editStatus(ctx, status, { content: sanitizeHtml(object.content), text: '', spoilerText: object.summary ?? '', editedAt: Date.parse(object.updated ?? '') || store.clock.now() });
      } else if (object.id === actor.uri) storeActor(ctx, object);
      return;
    }
    case 'Delete': {
      const status = statusFor(activity.object);
      if (status && status.accountId === actor.id) removeStatus(ctx, status, false);
      return;
    }
    case 'Follow': {
      const target = lookupUri(ctx, activity.object);
      if (target && target.domain === null) follow(ctx, actor.id, target.id, { activityId: activity.id });
      return;
    }
    case 'Accept':
      return;
    case 'Reject': {
      const local = typeof activity.object === 'string' ? undefined : lookupUri(ctx, activity.object.actor);
      if (local) {
        local.followActivities.delete(actor.id);
        unfollow(ctx, local.id, actor.id);
      }
      return;
    }
    case 'Like': {
      const status = statusFor(activity.object);
      if (status) favourite(ctx, actor.id, status, activity.id);
      return;
    }
    case 'Announce': {
      const status = await findOrFetchStatus(ctx, activity.object);
      if (status && (status.visibility === 'public' || status.visibility === 'unlisted')) {
        const published = Date.parse(activity.published ?? '');
        reblog(ctx, actor.id, status, { uri: activity.id, ...(Number.isFinite(published) ? { createdAt: published } : {}) });
      }
      return;
    }
    case 'Undo': {
      const inner = activity.object;
      if (inner.type === 'Follow') {
        const target = lookupUri(ctx, inner.object);
        if (target) unfollow(ctx, actor.id, target.id);
      } else if (inner.type === 'Like') {
        const status = statusFor(inner.object);
        if (status) unfavourite(ctx, actor.id, status);
      } else {
        const reblogStatus = statusFor(inner.id);
        if (reblogStatus && reblogStatus.accountId === actor.id) removeStatus(ctx, reblogStatus, false);
      }
      return;
    }
  }
}
