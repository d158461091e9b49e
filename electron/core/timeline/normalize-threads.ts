/**
 * A Threads Graph API media object (docs/threads-api.md, "Media object fields"; the sandbox's
 * test/sandbox/threads/fields.ts renders exactly these) → Braid's `Post` and the facts the
 * cross-post linker needs. Threads gives plain text, no display names, avatars or counts on
 * media; the sync may fill authors in later from profile look-ups.
 */
import type { LinkCard, MediaAttachment, Poll, PollOption, Post, PostAuthor, QuotedPost } from '@shared/timeline';
import { NormalizeError } from './normalize-error';
import { personKeyOf } from './people';
import { asRecord, field, httpUrl, parseTimestamp, readArray, readBoolean, readCount, readId, readRecord, readString, type RawRecord } from './read';
import { canonicalKey, escapeHtml, htmlToLinkText, threadsTextToHtml } from './text';
import type { FeedItem, LinkFacts, NormalizeContext, NormalizedPost } from './types';

export interface ThreadsNormalizeOptions {
  /** For a REPOST_FACADE: the original media object, which the sync fetched by its id. */
  repostedPost?: unknown;
  /** The current time (ms since the epoch), to tell whether a poll has ended; without it, polls read as open. */
  now?: number;
}

function serverHost(ctx: NormalizeContext): string {
  try {
    return new URL(ctx.server).host.toLowerCase();
  } catch {
    throw new NormalizeError(`normalizeThreadsMedia: the account's server "${ctx.server}" is not a URL`);
  }
}

function originOf(url: string | null): string | null {
  return url === null ? null : new URL(url).origin;
}

function readAuthor(media: RawRecord, username: string, permalink: string | null, ctx: NormalizeContext): PostAuthor {
  const owner = readRecord(media, 'owner');
  const ownerId = owner && readId(owner, 'id');
  // A reply that came over ActivityPub has no owner; its permalink is the remote post, so a
  // Threads profile URL built from it would point nowhere.
  const fromFediverse = readBoolean(media, 'is_from_fediverse') === true;
  const origin = fromFediverse ? null : originOf(permalink);
  return {
    id: `threads:${serverHost(ctx)}:${ownerId ?? username}`,
    network: 'threads',
    handle: username,
    displayName: username,
    avatarUrl: null,
    url: origin === null ? null : `${origin}/@${encodeURIComponent(username)}`,
    emojis: [],
    bot: false,
  };
}

function mediaItem(item: RawRecord, type: MediaAttachment['type']): MediaAttachment | null {
  const url = httpUrl(field(item, 'media_url')) ?? (type === 'image' ? httpUrl(field(item, 'gif_url')) : null);
  if (url === null) return null;
  const alt = readString(item, 'alt_text');
  return {
    type,
    url,
    previewUrl: type === 'video' ? httpUrl(field(item, 'thumbnail_url')) : null,
    alt: alt === undefined || alt.trim() === '' ? null : alt,
    width: null,
    height: null,
  };
}

const TYPE_OF_MEDIA: Readonly<Record<string, MediaAttachment['type']>> = { IMAGE: 'image', VIDEO: 'video', AUDIO: 'audio' };

function readMedia(media: RawRecord, mediaType: string | undefined): MediaAttachment[] {
  if (mediaType === 'CAROUSEL_ALBUM') {
    const children = readArray(readRecord(media, 'children') ?? {}, 'data');
    return children.flatMap((raw) => {
      const child = asRecord(raw);
      const item = child && mediaItem(child, TYPE_OF_MEDIA[readString(child, 'media_type') ?? ''] ?? 'image');
      return item ? [item] : [];
    });
  }
  if (mediaType === 'TEXT_POST' || mediaType === 'REPOST_FACADE') return [];
  const item = mediaItem(media, TYPE_OF_MEDIA[mediaType ?? ''] ?? 'unknown');
  return item ? [item] : [];
}

