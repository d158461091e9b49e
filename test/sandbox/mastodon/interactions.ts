/**
 * Favourites, reblogs, follows and poll votes. Local ones that touch a remote account are
 * delivered to it (Like / Announce / Follow and their Undo), per the federation agreement.
 */
import type { ActivityInput } from '../federation/activities.ts';
import { ApiError, notAllowed, type Ctx } from './context.ts';
import { activityId, deliverTo } from './federation-out.ts';
import type { AccountRecord, StatusRecord } from './model.ts';
import { notify } from './notify.ts';
import { insertStatus, newStatusRecord, removeStatus } from './statuses.ts';

const local = (account: AccountRecord | undefined): boolean => account !== undefined && account.domain === null;

/** The remote author of a status, when there is one to tell. */
function remoteAuthor(ctx: Ctx, status: StatusRecord): AccountRecord | undefined {
  const author = ctx.store.accounts.get(status.accountId);
  return author && author.domain !== null ? author : undefined;
}

export function favourite(ctx: Ctx, accountId: string, status: StatusRecord, activity?: string): void {
  const { store } = ctx;
  if (status.favouritedBy.has(accountId)) return;
  const favId = store.ids.next(store.clock.now());
  status.favourites.set(favId, accountId);
  status.favouritedBy.set(accountId, favId);
  status.favouriteOrder.insert(favId);
  notify(ctx, 'favourite', status.accountId, accountId, status.id);
  const actor = store.accounts.get(accountId) as AccountRecord;
  if (activity !== undefined) store.remoteActivities.set(activity, { kind: 'like', accountId, statusId: status.id });
  const target = remoteAuthor(ctx, status);
  if (local(actor) && target) deliverTo(ctx, [target], { id: `${actor.uri}#likes/${favId}`, type: 'Like', actor: actor.uri, object: status.uri }, false);
}

export function unfavourite(ctx: Ctx, accountId: string, status: StatusRecord): void {
  const favId = status.favouritedBy.get(accountId);
  if (favId === undefined) return;
  status.favouritedBy.delete(accountId);
  status.favourites.delete(favId);
  status.favouriteOrder.remove(favId);
  const actor = ctx.store.accounts.get(accountId) as AccountRecord;
  const target = remoteAuthor(ctx, status);
  if (local(actor) && target) {
    const like = { id: `${actor.uri}#likes/${favId}`, type: 'Like' as const, actor: actor.uri, object: status.uri };
    deliverTo(ctx, [target], { id: activityId(ctx.store, actor, 'undo'), type: 'Undo', actor: actor.uri, object: like }, false);
  }
}

/** Returns the reblog status (the existing one when already reblogged, as Mastodon does). */
export function reblog(ctx: Ctx, accountId: string, target: StatusRecord, options: { createdAt?: number; uri?: string; visibility?: StatusRecord['visibility'] } = {}): StatusRecord {
  const { store } = ctx;
  const original = target.reblogOfId === null ? target : (store.statuses.get(target.reblogOfId) ?? target);
  const existing = original.reblogs.get(accountId);
  if (existing !== undefined) return store.statuses.get(existing) as StatusRecord;
  // StatusPolicy#reblog?: never a direct post; a followers-only one only by its author, and
  // ReblogService then keeps the boost followers-only too.
  if (original.visibility === 'direct' || (original.visibility === 'private' && original.accountId !== accountId)) throw notAllowed();
  const visibility = original.visibility === 'private' ? 'private' : (options.visibility ?? 'public');
  const record = newStatusRecord(ctx, {
    accountId,
    content: '',
    text: '',
    spoilerText: '',
    sensitive: false,
    visibility,
    language: null,
    inReplyToId: null,
    reblogOfId: original.id,
    mediaIds: [],
    pollId: null,
    mentionIds: [],
    tags: [],
    emojis: [],
    createdAt: options.createdAt ?? store.clock.now(),
    ...(options.uri === undefined ? {} : { uri: options.uri }),
  });
  insertStatus(ctx, record);
  const actor = store.accounts.get(accountId) as AccountRecord;
  const author = remoteAuthor(ctx, original);
  if (local(actor) && author) {
    const followers = [...actor.followers].map((id) => store.accounts.get(id));
    deliverTo(ctx, [author], { id: record.uri, type: 'Announce', actor: actor.uri, object: original.uri, to: ['https://www.w3.org/ns/activitystreams#Public'], cc: [author.uri] }, false);
    deliverTo(ctx, followers.filter((f) => f !== author), { id: record.uri, type: 'Announce', actor: actor.uri, object: original.uri });
  }
  return record;
}

export function unreblog(ctx: Ctx, accountId: string, target: StatusRecord): StatusRecord {
  const { store } = ctx;
  const original = target.reblogOfId === null ? target : (store.statuses.get(target.reblogOfId) ?? target);
  const reblogId = original.reblogs.get(accountId);
  const record = reblogId === undefined ? undefined : store.statuses.get(reblogId);
  if (!record) return original;
  removeStatus(ctx, record, false);
  const actor = store.accounts.get(accountId) as AccountRecord;
  const author = remoteAuthor(ctx, original);
  if (local(actor) && author) {
    const announce = { id: record.uri, type: 'Announce' as const, actor: actor.uri, object: original.uri };
    deliverTo(ctx, [author], { id: activityId(store, actor, 'undo'), type: 'Undo', actor: actor.uri, object: announce }, false);
  }
  return original;
}

