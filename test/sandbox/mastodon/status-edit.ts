/**
 * PUT /api/v1/statuses/:id (https://docs.joinmastodon.org/methods/statuses/#edit) with
 * UpdateStatusService's semantics: the request replaces the whole post, so a parameter left out
 * clears it (no spoiler_text → no content warning, no media_ids → no media, no poll → no poll);
 * `media_attributes[]` edits alt text and focus of attached media; an edit that changes nothing
 * is answered with the status as it was, without a new history entry or `edited_at`.
 */
import { ApiError, notAllowed, type Ctx } from './context.ts';
import { createPoll, LIMITS, validatePoll } from './compose.ts';
import type { PollRecord, StatusRecord } from './model.ts';
import { bool, int, obj, str, strArray, type Params } from './api-support.ts';
import { editStatus, requireText } from './statuses.ts';
import { countCharacters } from './text.ts';
import { entitiesFor } from './visibility.ts';

export interface PollInput {
  options: string[];
  expiresIn: number;
  multiple: boolean;
}

export function pollParam(p: Params): PollInput | null {
  const poll = obj(p, 'poll');
  const options = strArray(poll, 'options');
  if (options.length === 0) return null;
  return { options, expiresIn: int(poll, 'expires_in') ?? 86_400, multiple: bool(poll, 'multiple') ?? false };
}

/** Does the requested poll differ from the current one (which would reset its votes)? */
function pollChanged(current: PollRecord | undefined, wanted: PollInput | null, now: number): boolean {
  if (!current || !wanted) return (current === undefined) !== (wanted === null);
  const sameExpiry = current.expiresAt !== null && Math.abs(current.expiresAt - (now + wanted.expiresIn * 1000)) < 1000;
  return current.multiple !== wanted.multiple || current.options.join('\n') !== wanted.options.join('\n') || !sameExpiry;
}

function applyMediaAttributes(ctx: Ctx, accountId: string, mediaIds: string[], p: Params): boolean {
  const list = Array.isArray(p.media_attributes) ? (p.media_attributes as unknown[]) : [];
  let changed = false;
  for (const item of list) {
    if (typeof item !== 'object' || item === null) continue;
    const attrs = item as Params;
    const media = ctx.store.media.get(str(attrs, 'id') ?? '');
    if (!media || media.accountId !== accountId || !mediaIds.includes(media.id)) continue;
    const description = str(attrs, 'description');
    if (description !== undefined && [...description].length > 1500) throw new ApiError(422, 'Validation failed: Description is too long (maximum is 1500 characters)');
    if (description !== undefined && description !== media.description) {
      media.description = description;
      changed = true;
    }
  }
  return changed;
}

export function editFromParams(ctx: Ctx, status: StatusRecord, accountId: string, p: Params): void {
  const { store } = ctx;
  // StatusPolicy#update?: only the author's own posts, never a boost.
  if (status.reblogOfId !== null) throw notAllowed();
  const text = str(p, 'status') ?? '';
  const spoilerText = str(p, 'spoiler_text') ?? '';
  const mediaIds = strArray(p, 'media_ids');
  const poll = pollParam(p);
  const sensitive = (bool(p, 'sensitive') ?? false) || spoilerText !== '';
  if (mediaIds.length > LIMITS.maxMediaAttachments || (poll && mediaIds.length > 0)) throw new ApiError(422, `Cannot attach more than ${LIMITS.maxMediaAttachments} files`);
  for (const id of mediaIds) {
    const media = store.media.get(id);
    if (!media || media.accountId !== accountId || (media.statusId !== null && media.statusId !== status.id))
      throw new ApiError(422, 'Validation failed: Media attachments are invalid');
  }
  requireText(text, mediaIds.length > 0, poll !== null, LIMITS.maxCharacters, countCharacters(text) + [...spoilerText].length);
  const now = store.clock.now();
  const currentPoll = status.pollId === null ? undefined : store.polls.get(status.pollId);
  const newPoll = pollChanged(currentPoll, poll, now);
  if (poll && newPoll) validatePoll(poll, false);
  const attributesChanged = applyMediaAttributes(ctx, accountId, mediaIds, p);
  const mediaChanged = attributesChanged || mediaIds.join(',') !== status.mediaIds.join(',');
  const changed = text !== status.text || spoilerText !== status.spoilerText || sensitive !== status.sensitive || mediaChanged || newPoll;
  if (!changed) return;
  if (newPoll) status.pollId = poll ? createPoll(ctx, status.id, poll, now).id : null;
  const entities = entitiesFor(ctx, text);
  editStatus(ctx, status, { content: entities.content, text, spoilerText, sensitive, mediaIds, editedAt: now, entities });
}
