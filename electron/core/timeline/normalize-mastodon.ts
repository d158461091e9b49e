/**
 * A Mastodon REST `Status` (https://docs.joinmastodon.org/entities/Status/) → Braid's `Post` and
 * the facts the cross-post linker needs. Takes masto.js's camelCase objects and the raw
 * snake_case JSON of streaming payloads alike. A reblog becomes the original post plus who
 * boosted it, so the timeline shows one card for the original.
 */
import type { CustomEmoji, LinkCard, MediaAttachment, Poll, PollOption, Post, PostAuthor, QuotedPost } from '@shared/timeline';
import { NormalizeError } from './normalize-error';
import { personKeyOf } from './people';
import {
  asRecord, field, httpUrl, parseTimestamp, readArray, readBoolean, readCount, readId, readRecord, readString, type RawRecord,
} from './read';
import { canonicalKey, hostKey, htmlToLinkText, stripQuoteFallback } from './text';
import type { FeedItem, LinkFacts, NormalizeContext, NormalizedPost } from './types';

function serverHost(ctx: NormalizeContext): string {
  try {
    return new URL(ctx.server).host.toLowerCase();
  } catch {
    throw new NormalizeError(`normalizeMastodonStatus: the account's server "${ctx.server}" is not a URL`);
  }
}

/** Custom emoji with an http(s) image; anything else cannot be shown and is dropped. */
function readEmojis(list: readonly unknown[]): CustomEmoji[] {
  return list.flatMap((raw) => {
    const emoji = asRecord(raw);
    const shortcode = emoji && readString(emoji, 'shortcode');
    const url = emoji && (httpUrl(field(emoji, 'url')) ?? httpUrl(field(emoji, 'staticUrl')));
    return shortcode && url ? [{ shortcode, url }] : [];
  });
}

/** A Mastodon `Account` as a post's author, with the account's id on its server. */
export interface MastodonAccount {
  /** The account's id on its server. */
  accountId: string;
  author: PostAuthor;
}

interface MastodonAuthor extends MastodonAccount {
  fields: { value: string; verifiedAt: string | null }[];
}

/**
 * A Mastodon `Account` (masto.js camelCase or raw JSON) read on the server at `serverHost`:
 * its handle is `user@host` (a local account gets that server's host). Null without an id and acct.
 */
export function readMastodonAccount(raw: unknown, serverHost: string): MastodonAccount | null {
  const account = asRecord(raw);
  const id = account && readId(account, 'id');
  const acct = account && readString(account, 'acct')?.trim().replace(/^@/, '');
  if (!account || !id || !acct) return null;
  const username = readString(account, 'username') || acct.split('@')[0] || acct;
  const displayName = readString(account, 'displayName')?.trim() || username;
  return {
    accountId: id,
    author: {
      id: `mastodon:${serverHost}:${id}`,
      network: 'mastodon',
      handle: acct.includes('@') ? acct : `${acct}@${serverHost}`,
      displayName,
      avatarUrl: httpUrl(field(account, 'avatar')) ?? httpUrl(field(account, 'avatarStatic')),
      url: httpUrl(field(account, 'url')),
      emojis: readEmojis(readArray(account, 'emojis')),
      bot: readBoolean(account, 'bot') ?? false,
    },
  };
}

function readAuthor(raw: unknown, ctx: NormalizeContext, where: string): MastodonAuthor {
  const read = readMastodonAccount(raw, serverHost(ctx));
  if (!read) throw new NormalizeError(`normalizeMastodonStatus: ${where} has no account with an id and acct`);
  const account = asRecord(raw) ?? {};
  return {
    ...read,
    fields: readArray(account, 'fields').flatMap((rawField) => {
      const f = asRecord(rawField);
      const value = f && readString(f, 'value');
      return f && value !== undefined ? [{ value, verifiedAt: readString(f, 'verifiedAt') ?? null }] : [];
    }),
  };
}

