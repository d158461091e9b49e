/**
 * The Threads side of a card's interactions, read with the linked Threads account whose copy is
 * on the card (docs/threads-api.md):
 * - replies: `/{id}/conversation`, every level, paged with `after`, with Braid's extension fields
 *   (`is_from_fediverse`, `fediverse_author`, `activitypub_id` …) where the server offers them;
 *   graph.threads.net refuses them as "nonexisting field", so Braid asks again without;
 * - counts: `/{id}/insights` (+ the `fediverse_*` metrics where offered). Meta answers insights
 *   only for the user's own posts; for others the counts stay unknown;
 * - likers: the `braid_likes` extension (absent on graph.threads.net: no list);
 * - the user's own repost, from the first page of `/me/threads`.
 * And acting: like/unlike (`braid_like`), repost (`POST /{id}/repost`), unrepost (deleting the
 * repost, where the server allows it).
 */
import { BraidError } from '@shared/errors';
import type { Interactor, PostAction } from '@shared/interactions';
import type { Post } from '@shared/timeline';
import type { Logger } from '../log';
import { asRecord } from '../net/http';
import { NormalizeError } from '../timeline/normalize-error';
import { normalizeThreadsMedia } from '../timeline/normalize-threads';
import type { NormalizeContext } from '../timeline/types';
import { NO_THREADS_COUNTS, type ThreadsCounts } from './counts';
import { readThreadsLiker } from './people';
import { ThreadsRefusal, type ThreadsApi } from './threads-api';

const REPLY_FIELDS = [
  'id', 'media_type', 'media_url', 'permalink', 'owner', 'username', 'text', 'timestamp', 'shortcode', 'thumbnail_url',
  'children{id,media_type,media_url,thumbnail_url,alt_text}', 'is_quote_post', 'quoted_post', 'alt_text', 'link_attachment_url',
  'topic_tag', 'poll_attachment', 'is_reply', 'replied_to', 'root_post', 'hide_status',
].join(',');
const EXTENSION_FIELDS = 'is_shared_to_fediverse,activitypub_id,is_from_fediverse,fediverse_author';
const METRICS = 'likes,replies,reposts,quotes';
const FEDIVERSE_METRICS = 'fediverse_likes,fediverse_replies,fediverse_reposts';
const METRIC_KEYS: Readonly<Record<string, keyof ThreadsCounts>> = {
  likes: 'likes', replies: 'replies', reposts: 'reposts', quotes: 'quotes',
  fediverse_likes: 'fediverseLikes', fediverse_replies: 'fediverseReplies', fediverse_reposts: 'fediverseReposts',
};
/** 1,000 replies: more than any view shows at once, and a bound on the requests one load makes. */
const MAX_REPLY_PAGES = 10;

export interface ThreadsSideData {
  rootId: string;
  replies: Post[];
  /** From insights; null parts where the server did not say. */
  insights: ThreadsCounts;
  /** The likes extension's own totals (used where insights say nothing). */
  likeSummary: { threads: number | null; fediverse: number | null };
  likedBy: Interactor[];
  likedMore: boolean;
  liked: boolean | null;
  reposted: boolean | null;
  /** The conversation was read to its end. */
  complete: boolean;
  /** Replies came with the extension fields, so Fediverse replies are marked as such. */
  extension: boolean;
}

export interface ThreadsSideRequest {
  api: ThreadsApi;
  /** The account's id on the Threads server (to find its own like). */
  viewerRemoteId: string;
  rootId: string;
  normalize: NormalizeContext;
  /** What each server offers, remembered across loads: `<host>|fields`, `<host>|metrics`. */
  offers: Map<string, boolean>;
  log: Logger;
  now: () => number;
  /** Each page and each list as it lands: partial results show while the rest arrives. */
  onProgress: (data: ThreadsSideData) => void;
}

export function emptyThreadsData(rootId: string): ThreadsSideData {
  return {
    rootId, replies: [], insights: { ...NO_THREADS_COUNTS }, likeSummary: { threads: null, fediverse: null },
    likedBy: [], likedMore: false, liked: null, reposted: null, complete: false, extension: false,
  };
}

/** The Threads part of the counts: insights first, the likes extension's totals for likes. */
export function threadsCountsOf(data: ThreadsSideData): ThreadsCounts {
  return {
    ...data.insights,
    likes: data.insights.likes ?? data.likeSummary.threads,
    fediverseLikes: data.insights.fediverseLikes ?? data.likeSummary.fediverse,
  };
}

export async function loadThreadsSide(req: ThreadsSideRequest): Promise<ThreadsSideData> {
  const data = emptyThreadsData(req.rootId);
  const landed = (): void => req.onProgress(data);
  await Promise.all([
    readConversation(req, data, landed),
    readInsights(req, data).then(landed),
    readLikes(req, data).then(landed),
    findOwnRepost(req.api, req.rootId, 1)
      .then((found) => {
        data.reposted = found.repostId !== null ? true : found.complete ? false : null;
        landed();
      })
      .catch((error: unknown) => req.log.info('interactions', `could not tell whether the user reposted ${req.rootId}: ${String(error)}`)),
  ]);
  return data;
}

