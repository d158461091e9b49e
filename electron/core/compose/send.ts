/**
 * Posting one planned copy to one network (docs/compose.md#sending). Each function either posts
 * and returns the copy, normalized for the timeline cache, or throws a BraidError that says what
 * went wrong in words a person can act on. Tokens travel in headers only; nothing here logs
 * a token or an image's bytes.
 *
 * - Threads (docs/threads-api.md, Publishing): `POST /me/threads` (a TEXT container with
 *   reply_to_id / quote_post_id), then `POST /me/threads_publish?creation_id=`, then the post is
 *   read back for its permalink and ActivityPub id, so its Fediverse copy joins its card.
 * - Mastodon (through masto.js): `POST /api/v2/media` per image with its alt text (waiting while
 *   the server answers 202 and processes it), then `POST /api/v1/statuses` with an
 *   Idempotency-Key, so a retry after a lost answer returns the same status instead of a second one.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { mastodon } from 'masto';
import type { SentCopy } from '@shared/compose';
import { BraidError } from '@shared/errors';
import type { AccountRecord } from '../db/accounts-repo';
import { resolveStatusId as resolveLinkedStatusId } from '../interactions/mastodon-side';
import type { Logger } from '../log';
import type { Fetch } from '../net/http';
import { mastodonCall, mastodonClient } from '../networks/mastodon/client';
import { explainGraphError, graphRequest, type GraphError } from '../networks/threads/graph';
import { normalizeMastodonStatus } from '../timeline/normalize-mastodon';
import { normalizeThreadsMedia } from '../timeline/normalize-threads';
import type { FeedItem, NormalizeContext } from '../timeline/types';
import type { MastodonLimits, MastodonPlan, MastodonRef, ThreadsPlan } from './check';
import { DEFAULT_MASTODON_MAX_CHARACTERS, DEFAULT_URL_LENGTH } from './count';
import type { DraftImage } from './drafts-repo';

export interface PostedCopy {
  copy: SentCopy;
  /** The copy as the sync would store it, so the card appears at once; null when its answer could not be read (the sync brings it later). */
  item: FeedItem | null;
}

export interface SendDeps {
  fetch: Fetch;
  log: Logger;
  now: () => number;
}

/** What a published post is read back with: what the normalizer uses (the sync asks for more later). */
const PUBLISHED_FIELDS = 'id,media_product_type,media_type,permalink,owner,username,text,timestamp,shortcode,is_quote_post,quoted_post,is_reply,replied_to,link_attachment_url,topic_tag';
/** Braid's extension fields (docs/threads-api.md): graph.threads.net refuses them with #100. */
const EXTENSION_FIELDS = 'is_shared_to_fediverse,activitypub_id';

/** Meta's publishing-limit error (Instagram's, as Meta documents none for Threads) and duplicate post. */
function explainPublishing(host: string, step: string, replying: boolean) {
  return (status: number, error: GraphError | undefined): BraidError | undefined => {
    if (error?.code === 9 || error?.subcode === 2207042) {
      const quota = replying ? '1,000 replies' : '250 posts';
      return new BraidError('network.rate-limited', `${host} allows ${quota} a day and this account has reached that. Try again later.`);
    }
    if (error?.code === 506) return new BraidError('network.server-error', `${host} refused ${step}: it is the same as a post you just made.`);
    return explainGraphError(host, step, status, error);
  };
}

export async function postToThreads(
  deps: SendDeps,
  input: { account: AccountRecord; token: string; plan: ThreadsPlan; normalize: NormalizeContext },
): Promise<PostedCopy> {
  const { account, token, plan } = input;
  const host = new URL(account.server).host;
  const replying = plan.replyToId !== null;
  const call = (path: string, params: Record<string, string>, step: string, method: 'GET' | 'POST') =>
    graphRequest({ fetch: deps.fetch, apiBase: account.server, path, params, token, method, step, explain: explainPublishing(host, step, replying) });

  const container = await call(
    'me/threads',
    {
      media_type: 'TEXT',
      text: plan.text,
      ...(plan.replyToId === null ? {} : { reply_to_id: plan.replyToId }),
      ...(plan.quotePostId === null ? {} : { quote_post_id: plan.quotePostId }),
    },
    'preparing your post',
    'POST',
  );
  if (typeof container.id !== 'string') throw new BraidError('network.bad-response', `${host} did not say which post it prepared.`);
  const published = await call('me/threads_publish', { creation_id: container.id }, 'publishing your post', 'POST');
  if (typeof published.id !== 'string') throw new BraidError('network.bad-response', `${host} published the post but did not say its id.`);
  const id = published.id;
  deps.log.info('compose', `posted to ${host} as @${account.handle} (${id})`);

  // The post is out: from here nothing may fail the send. The read-back gives the permalink and
  // ActivityPub id that link its Fediverse copy; without it the card still shows the text.
  let raw: Record<string, unknown> | undefined;
  for (const fields of [`${PUBLISHED_FIELDS},${EXTENSION_FIELDS}`, PUBLISHED_FIELDS]) {
    try {
      raw = await call(encodeURIComponent(id), { fields }, 'reading your new post', 'GET');
      break;
    } catch (error) {
      deps.log.info('compose', `could not read back the new post with ${fields === PUBLISHED_FIELDS ? 'the basic' : 'the extension'} fields: ${errorText(error)}`);
    }
  }
  raw ??= { id, media_type: 'TEXT_POST', username: account.handle, text: plan.text, timestamp: new Date(deps.now()).toISOString() };
  const item = readable(deps.log, () => normalizeThreadsMedia(raw, input.normalize, { now: deps.now() }));
  return { copy: { network: 'threads', accountId: account.id, remoteId: id, url: item?.post.post.url ?? null }, item };
}