const MEDIA_TYPES = new Set<MediaAttachment['type']>(['image', 'video', 'gifv', 'audio']);

/** A pixel size Braid can use for layout, or null. */
function dimension(meta: RawRecord | undefined, key: 'width' | 'height'): number | null {
  const value = meta === undefined ? undefined : field(meta, key);
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? value : null;
}

function readMedia(list: readonly unknown[]): MediaAttachment[] {
  return list.flatMap((raw): MediaAttachment[] => {
    const media = asRecord(raw);
    if (!media) return [];
    // Remote media not yet cached locally has url null; remote_url still points at the file.
    const url = httpUrl(field(media, 'url')) ?? httpUrl(field(media, 'remoteUrl'));
    if (url === null) return [];
    const type = readString(media, 'type') as MediaAttachment['type'] | undefined;
    const original = readRecord(readRecord(media, 'meta') ?? {}, 'original');
    const alt = readString(media, 'description');
    return [{
      type: type !== undefined && MEDIA_TYPES.has(type) ? type : 'unknown',
      url,
      previewUrl: httpUrl(field(media, 'previewUrl')),
      alt: alt === undefined || alt.trim() === '' ? null : alt,
      width: dimension(original, 'width'),
      height: dimension(original, 'height'),
    }];
  });
}

function readPoll(raw: unknown): Poll | null {
  const poll = asRecord(raw);
  if (!poll) return null;
  const options = readArray(poll, 'options').flatMap((rawOption): PollOption[] => {
    const option = asRecord(rawOption);
    const title = option && readString(option, 'title');
    // votes_count is null while a server hides results until the poll ends.
    return option && title !== undefined ? [{ title, votes: readCount(option, 'votesCount'), percent: null }] : [];
  });
  if (options.length === 0) return null;
  return {
    options,
    totalVotes: readCount(poll, 'votesCount'),
    expiresAt: parseTimestamp(field(poll, 'expiresAt')) ?? null,
    expired: readBoolean(poll, 'expired') ?? false,
    multiple: readBoolean(poll, 'multiple') ?? false,
  };
}

function readCard(raw: unknown): LinkCard | null {
  const card = asRecord(raw);
  const url = card ? httpUrl(field(card, 'url')) : null;
  if (!card || url === null) return null;
  const provider = readString(card, 'providerName')?.trim();
  return {
    url,
    title: readString(card, 'title') ?? '',
    description: readString(card, 'description') ?? '',
    imageUrl: httpUrl(field(card, 'image')),
    providerName: provider ? provider : null,
  };
}

/**
 * Mastodon 4.4 quotes: `quote: {state, quoted_status}` (a full Status), or the shallow
 * `{state, quoted_status_id}` used when nesting stops. Null when neither says what was quoted.
 */
function readQuote(raw: unknown): QuotedPost | null {
  const quote = asRecord(raw);
  if (!quote) return null;
  const quoted = readRecord(quote, 'quotedStatus');
  const remoteId = (quoted && readId(quoted, 'id')) ?? readId(quote, 'quotedStatusId') ?? null;
  const url = quoted ? (httpUrl(field(quoted, 'url')) ?? httpUrl(field(quoted, 'uri'))) : null;
  return remoteId === null && url === null ? null : { remoteId, url };
}

function readInReplyTo(status: RawRecord, authorAccountId: string, authorHandle: string): Post['inReplyTo'] {
  const remoteId = readId(status, 'inReplyToId');
  if (remoteId === undefined) return null;
  const parentAccountId = readId(status, 'inReplyToAccountId');
  if (parentAccountId === undefined) return { remoteId, authorHandle: null };
  if (parentAccountId === authorAccountId) return { remoteId, authorHandle };
  // Mastodon mentions the parent's author; that is where its acct is.
  const mention = readArray(status, 'mentions')
    .map(asRecord)
    .find((m) => m !== undefined && readId(m, 'id') === parentAccountId);
  return { remoteId, authorHandle: (mention && readString(mention, 'acct')) ?? null };
}