/** Asks with the extension first unless the server is known to lack it; remembers the answer. */
async function withExtension<T>(req: ThreadsSideRequest, kind: 'fields' | 'metrics', run: (extension: boolean) => Promise<T>, refusedExtension: (error: ThreadsRefusal) => boolean): Promise<{ value: T; extension: boolean }> {
  const key = `${req.api.host}|${kind}`;
  if (req.offers.get(key) === false) return { value: await run(false), extension: false };
  try {
    const value = await run(true);
    req.offers.set(key, true);
    return { value, extension: true };
  } catch (error) {
    if (!(error instanceof ThreadsRefusal) || !refusedExtension(error)) throw error;
    req.offers.set(key, false);
    return { value: await run(false), extension: false };
  }
}

async function readConversation(req: ThreadsSideRequest, data: ThreadsSideData, landed: () => void): Promise<void> {
  let after: string | null = null;
  for (let page = 0; page < MAX_REPLY_PAGES; page += 1) {
    const params = { limit: '100', ...(after === null ? {} : { after }) };
    const { value: body, extension } = await withExtension(
      req,
      'fields',
      (ext) => req.api.get(`${encodeURIComponent(req.rootId)}/conversation`, { ...params, fields: ext ? `${REPLY_FIELDS},${EXTENSION_FIELDS}` : REPLY_FIELDS }, 'reading replies'),
      (error) => error.notOffered && !error.missingPermission,
    ).catch((error: unknown) => {
      if (error instanceof ThreadsRefusal && error.missingPermission) {
        throw new BraidError('account.needs-sign-in', `${req.api.host} does not let Braid read replies with this sign-in. Sign in to Threads again and allow reading replies.`);
      }
      throw error;
    });
    if (!Array.isArray(body.data)) throw new BraidError('network.bad-response', `${req.api.host} sent replies Braid could not read.`);
    data.extension = extension;
    data.replies.push(...normalizeReplies(req, body.data as unknown[]));
    const paging = asRecord(body.paging);
    const cursor = asRecord(paging?.cursors)?.after;
    after = typeof cursor === 'string' && cursor !== '' ? cursor : null;
    if (typeof paging?.next !== 'string' || after === null) data.complete = true;
    landed();
    if (data.complete) return;
  }
}

/** Replies the author hid stay hidden; one that cannot be read is skipped with a log line. */
function normalizeReplies(req: ThreadsSideRequest, raws: readonly unknown[]): Post[] {
  return raws.flatMap((raw) => {
    if (asRecord(raw)?.hide_status === 'HIDDEN') return [];
    try {
      return [normalizeThreadsMedia(raw, req.normalize, { now: req.now() }).post.post];
    } catch (error) {
      if (!(error instanceof NormalizeError)) throw error;
      req.log.warn('interactions', `skipped a Threads reply Braid could not read: ${error.message}`);
      return [];
    }
  });
}

async function readInsights(req: ThreadsSideRequest, data: ThreadsSideData): Promise<void> {
  let body: Record<string, unknown>;
  try {
    ({ value: body } = await withExtension(
      req,
      'metrics',
      (ext) => req.api.get(`${encodeURIComponent(req.rootId)}/insights`, { metric: ext ? `${METRICS},${FEDIVERSE_METRICS}` : METRICS }, 'reading counts'),
      // Meta lists the metrics it knows in a #100 error about the parameter.
      (error) => error.graph?.code === 100 && /metric/i.test(error.graph.message),
    ));
  } catch (error) {
    // Meta answers insights only for the user's own posts and with the insights permission.
    if (error instanceof ThreadsRefusal && error.notOffered) return;
    throw error;
  }
  for (const raw of Array.isArray(body.data) ? (body.data as unknown[]) : []) {
    const metric = asRecord(raw);
    const key = typeof metric?.name === 'string' ? METRIC_KEYS[metric.name] : undefined;
    const values = Array.isArray(metric?.values) ? (metric.values as unknown[]) : [];
    const value = asRecord(values[0])?.value;
    if (key && typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) data.insights[key] = value;
  }
}

async function readLikes(req: ThreadsSideRequest, data: ThreadsSideData): Promise<void> {
  let body: Record<string, unknown>;
  try {
    body = await req.api.get(`${encodeURIComponent(req.rootId)}/braid_likes`, { limit: '50' }, 'reading likes');
  } catch (error) {
    if (error instanceof ThreadsRefusal && error.notOffered) return;
    throw error;
  }
  const entries = Array.isArray(body.data) ? (body.data as unknown[]) : [];
  data.likedBy = entries.map((raw) => readThreadsLiker(raw, req.api.host.toLowerCase())).filter((p): p is Interactor => p !== null);
  data.likedMore = typeof asRecord(body.paging)?.next === 'string';
  const summary = asRecord(body.summary);
  const count = (value: unknown): number | null => (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : null);
  data.likeSummary = { threads: count(summary?.threads_likes), fediverse: count(summary?.fediverse_likes) };
  const mine = entries.some((raw) => {
    const entry = asRecord(raw);
    return entry?.source === 'threads' && String(entry.id) === req.viewerRemoteId;
  });
  data.liked = mine ? true : data.likedMore ? null : false;
}

