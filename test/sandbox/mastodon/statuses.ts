/**
 * Creating, editing and deleting statuses, local or remote: one code path that files them into
 * timelines, notifies, streams and federates, whether the API, the admin or the inbox asked.
 * Fan-out follows Mastodon's FanOutOnWriteService / FeedManager rules.
 */
import { ApiError, type Ctx } from './context.ts';
import type { entitiesFor } from './visibility.ts';
import { statusJson } from './entities.ts';
import { federateCreate, federateDelete, federateUpdate } from './federation-out.ts';
import { SortedIds } from '../core/sorted-ids.ts';
import type { AccountRecord, StatusRecord } from './model.ts';
import { notify } from './notify.ts';

/** What a new status is made of; ids, counts and indexes are filled in by newStatusRecord. */
export type StatusDraft = Pick<
  StatusRecord,
  'accountId' | 'content' | 'text' | 'spoilerText' | 'sensitive' | 'visibility' | 'language' | 'inReplyToId' | 'reblogOfId' | 'mediaIds' | 'pollId' | 'mentionIds' | 'tags' | 'emojis' | 'createdAt'
> & {
  /** Remote statuses bring their own ids; local ones are derived from the new id. */
  uri?: string;
  url?: string | null;
  application?: StatusRecord['application'];
  id?: string;
};

export function newStatusRecord(ctx: Ctx, draft: StatusDraft): StatusRecord {
  const { store } = ctx;
  const account = store.accounts.get(draft.accountId) as AccountRecord;
  const id = draft.id ?? store.ids.next(draft.createdAt);
  const parent = draft.inReplyToId === null ? undefined : store.statuses.get(draft.inReplyToId);
  const local = account.domain === null;
  const uri = draft.uri ?? (draft.reblogOfId === null ? `${account.uri}/statuses/${id}` : `${account.uri}/statuses/${id}/activity`);
  return {
    id,
    accountId: account.id,
    createdAt: draft.createdAt,
    editedAt: null,
    text: draft.text,
    content: draft.content,
    spoilerText: draft.spoilerText,
    sensitive: draft.sensitive,
    visibility: draft.visibility,
    language: draft.language,
    inReplyToId: parent ? parent.id : null,
    inReplyToAccountId: parent ? parent.accountId : null,
    reblogOfId: draft.reblogOfId,
    mediaIds: draft.mediaIds,
    pollId: draft.pollId,
    mentionIds: draft.mentionIds,
    tags: draft.tags,
    emojis: draft.emojis,
    uri,
    url: draft.url !== undefined ? draft.url : draft.reblogOfId === null ? `${account.url}/${id}` : null,
    local,
    favourites: new Map(),
    favouriteOrder: new SortedIds(),
    favouritedBy: new Map(),
    reblogs: new Map(),
    reblogOrder: new SortedIds(),
    replies: new SortedIds(),
    history: [],
    application: draft.application ?? (local && draft.reblogOfId === null ? { name: 'Web', website: null } : null),
  };
}

/** Mastodon's home-feed filter for replies (FeedManager#filter_from_home?). */
function homeAccepts(ctx: Ctx, status: StatusRecord, receiverId: string): boolean {
  const receiver = ctx.store.accounts.get(receiverId);
  if (!receiver || receiver.domain !== null) return false;
  if (status.reblogOfId !== null) {
    const original = ctx.store.statuses.get(status.reblogOfId);
    return original !== undefined && original.accountId !== receiverId;
  }
  const replyTo = status.inReplyToAccountId;
  // No exception for being mentioned: such replies reach the receiver as notifications only.
  if (replyTo === null || replyTo === status.accountId || replyTo === receiverId) return true;
  return receiver.following.has(replyTo);
}

function setMediaStatus(ctx: Ctx, mediaId: string, statusId: string | null): void {
  const media = ctx.store.media.get(mediaId);
  if (media) media.statusId = statusId;
}

/** File a new status everywhere it belongs. Used for local, remote and seeded statuses alike. */
export function insertStatus(ctx: Ctx, status: StatusRecord): void {
  const { store } = ctx;
  const author = store.accounts.get(status.accountId) as AccountRecord;
  store.statuses.set(status.id, status);
  store.statusesByUri.set(status.uri, status.id);
  if (status.url !== null && !status.local) store.statusesByUri.set(status.url, status.id);
  if (!status.local) store.remoteStatusCount += 1;
  author.statuses.insert(status.id);
  author.statusesCount += 1;
  author.lastStatusAt = Math.max(author.lastStatusAt ?? 0, status.createdAt);
  for (const id of status.mediaIds) setMediaStatus(ctx, id, status.id);
  const parent = status.inReplyToId === null ? undefined : store.statuses.get(status.inReplyToId);
  parent?.replies.insert(status.id);
  const original = status.reblogOfId === null ? undefined : store.statuses.get(status.reblogOfId);
  if (original) {
    original.reblogs.set(status.accountId, status.id);
    original.reblogOrder.insert(status.id);
  }

  const isPublic = status.visibility === 'public' && original === undefined;
  const replyToOther = status.inReplyToAccountId !== null && status.inReplyToAccountId !== status.accountId;
  if (isPublic && !replyToOther) {
    store.publicAll.insert(status.id);
    (status.local ? store.publicLocal : store.publicRemote).insert(status.id);
  }
  if (isPublic) {
    for (const tag of status.tags) {
      let timeline = store.tagTimelines.get(tag);
      if (!timeline) store.tagTimelines.set(tag, (timeline = new SortedIds()));
      timeline.insert(status.id);
    }
  }

  const receivers = new Set<string>();
  if (author.domain === null) receivers.add(author.id);
  // FanOutOnWriteService: public, unlisted and private go to every follower; direct only to
  // the mentioned accounts that follow the author (the others see it in notifications).
  if (status.visibility !== 'direct') for (const id of author.followers) receivers.add(id);
  else for (const id of status.mentionIds) if (author.followers.has(id)) receivers.add(id);
  for (const id of receivers) {
    if (!homeAccepts(ctx, status, id)) continue;
    const receiver = store.accounts.get(id);
    if (!receiver || receiver.domain !== null) continue;
    receiver.home.insert(status.id);
    ctx.streams.toUser(id, 'update', () => statusJson(store, status, id));
  }
  if (isPublic && !replyToOther) ctx.streams.toPublic(status, 'update');

  if (original) notify(ctx, 'reblog', original.accountId, status.accountId, original.id);
  else {
    for (const id of status.mentionIds) notify(ctx, 'mention', id, status.accountId, status.id);
    if (status.visibility !== 'direct' && status.inReplyToId === null)
      for (const id of author.followers) if (store.accounts.get(id)?.notifyOn.has(author.id)) notify(ctx, 'status', id, author.id, status.id);
  }
  if (original === undefined) federateCreate(ctx, status);
}