/** Mastodon merges the followee's recent posts into the home feed (FeedManager#merge_into_home). */
const MERGE_ON_FOLLOW = 200;

export function follow(ctx: Ctx, followerId: string, targetId: string, options: { notify?: boolean; activityId?: string } = {}): void {
  const { store } = ctx;
  const follower = store.accounts.get(followerId);
  const target = store.accounts.get(targetId);
  if (!follower || !target) throw new ApiError(404, 'Record not found');
  if (followerId === targetId) throw notAllowed();
  if (options.notify === true) follower.notifyOn.add(targetId);
  if (options.notify === false) follower.notifyOn.delete(targetId);
  if (follower.following.has(targetId)) return;
  follower.following.add(targetId);
  target.followers.add(followerId);
  if (local(follower)) for (const id of target.statuses.newest(MERGE_ON_FOLLOW)) {
    const status = store.statuses.get(id);
    if (status && status.visibility !== 'direct' && (status.inReplyToAccountId === null || status.inReplyToAccountId === targetId)) follower.home.insert(id);
  }
  notify(ctx, 'follow', targetId, followerId, null);
  if (local(follower) && !local(target)) {
    const id = activityId(store, follower, 'follows');
    follower.followActivities.set(targetId, id);
    deliverTo(ctx, [target], { id, type: 'Follow', actor: follower.uri, object: target.uri }, false);
  }
  if (!local(follower) && local(target) && options.activityId !== undefined) {
    const accept = { id: activityId(store, target, 'accepts'), type: 'Accept' as const, actor: target.uri, object: { id: options.activityId, type: 'Follow' as const, actor: follower.uri, object: target.uri } };
    deliverTo(ctx, [follower], accept, false);
  }
}

export function unfollow(ctx: Ctx, followerId: string, targetId: string): void {
  const { store } = ctx;
  const follower = store.accounts.get(followerId);
  const target = store.accounts.get(targetId);
  if (!follower || !target || !follower.following.has(targetId)) return;
  follower.following.delete(targetId);
  follower.notifyOn.delete(targetId);
  target.followers.delete(followerId);
  if (local(follower)) for (const id of target.statuses.all()) follower.home.remove(id);
  const followId = follower.followActivities.get(targetId);
  if (local(follower) && !local(target) && followId !== undefined) {
    follower.followActivities.delete(targetId);
    const undo: ActivityInput = { id: activityId(store, follower, 'undo'), type: 'Undo', actor: follower.uri, object: { id: followId, type: 'Follow', actor: follower.uri, object: target.uri } };
    deliverTo(ctx, [target], undo, false);
  }
}

export function vote(ctx: Ctx, accountId: string, status: StatusRecord, choices: number[]): void {
  const poll = status.pollId === null ? undefined : ctx.store.polls.get(status.pollId);
  if (!poll) throw new ApiError(404, 'Record not found');
  if (poll.expiresAt !== null && poll.expiresAt <= ctx.store.clock.now()) throw new ApiError(422, 'Validation failed: The poll has already ended');
  if (poll.voters.has(accountId)) throw new ApiError(422, 'Validation failed: You have already voted on this poll');
  const unique = [...new Set(choices)];
  if (unique.length === 0 || unique.some((c) => !Number.isInteger(c) || c < 0 || c >= poll.options.length))
    throw new ApiError(422, 'Validation failed: Choice is not a valid option');
  if (!poll.multiple && unique.length > 1) throw new ApiError(422, 'Validation failed: You can only choose one option');
  for (const c of unique) poll.votes[c] = (poll.votes[c] ?? 0) + 1;
  poll.voters.set(accountId, unique);
}

/** Poll-ended notifications are due once the sandbox clock passes expires_at; checked on each request. */
export function closeDuePolls(ctx: Ctx, due: string[]): void {
  for (const pollId of due) {
    const poll = ctx.store.polls.get(pollId);
    const status = poll ? ctx.store.statuses.get(poll.statusId) : undefined;
    if (!poll || !status || poll.notified) continue;
    poll.notified = true;
    for (const voterId of poll.voters.keys()) notify(ctx, 'poll', voterId, status.accountId, status.id);
    const author = ctx.store.accounts.get(status.accountId);
    if (author && author.domain === null) {
      // Mastodon tells the author too; notify() skips self-notifications, so record it directly.
      const createdAt = ctx.store.clock.now();
      const id = ctx.store.ids.next(createdAt);
      const record = { id, type: 'poll' as const, recipientId: author.id, fromId: author.id, statusId: status.id, createdAt };
      ctx.store.notifications.set(id, record);
      author.notifications.insert(id);
    }
  }
}
