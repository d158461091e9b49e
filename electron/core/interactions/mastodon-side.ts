/**
 * The Mastodon side of a card's interactions, through masto.js with the linked Mastodon account:
 * the status Braid acts on (its own copy, or the Threads post's federated copy found by
 * searching its permalink with `resolve=true`, as sharing/post-search.ts does), its
 * `context` descendants, its counts and the viewer's favourite and boost, and the first pages of
 * `favourited_by` / `reblogged_by` (docs.joinmastodon.org/methods/statuses/).
 */
import { MastoHttpError } from 'masto';
import { BraidError } from '@shared/errors';
import type { Interactor, PostAction } from '@shared/interactions';
import type { Post } from '@shared/timeline';
import type { Logger } from '../log';
import { explainMastodonError, mastodonCall, type MastodonClient } from '../networks/mastodon/client';
import { NormalizeError } from '../timeline/normalize-error';
import { normalizeMastodonStatus } from '../timeline/normalize-mastodon';
import { asRecord, readBoolean, readCount } from '../timeline/read';
import { canonicalKey, hostKey } from '../timeline/text';
import type { NormalizeContext } from '../timeline/types';
import type { MastodonCounts } from './counts';
import { readMastodonPerson } from './people';

/** Mastodon's default page for these lists (masto.js takes no limit there); a full page means there are more. */
const PEOPLE_PAGE = 40;

/** What the status says about the account that reads it. */
export interface StatusFacts {
  counts: MastodonCounts;
  favourited: boolean | null;
  reblogged: boolean | null;
}

export interface MastodonSideData {
  statusId: string;
  status: StatusFacts;
  replies: Post[];
  favouritedBy: Interactor[];
  favouritedMore: boolean;
  rebloggedBy: Interactor[];
  rebloggedMore: boolean;
}

export interface MastodonSideRequest {
  client: MastodonClient;
  origin: string;
  statusId: string;
  normalize: NormalizeContext;
  log: Logger;
}

/** A status's counts and the reader's own state (masto.js camelCase or raw JSON). */
export function statusFacts(raw: unknown): StatusFacts {
  const status = asRecord(raw) ?? {};
  return {
    counts: {
      likes: readCount(status, 'favouritesCount'),
      reposts: readCount(status, 'reblogsCount'),
      replies: readCount(status, 'repliesCount'),
      quotes: readCount(status, 'quotesCount'),
    },
    favourited: readBoolean(status, 'favourited') ?? null,
    reblogged: readBoolean(status, 'reblogged') ?? null,
  };
}

/**
 * The local id of the status whose `url` or `uri` is `link` (a Threads permalink, or another
 * server's AP id), fetched by the server if needed; null when the server finds nothing. `step`
 * names the search in a failure's message.
 */
export async function resolveStatusId(client: MastodonClient, origin: string, link: string, step = 'looking for the post'): Promise<string | null> {
  const wanted = canonicalKey(link);
  if (wanted === null) return null;
  const found = await mastodonCall(origin, step, async () => await client.v2.search.list({ q: link, resolve: true, type: 'statuses', limit: 5 }));
  const statuses = Array.isArray(asRecord(found)?.statuses) ? (asRecord(found)?.statuses as unknown[]) : [];
  for (const raw of statuses) {
    const status = asRecord(raw);
    const id = status?.id;
    if (typeof id === 'string' && [status?.url, status?.uri].some((value) => typeof value === 'string' && canonicalKey(value) === wanted)) return id;
  }
  return null;
}

export async function loadMastodonSide(req: MastodonSideRequest): Promise<MastodonSideData> {
  const { client, origin, statusId } = req;
  const select = client.v1.statuses.$select(statusId);
  const isThreadsHost = (host: string): boolean => req.normalize.threadsHosts.some((known) => hostKey(known) === host);
  const people = async (list: 'favouritedBy' | 'rebloggedBy', step: string) => {
    const accounts = (await mastodonCall(origin, step, async () => await select[list].list())) as unknown;
    const raws = Array.isArray(accounts) ? (accounts as unknown[]) : [];
    return {
      people: raws.map((raw) => readMastodonPerson(raw, origin, isThreadsHost)).filter((p): p is Interactor => p !== null),
      more: raws.length >= PEOPLE_PAGE,
    };
  };
  const [status, context, favourited, reblogged] = await Promise.all([
    mastodonCall(origin, 'reading the post', async () => (await select.fetch()) as unknown),
    mastodonCall(origin, 'reading replies', async () => (await select.context.fetch()) as unknown),
    people('favouritedBy', 'reading who favourited the post'),
    people('rebloggedBy', 'reading who boosted the post'),
  ]);
  const descendants = asRecord(context)?.descendants;
  return {
    statusId,
    status: statusFacts(status),
    replies: normalizeReplies(req, Array.isArray(descendants) ? (descendants as unknown[]) : []),
    favouritedBy: favourited.people,
    favouritedMore: favourited.more,
    rebloggedBy: reblogged.people,
    rebloggedMore: reblogged.more,
  };
}

function normalizeReplies(req: MastodonSideRequest, raws: readonly unknown[]): Post[] {
  return raws.flatMap((raw) => {
    try {
      return [normalizeMastodonStatus(raw, req.normalize).post.post];
    } catch (error) {
      if (!(error instanceof NormalizeError)) throw error;
      req.log.warn('interactions', `skipped a Mastodon reply Braid could not read: ${error.message}`);
      return [];
    }
  });
}

/** Favourite, unfavourite, boost or unboost; the answer is the status as it is now. */
export async function actOnMastodon(client: MastodonClient, origin: string, statusId: string, action: PostAction): Promise<StatusFacts> {
  const select = client.v1.statuses.$select(statusId);
  try {
    const answer = await runAction(select, action);
    // A boost answers with the boost itself, wrapping the status in `reblog`.
    const wrapped = asRecord(answer)?.reblog;
    const facts = statusFacts(asRecord(wrapped) ?? answer);
    // Servers answer before their counters settle; what was asked is what the state now is.
    if (action === 'like' || action === 'unlike') facts.favourited = action === 'like';
    else facts.reblogged = action === 'repost';
    return facts;
  } catch (error) {
    throw explainMastodonAct(error, origin, action);
  }
}

function runAction(select: ReturnType<MastodonClient['v1']['statuses']['$select']>, action: PostAction): Promise<unknown> {
  switch (action) {
    case 'like':
      return select.favourite();
    case 'unlike':
      return select.unfavourite();
    case 'repost':
      return select.reblog();
    case 'unrepost':
      return select.unreblog();
  }
}

const VERBS: Record<PostAction, string> = { like: 'favourite', unlike: 'unfavourite', repost: 'boost', unrepost: 'undo the boost of' };

/** A server's refusal, in words a person can act on; 401 is a sign-in to renew. */
export function explainMastodonAct(error: unknown, origin: string, action: PostAction): BraidError {
  const host = new URL(origin).host;
  if (error instanceof MastoHttpError) {
    const verb = VERBS[action];
    if (error.statusCode === 404) return new BraidError('action.unavailable', `${host} no longer has this post: it may have been deleted.`, { cause: error });
    if (error.statusCode === 403 || error.statusCode === 422) {
      return new BraidError('action.unavailable', `${host} refused to ${verb} this post (${error.message.slice(0, 160)}).`, { cause: error });
    }
  }
  return explainMastodonError(origin, `trying to ${VERBS[action]} the post`, error);
}