export function editStatus(ctx: Ctx, status: StatusRecord, patch: { content: string; text: string; spoilerText: string; sensitive?: boolean; mediaIds?: string[]; editedAt: number; entities?: ReturnType<typeof entitiesFor> }): void {
  const { store } = ctx;
  if (status.history.length === 0)
    status.history.push({ content: status.content, spoilerText: status.spoilerText, sensitive: status.sensitive, createdAt: status.createdAt, mediaIds: status.mediaIds });
  status.content = patch.content;
  status.text = patch.text;
  status.spoilerText = patch.spoilerText;
  if (patch.sensitive !== undefined) status.sensitive = patch.sensitive;
  if (patch.mediaIds !== undefined) {
    for (const id of status.mediaIds) if (!patch.mediaIds.includes(id)) setMediaStatus(ctx, id, null);
    for (const id of patch.mediaIds) setMediaStatus(ctx, id, status.id);
    status.mediaIds = patch.mediaIds;
  }
  if (patch.entities) {
    status.mentionIds = patch.entities.mentionIds;
    status.tags = patch.entities.tags;
    status.emojis = patch.entities.emojis;
  }
  status.editedAt = patch.editedAt;
  status.history.push({ content: status.content, spoilerText: status.spoilerText, sensitive: status.sensitive, createdAt: patch.editedAt, mediaIds: status.mediaIds });
  for (const account of store.accounts.values()) {
    if (account.domain === null && account.home.has(status.id)) ctx.streams.toUser(account.id, 'status.update', () => statusJson(store, status, account.id));
  }
  if (store.publicAll.has(status.id)) ctx.streams.toPublic(status, 'status.update');
  for (const [rebloggerId] of status.reblogs) notify(ctx, 'update', rebloggerId, status.accountId, status.id);
  federateUpdate(ctx, status);
}

/** Remove a status (and the reblogs of it) from everything; the caller has checked permission. */
export function removeStatus(ctx: Ctx, status: StatusRecord, federate = true): void {
  const { store } = ctx;
  if (!store.statuses.has(status.id)) return;
  for (const reblogId of [...status.reblogs.values()]) {
    const reblog = store.statuses.get(reblogId);
    if (reblog) removeStatus(ctx, reblog, false);
  }
  const author = store.accounts.get(status.accountId) as AccountRecord;
  store.statuses.delete(status.id);
  store.statusesByUri.delete(status.uri);
  if (status.url !== null) store.statusesByUri.delete(status.url);
  if (!status.local) store.remoteStatusCount -= 1;
  // Delete & redraft: the media are freed so the client can attach them to the new post.
  for (const id of status.mediaIds) setMediaStatus(ctx, id, null);
  author.statuses.remove(status.id);
  author.pinned.remove(status.id);
  author.statusesCount = Math.max(0, author.statusesCount - 1);
  store.publicAll.remove(status.id);
  store.publicLocal.remove(status.id);
  store.publicRemote.remove(status.id);
  for (const tag of status.tags) store.tagTimelines.get(tag)?.remove(status.id);
  const parent = status.inReplyToId === null ? undefined : store.statuses.get(status.inReplyToId);
  parent?.replies.remove(status.id);
  const original = status.reblogOfId === null ? undefined : store.statuses.get(status.reblogOfId);
  if (original) {
    original.reblogs.delete(status.accountId);
    original.reblogOrder.remove(status.id);
  }
  // Homes and notifications skip ids that no longer resolve; tidy the homes it can be in now,
  // and tell exactly those users' streams (FeedManager#unpush_from_home).
  const homeOwners = [author.id, ...author.followers, ...status.mentionIds].filter((id) => store.accounts.get(id)?.home.remove(status.id) === true);
  ctx.streams.deleted(status, [...new Set(homeOwners)]);
  if (federate) federateDelete(ctx, status);
}

export function requireText(text: string, hasMedia: boolean, hasPoll: boolean, maxCharacters: number, count: number): void {
  if (text.trim() === '' && !hasMedia && !hasPoll) throw new ApiError(422, "Validation failed: Text can't be blank");
  if (count > maxCharacters) throw new ApiError(422, `Validation failed: Text character limit of ${maxCharacters} exceeded`);
}