const POLL_LETTERS = ['a', 'b', 'c', 'd'] as const;

/**
 * Threads polls: `option_a…d`, `option_x_votes_percentage`, `total_votes`,
 * `expiration_timestamp` (https://developers.facebook.com/docs/threads/create-posts/polls).
 * Meta does not say whether percentages are 0–100 or fractions; shares that add up to about 1
 * are read as fractions.
 */
function readPoll(raw: unknown, now: number | undefined): Poll | null {
  const poll = asRecord(raw);
  if (!poll) return null;
  const entries = POLL_LETTERS.flatMap((letter) => {
    const title = readString(poll, `option_${letter}`);
    const share = field(poll, `option_${letter}_votes_percentage`);
    return title === undefined || title === '' ? [] : [{ title, share: typeof share === 'number' && Number.isFinite(share) ? share : null }];
  });
  if (entries.length === 0) return null;
  const sum = entries.reduce((total, e) => total + (e.share ?? 0), 0);
  const scale = sum > 0.5 && sum < 1.5 ? 100 : 1;
  const options: PollOption[] = entries.map((e) => ({
    title: e.title,
    votes: null,
    percent: e.share === null ? null : Math.min(100, Math.max(0, e.share * scale)),
  }));
  const expiresAt = parseTimestamp(field(poll, 'expiration_timestamp')) ?? null;
  return {
    options,
    totalVotes: readCount(poll, 'total_votes'),
    expiresAt,
    expired: expiresAt !== null && now !== undefined && Date.parse(expiresAt) <= now,
    multiple: false,
  };
}

function readCard(media: RawRecord): LinkCard | null {
  const url = httpUrl(field(media, 'link_attachment_url'));
  if (url === null) return null;
  // Threads gives only the URL; its host is the most honest title Braid has.
  const host = new URL(url).host;
  return { url, title: host, description: '', imageUrl: null, providerName: host };
}

function readQuote(media: RawRecord): QuotedPost | null {
  const quoted = readRecord(media, 'quoted_post');
  const remoteId = quoted ? (readId(quoted, 'id') ?? null) : null;
  if (remoteId !== null) return { remoteId, url: null };
  return readBoolean(media, 'is_quote_post') === true ? { remoteId: null, url: null } : null;
}

function readInReplyTo(media: RawRecord): Post['inReplyTo'] {
  const parent = readRecord(media, 'replied_to');
  const remoteId = parent ? (readId(parent, 'id') ?? null) : null;
  if (remoteId !== null) return { remoteId, authorHandle: null };
  return readBoolean(media, 'is_reply') === true ? { remoteId: null, authorHandle: null } : null;
}

/**
 * The text rule 3 compares. A Threads Note carries the link attachment as a last paragraph
 * (test/sandbox/threads/ap-objects.ts renderNote), so it is added here too unless the text
 * already shows that URL — which is also how a manual cross-post with a link reads on Mastodon.
 */
function linkText(text: string, card: LinkCard | null, attachmentUrl: string | undefined): string {
  const html = threadsTextToHtml(text);
  if (card === null || attachmentUrl === undefined) return htmlToLinkText(html);
  const cardKey = canonicalKey(card.url);
  const inText = [...text.matchAll(/https?:\/\/\S+/g)].some((m) => {
    const key = canonicalKey(m[0].replace(/[.,;:!?)\]}'"]+$/, ''));
    return key !== null && key === cardKey;
  });
  // The URL as Threads wrote it, not as `URL` re-serializes it: that is what the Note shows.
  return htmlToLinkText(inText ? html : `${html}<p>${escapeHtml(attachmentUrl)}</p>`);
}