/** The user's repost of `mediaId` among their newest posts (`/me/threads`, up to `pages` pages). */
export async function findOwnRepost(api: ThreadsApi, mediaId: string, pages: number): Promise<{ repostId: string | null; complete: boolean }> {
  let after: string | null = null;
  for (let page = 0; page < pages; page += 1) {
    const body = await api.get('me/threads', { fields: 'id,media_type,reposted_post', limit: '50', ...(after === null ? {} : { after }) }, 'looking for your repost');
    for (const raw of Array.isArray(body.data) ? (body.data as unknown[]) : []) {
      const item = asRecord(raw);
      if (item?.media_type === 'REPOST_FACADE' && asRecord(item.reposted_post)?.id === mediaId && typeof item.id === 'string') return { repostId: item.id, complete: true };
    }
    const paging = asRecord(body.paging);
    const cursor = asRecord(paging?.cursors)?.after;
    if (typeof paging?.next !== 'string' || typeof cursor !== 'string') return { repostId: null, complete: true };
    after = cursor;
  }
  return { repostId: null, complete: false };
}

/** What the action changed, as the server confirmed it. */
export interface ActOutcome {
  liked?: boolean;
  reposted?: boolean;
}

/**
 * Acts as the API's account on `mediaId`. `repostIds` remembers reposts Braid made (key
 * `<account>|<media>`), so undoing one does not have to look for it.
 */
export async function actOnThreads(api: ThreadsApi, accountId: string, mediaId: string, action: PostAction, repostIds: Map<string, string>): Promise<ActOutcome> {
  const key = `${accountId}|${mediaId}`;
  const id = encodeURIComponent(mediaId);
  try {
    switch (action) {
      case 'like':
        await api.post(`${id}/braid_like`, {}, 'liking the post');
        return { liked: true };
      case 'unlike':
        await api.delete(`${id}/braid_like`, 'unliking the post');
        return { liked: false };
      case 'repost':
        return await repost(api, id, key, repostIds);
      case 'unrepost':
        return await unrepost(api, mediaId, key, repostIds);
    }
  } catch (error) {
    throw explainThreadsAct(error, api.host, action);
  }
}

async function repost(api: ThreadsApi, id: string, key: string, repostIds: Map<string, string>): Promise<ActOutcome> {
  try {
    const answer = await api.post(`${id}/repost`, {}, 'reposting the post');
    if (typeof answer.id === 'string') repostIds.set(key, answer.id);
  } catch (error) {
    // #506 "Duplicate repost": it is reposted already, which is what the user wanted.
    if (!(error instanceof ThreadsRefusal && error.graph?.code === 506)) throw error;
  }
  return { reposted: true };
}

async function unrepost(api: ThreadsApi, mediaId: string, key: string, repostIds: Map<string, string>): Promise<ActOutcome> {
  const repostId = repostIds.get(key) ?? (await findOwnRepost(api, mediaId, 4)).repostId;
  if (repostId === null) {
    throw new BraidError('action.unavailable', `Braid could not find your repost of this post among your recent posts on ${api.host}, so it cannot undo it. Undo it in Threads itself.`);
  }
  await api.delete(encodeURIComponent(repostId), 'undoing the repost');
  repostIds.delete(key);
  return { reposted: false };
}

const VERBS: Record<PostAction, string> = { like: 'like', unlike: 'unlike', repost: 'repost', unrepost: 'undo the repost of' };

/** A server's refusal, in words a person can act on. */
export function explainThreadsAct(error: unknown, host: string, action: PostAction): unknown {
  if (!(error instanceof ThreadsRefusal)) return error;
  const verb = VERBS[action];
  if (error.code === 'account.needs-sign-in' || error.status === 401) {
    return new BraidError('account.needs-sign-in', `${host} says Braid's sign-in has expired or was revoked. Sign in to Threads again, then ${verb} the post.`);
  }
  if (error.missingPermission) {
    const scope = action === 'unrepost' ? 'deleting posts' : 'publishing';
    return new BraidError('account.needs-sign-in', `${host} did not let Braid ${verb} this post with its sign-in. Sign in to Threads again and allow ${scope}.`);
  }
  if (error.objectGone) return new BraidError('action.unavailable', `This post is no longer on ${host}: it may have been deleted.`);
  if (error.notOffered) {
    if (action === 'like' || action === 'unlike') return new BraidError('action.unavailable', 'This Threads server has no API for likes. Like the post in Threads itself.');
    return new BraidError('action.unavailable', `${host} has no API to ${verb} this post. Do it in Threads itself.`);
  }
  if (error.graph?.code === 100) return new BraidError('action.unavailable', `${host} refused to ${verb} this post: ${error.graph.message}`);
  return error;
}
