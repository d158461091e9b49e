/**
 * Posting as a local account (POST /api/v1/statuses and the admin's createStatus): validation
 * with Mastodon's messages and limits, polls, media, then the shared insert path.
 */
import { ApiError, type Ctx } from './context.ts';
import type { PollRecord, StatusRecord, Visibility } from './model.ts';
import { insertStatus, newStatusRecord, requireText } from './statuses.ts';
import { countCharacters } from './text.ts';
import { canSee, entitiesFor } from './visibility.ts';

/** The limits /api/v2/instance advertises (https://docs.joinmastodon.org/entities/Instance/). */
export const LIMITS = {
  maxCharacters: 500,
  maxMediaAttachments: 4,
  charactersReservedPerUrl: 23,
  poll: { maxOptions: 4, maxCharactersPerOption: 50, minExpiration: 300, maxExpiration: 2_629_746 },
};

export interface ComposeInput {
  text: string;
  spoilerText?: string;
  sensitive?: boolean;
  visibility?: Visibility;
  inReplyToId?: string | null;
  mediaIds?: string[];
  poll?: { options: string[]; expiresIn: number; multiple?: boolean } | null;
  language?: string | null;
  createdAt?: number;
  application?: StatusRecord['application'];
  /** Seeding: skip the expiry range check, which is about "from now". */
  trusted?: boolean;
}

export function compose(ctx: Ctx, accountId: string, input: ComposeInput): StatusRecord {
  const { store } = ctx;
  const createdAt = input.createdAt ?? store.clock.now();
  const mediaIds = input.mediaIds ?? [];
  requireText(input.text, mediaIds.length > 0, (input.poll !== null && input.poll !== undefined), LIMITS.maxCharacters, countCharacters(input.text) + [...(input.spoilerText ?? '')].length);
  if (mediaIds.length > LIMITS.maxMediaAttachments) throw new ApiError(422, `Cannot attach more than ${LIMITS.maxMediaAttachments} files`);
  for (const id of mediaIds) {
    const media = store.media.get(id);
    if (!media || media.accountId !== accountId) throw new ApiError(422, 'Validation failed: Media attachments are invalid');
    if (media.statusId !== null) throw new ApiError(422, 'Validation failed: Media attachments are already attached to a post');
  }
  if (input.poll && mediaIds.length > 0) throw new ApiError(422, 'Cannot attach files to a post with a poll');
  let parentId: string | null = null;
  if (input.inReplyToId) {
    const parent = store.statuses.get(input.inReplyToId);
    // Api::V1::StatusesController#set_thread: its own message, still a 404.
    if (!parent || !canSee(store, parent, accountId) || parent.reblogOfId !== null) throw new ApiError(404, 'The post you are trying to reply to does not appear to exist.');
    parentId = parent.id;
  }
  const poll = input.poll ? validatePoll(input.poll, input.trusted === true) : undefined;
  const entities = entitiesFor(ctx, input.text);
  const status = newStatusRecord(ctx, {
    accountId,
    ...entities,
    text: input.text,
    spoilerText: input.spoilerText ?? '',
    // PostStatusService: a content warning always makes the post sensitive.
    sensitive: (input.sensitive ?? false) || (input.spoilerText ?? '') !== '',
    visibility: input.visibility ?? 'public',
    language: input.language ?? 'en',
    inReplyToId: parentId,
    reblogOfId: null,
    mediaIds,
    pollId: null,
    createdAt,
    ...(input.application === undefined ? {} : { application: input.application }),
  });
  if (poll) status.pollId = createPoll(ctx, status.id, poll, createdAt).id;
  insertStatus(ctx, status);
  return status;
}

/** A new poll for a status (posting, or an edit that changed the poll), queued to close. */
export function createPoll(ctx: Ctx, statusId: string, poll: NonNullable<ComposeInput['poll']>, createdAt: number): PollRecord {
  const record: PollRecord = {
    id: ctx.store.ids.next(createdAt),
    statusId,
    options: poll.options,
    votes: poll.options.map(() => 0),
    multiple: poll.multiple ?? false,
    expiresAt: createdAt + poll.expiresIn * 1000,
    voters: new Map(),
    notified: false,
  };
  ctx.store.polls.set(record.id, record);
  queuePoll(ctx, record);
  return record;
}

export function validatePoll(poll: NonNullable<ComposeInput['poll']>, trusted: boolean): NonNullable<ComposeInput['poll']> {
  const { maxOptions, maxCharactersPerOption, minExpiration, maxExpiration } = LIMITS.poll;
  if (poll.options.length < 2) throw new ApiError(422, 'Validation failed: Poll must have at least 2 options');
  if (poll.options.length > maxOptions) throw new ApiError(422, `Validation failed: Poll cannot contain more than ${maxOptions} options`);
  if (poll.options.some((o) => o.trim() === '' || [...o].length > maxCharactersPerOption))
    throw new ApiError(422, `Validation failed: Poll options cannot be blank or longer than ${maxCharactersPerOption} characters`);
  if (!Number.isFinite(poll.expiresIn) || (!trusted && (poll.expiresIn < minExpiration || poll.expiresIn > maxExpiration)))
    throw new ApiError(422, 'Validation failed: Poll expiration is out of range');
  return poll;
}

function queuePoll(ctx: Ctx, poll: PollRecord): void {
  if (poll.expiresAt === null) return;
  const queue = ctx.store.pollQueue;
  let lo = 0;
  let hi = queue.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((queue[mid] as { at: number }).at <= poll.expiresAt) lo = mid + 1;
    else hi = mid;
  }
  queue.splice(lo, 0, { at: poll.expiresAt, id: poll.id });
}

/** Poll ids whose expiry has passed, removed from the queue. */
export function takeDuePolls(ctx: Ctx): string[] {
  const queue = ctx.store.pollQueue;
  const now = ctx.store.clock.now();
  let n = 0;
  while (n < queue.length && (queue[n] as { at: number }).at <= now) n += 1;
  return n === 0 ? [] : queue.splice(0, n).map((entry) => entry.id);
}