function normalizeOne(media: RawRecord, ctx: NormalizeContext, now: number | undefined, where: string): NormalizedPost {
  const remoteId = readId(media, 'id');
  if (remoteId === undefined) throw new NormalizeError(`normalizeThreadsMedia: ${where} has no id`);
  const username = readString(media, 'username')?.trim();
  if (!username) throw new NormalizeError(`normalizeThreadsMedia: ${where} ${remoteId} has no username`);
  const createdAt = parseTimestamp(field(media, 'timestamp'));
  if (createdAt === undefined) throw new NormalizeError(`normalizeThreadsMedia: ${where} ${remoteId} has no readable timestamp`);
  const mediaType = readString(media, 'media_type');
  const permalink = httpUrl(field(media, 'permalink'));
  const uri = httpUrl(field(media, 'activitypub_id'));
  const text = readString(media, 'text') ?? '';
  const card = readCard(media);
  const topicTag = readString(media, 'topic_tag')?.trim();
  const post: Post = {
    id: `${ctx.accountId}:${remoteId}`,
    accountId: ctx.accountId,
    network: 'threads',
    remoteId,
    uri,
    url: permalink,
    author: readAuthor(media, username, permalink, ctx),
    createdAt,
    editedAt: null,
    contentHtml: threadsTextToHtml(text),
    spoilerText: '',
    sensitive: false,
    media: readMedia(media, mediaType),
    poll: readPoll(field(media, 'poll_attachment'), now),
    card,
    quote: readQuote(media),
    counts: { replies: null, reposts: null, likes: null },
    inReplyTo: readInReplyTo(media),
    emojis: [],
    topicTag: topicTag ? topicTag : null,
    sharedToFediverse: readBoolean(media, 'is_shared_to_fediverse') ?? null,
    fromFediverse: readBoolean(media, 'is_from_fediverse') === true,
  };
  // A Fediverse reply is by a Fediverse account (`user@server`), not a Threads user.
  const fediverseAuthor = readBoolean(media, 'is_from_fediverse') === true ? (readString(media, 'fediverse_author') ?? username) : undefined;
  const link: LinkFacts = {
    uriKey: canonicalKey(uri),
    urlKey: canonicalKey(permalink),
    threadsPostId: remoteId,
    personKey:
      fediverseAuthor === undefined
        ? personKeyOf({ network: 'threads', handle: username, url: permalink }, ctx)
        : personKeyOf({ network: 'mastodon', handle: fediverseAuthor }, ctx),
    text: linkText(text, card, readString(media, 'link_attachment_url')),
  };
  return { post, link };
}

/**
 * Throws NormalizeError when the media object (or a repost's original) lacks an id, a username
 * or a readable timestamp, or when a REPOST_FACADE comes without its original; the caller logs
 * it and skips this item.
 */
export function normalizeThreadsMedia(raw: unknown, ctx: NormalizeContext, options: ThreadsNormalizeOptions = {}): FeedItem {
  const media = asRecord(raw);
  if (!media) throw new NormalizeError('normalizeThreadsMedia: the media object is not an object');
  if (readString(media, 'media_type') !== 'REPOST_FACADE') return { post: normalizeOne(media, ctx, options.now, 'post'), boost: null };

  const facade = normalizeOne(media, ctx, options.now, 'repost');
  const original = asRecord(options.repostedPost);
  if (!original) throw new NormalizeError(`normalizeThreadsMedia: repost ${facade.post.remoteId} came without the post it reposts`);
  if (readString(original, 'media_type') === 'REPOST_FACADE') throw new NormalizeError(`normalizeThreadsMedia: repost ${facade.post.remoteId} reposts another repost`);
  const expectedId = readId(readRecord(media, 'reposted_post') ?? {}, 'id');
  const originalId = readId(original, 'id');
  if (expectedId !== undefined && originalId !== undefined && expectedId !== originalId)
    throw new NormalizeError(`normalizeThreadsMedia: repost ${facade.post.remoteId} is of ${expectedId}, but ${originalId} was given`);
  return {
    post: normalizeOne(original, ctx, options.now, 'reposted post'),
    boost: { remoteId: facade.post.remoteId, author: facade.post.author, network: 'threads', at: facade.post.createdAt },
  };
}