/**
 * The Threads post id inside the ActivityPub id of a federated Threads post
 * (`https://threads.net/ap/users/<user>/post/<id>/`), but only for accounts on a Threads host:
 * elsewhere `/post/<id>` means nothing.
 */
function threadsPostIdOf(uri: string | null, handle: string, ctx: NormalizeContext): string | null {
  const acctHost = hostKey(handle.slice(handle.indexOf('@') + 1));
  if (uri === null || !ctx.threadsHosts.some((h) => hostKey(h) === acctHost)) return null;
  try {
    const match = /\/post\/([^/]+)\/*$/.exec(new URL(uri).pathname);
    return match ? decodeURIComponent(match[1] as string) : null;
  } catch {
    return null;
  }
}

function normalizeOne(status: RawRecord, ctx: NormalizeContext, where: string): NormalizedPost {
  const remoteId = readId(status, 'id');
  if (remoteId === undefined) throw new NormalizeError(`normalizeMastodonStatus: ${where} has no id`);
  const { accountId, author, fields } = readAuthor(field(status, 'account'), ctx, `${where} ${remoteId}`);
  const createdAt = parseTimestamp(field(status, 'createdAt'));
  if (createdAt === undefined) throw new NormalizeError(`normalizeMastodonStatus: ${where} ${remoteId} has no readable createdAt`);
  const uri = httpUrl(field(status, 'uri'));
  const url = httpUrl(field(status, 'url'));
  const content = readString(status, 'content') ?? '';
  const post: Post = {
    id: `${ctx.accountId}:${remoteId}`,
    accountId: ctx.accountId,
    network: 'mastodon',
    remoteId,
    uri,
    url,
    author,
    createdAt,
    editedAt: parseTimestamp(field(status, 'editedAt')) ?? null,
    contentHtml: content,
    spoilerText: readString(status, 'spoilerText') ?? '',
    sensitive: readBoolean(status, 'sensitive') ?? false,
    media: readMedia(readArray(status, 'mediaAttachments')),
    poll: readPoll(field(status, 'poll')),
    card: readCard(field(status, 'card')),
    quote: readQuote(field(status, 'quote')),
    counts: {
      replies: readCount(status, 'repliesCount'),
      reposts: readCount(status, 'reblogsCount'),
      likes: readCount(status, 'favouritesCount'),
    },
    inReplyTo: readInReplyTo(status, accountId, author.handle),
    emojis: readEmojis(readArray(status, 'emojis')),
    topicTag: null,
    sharedToFediverse: null,
    fromFediverse: false,
  };
  const link: LinkFacts = {
    uriKey: canonicalKey(uri),
    urlKey: canonicalKey(url),
    threadsPostId: threadsPostIdOf(uri, author.handle, ctx),
    personKey: personKeyOf({ network: 'mastodon', handle: author.handle, fields }, ctx),
    text: htmlToLinkText(stripQuoteFallback(content)),
  };
  return { post, link };
}

/**
 * Throws NormalizeError when the status (or the one it boosts) lacks an id, an account with id
 * and acct, or a readable creation time; the caller logs it and skips this status.
 */
export function normalizeMastodonStatus(raw: unknown, ctx: NormalizeContext): FeedItem {
  const status = asRecord(raw);
  if (!status) throw new NormalizeError('normalizeMastodonStatus: the status is not an object');
  const reblog = readRecord(status, 'reblog');
  if (!reblog) return { post: normalizeOne(status, ctx, 'status'), boost: null };
  // Validate the boost itself with the same rules, then show the original with who boosted it.
  const outer = normalizeOne({ ...status, reblog: null }, ctx, 'boost');
  return {
    post: normalizeOne(reblog, ctx, 'boosted status'),
    boost: { remoteId: outer.post.remoteId, author: outer.post.author, network: 'mastodon', at: outer.post.createdAt },
  };
}