/** The instance's posting limits (`GET /api/v2/instance`); Mastodon's defaults when it does not say. */
export async function fetchMastodonLimits(origin: string, token: string): Promise<MastodonLimits> {
  const instance = (await mastodonCall(origin, 'reading the server\'s limits', () => mastodonClient(origin, token).v2.instance.fetch())) as unknown as {
    configuration?: { statuses?: { maxCharacters?: unknown; charactersReservedPerUrl?: unknown } };
    apiVersions?: { mastodon?: unknown };
  };
  const statuses = instance.configuration?.statuses;
  const positive = (value: unknown, fallback: number): number => (typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? value : fallback);
  const apiVersion = instance.apiVersions?.mastodon;
  return {
    maxCharacters: positive(statuses?.maxCharacters, DEFAULT_MASTODON_MAX_CHARACTERS),
    charactersReservedPerUrl: positive(statuses?.charactersReservedPerUrl, DEFAULT_URL_LENGTH),
    // docs.joinmastodon.org/client/quotes: quote posting is "available starting with mastodon API version 7".
    canQuote: typeof apiVersion === 'number' && apiVersion >= 7,
  };
}

/** The account's server's id for a post it may not have seen yet: search with resolve=true fetches it. */
async function resolveStatusId(client: mastodon.rest.Client, origin: string, ref: MastodonRef, what: string): Promise<string> {
  if ('statusId' in ref) return ref.statusId;
  const id = await resolveLinkedStatusId(client, origin, ref.resolveUrl, `looking up the post you are ${what}`);
  if (id === null) {
    throw new BraidError('action.unavailable', `${new URL(origin).host} could not find the post you are ${what}: its author may not share it to the Fediverse.`);
  }
  return id;
}

/** How long an upload may stay "processing" (202) before Braid gives up on it. */
const MEDIA_PROCESSING_MS = 60_000;

async function uploadImage(client: mastodon.rest.Client, origin: string, image: DraftImage): Promise<string> {
  const { media, bytes } = image;
  const step = `uploading ${media.name || 'an image'}`;
  const file = new File([new Uint8Array(bytes)], media.name || 'image', { type: media.mime });
  // skipPolling: masto.js would otherwise wait a second before even looking; Braid polls only on 202.
  let uploaded = await mastodonCall(origin, step, () => client.v2.media.create({ file, description: media.alt === '' ? null : media.alt, skipPolling: true }));
  const deadline = Date.now() + MEDIA_PROCESSING_MS;
  for (let delay = 250; !uploaded.url; delay = Math.min(delay * 2, 2_000)) {
    if (Date.now() > deadline) throw new BraidError('network.server-error', `${new URL(origin).host} is still processing ${media.name || 'an image'} after a minute. Try again later.`);
    await sleep(delay);
    const id = uploaded.id;
    uploaded = await mastodonCall(origin, step, () => client.v1.media.$select(id).fetch());
  }
  return uploaded.id;
}

export async function postToMastodon(
  deps: SendDeps,
  input: { account: AccountRecord; token: string; plan: MastodonPlan; images: DraftImage[]; idempotencyKey: string; normalize: NormalizeContext },
): Promise<PostedCopy> {
  const { account, plan } = input;
  const origin = account.server;
  const client = mastodonClient(origin, input.token);
  const inReplyToId = plan.inReplyTo ? await resolveStatusId(client, origin, plan.inReplyTo, 'replying to') : null;
  const quotedStatusId = plan.quote ? await resolveStatusId(client, origin, plan.quote, 'quoting') : null;
  const mediaIds: string[] = [];
  for (const image of input.images) mediaIds.push(await uploadImage(client, origin, image));
  const status = await mastodonCall(origin, 'posting', () =>
    client.v1.statuses.create(
      {
        status: plan.text,
        ...(plan.spoilerText.trim() === '' ? {} : { spoilerText: plan.spoilerText }),
        visibility: plan.visibility,
        ...(inReplyToId === null ? {} : { inReplyToId }),
        ...(quotedStatusId === null ? {} : { quotedStatusId }),
        ...(mediaIds.length === 0 ? {} : { mediaIds }),
      },
      { requestInit: { headers: { 'Idempotency-Key': input.idempotencyKey } } },
    ),
  );
  const remoteId = (status as { id?: unknown } | undefined)?.id;
  if (typeof remoteId !== 'string' || remoteId === '') throw new BraidError('network.bad-response', `${new URL(origin).host} did not say which post it made.`);
  deps.log.info('compose', `posted to ${new URL(origin).host} as @${account.handle} (${remoteId})`);
  const item = readable(deps.log, () => normalizeMastodonStatus(status, input.normalize));
  return { copy: { network: 'mastodon', accountId: account.id, remoteId, url: item?.post.post.url ?? null }, item };
}

/** The post is out whatever its answer looks like: a copy Braid cannot read waits for the sync. */
function readable(log: Logger, normalize: () => FeedItem): FeedItem | null {
  try {
    return normalize();
  } catch (error) {
    log.warn('compose', `posted, but could not read the server's answer for the timeline: ${errorText(error)}`);
    return null;
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
