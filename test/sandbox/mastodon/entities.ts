/**
 * Records → the JSON entities of https://docs.joinmastodon.org/entities/ (Account, Status,
 * MediaAttachment, Poll, CustomEmoji, Notification, Relationship). Viewer-dependent fields
 * (favourited, reblogged, own_votes…) are filled for the signed-in account.
 */
import type { AccountRecord, MediaRecord, NotificationRecord, PollRecord, StatusRecord, Store } from './model.ts';
import { acctOf } from './model.ts';

export const iso = (ms: number): string => new Date(ms).toISOString();

/** Mastodon reports account creation dates at midnight UTC. */
const day = (ms: number): string => iso(Math.floor(ms / 86_400_000) * 86_400_000);

export function emojiJson(store: Store, shortcode: string): object | undefined {
  const emoji = store.customEmojis.get(shortcode);
  if (!emoji) return undefined;
  return { shortcode, url: emoji.url, static_url: emoji.url, visible_in_picker: true, category: null };
}

export function accountJson(store: Store, account: AccountRecord): Record<string, unknown> {
  return {
    id: account.id,
    username: account.username,
    acct: acctOf(account),
    display_name: account.displayName,
    locked: account.locked,
    bot: account.bot,
    discoverable: true,
    indexable: true,
    group: false,
    created_at: day(account.createdAt),
    note: account.note,
    url: account.url,
    uri: account.uri,
    avatar: account.avatar,
    avatar_static: account.avatar,
    header: account.header,
    header_static: account.header,
    followers_count: account.followers.size,
    following_count: account.following.size,
    statuses_count: account.statusesCount,
    last_status_at: account.lastStatusAt === null ? null : iso(account.lastStatusAt).slice(0, 10),
    hide_collections: false,
    noindex: false,
    emojis: [],
    roles: [],
    fields: account.fields.map((f) => ({ name: f.name, value: f.value, verified_at: f.verifiedAt === null ? null : iso(f.verifiedAt) })),
  };
}

/** verify_credentials adds `source` and `role` (https://docs.joinmastodon.org/entities/Account/#CredentialAccount). */
export function credentialAccountJson(store: Store, account: AccountRecord): Record<string, unknown> {
  return {
    ...accountJson(store, account),
    source: {
      privacy: 'public',
      sensitive: false,
      language: 'en',
      note: account.noteSource,
      fields: account.fields.map((f) => ({ name: f.name, value: f.value, verified_at: null })),
      follow_requests_count: 0,
      hide_collections: false,
      discoverable: true,
      indexable: true,
    },
    role: { id: '-99', name: '', permissions: '0', color: '', highlighted: false },
  };
}

export function mediaUrl(store: Store, media: MediaRecord): string {
  return media.remoteUrl ?? `${store.origin}/system/media_attachments/files/${media.id}/original/${media.fileName}`;
}

export function mediaJson(store: Store, media: MediaRecord): Record<string, unknown> {
  const size = (w: number, h: number): object => ({ width: w, height: h, size: `${w}x${h}`, aspect: w / h });
  const small = { w: Math.min(media.width, 400), h: Math.round((Math.min(media.width, 400) * media.height) / media.width) };
  return {
    id: media.id,
    type: media.type,
    url: mediaUrl(store, media),
    preview_url: `${store.origin}/system/media_attachments/files/${media.id}/small/${media.id}.png`,
    remote_url: media.remoteUrl,
    preview_remote_url: null,
    text_url: null,
    meta: { original: size(media.width, media.height), small: size(small.w, small.h), focus: media.focus },
    description: media.description,
    blurhash: 'UFBWY:8_0Jxv4mx]t8t64.%M-:IUWGWAt6M}',
  };
}

export function pollJson(store: Store, poll: PollRecord, viewerId: string | null): Record<string, unknown> {
  const expired = poll.expiresAt !== null && poll.expiresAt <= store.clock.now();
  const own = viewerId === null ? undefined : poll.voters.get(viewerId);
  return {
    id: poll.id,
    expires_at: poll.expiresAt === null ? null : iso(poll.expiresAt),
    expired,
    multiple: poll.multiple,
    votes_count: poll.votes.reduce((a, b) => a + b, 0),
    voters_count: poll.voters.size,
    options: poll.options.map((title, i) => ({ title, votes_count: poll.votes[i] ?? 0 })),
    emojis: [],
    ...(viewerId === null ? {} : { voted: own !== undefined, own_votes: own ?? [] }),
  };
}

export function statusJson(store: Store, status: StatusRecord, viewerId: string | null): Record<string, unknown> {
  const account = store.accounts.get(status.accountId) as AccountRecord;
  const original = status.reblogOfId === null ? undefined : store.statuses.get(status.reblogOfId);
  const viewer = viewerId === null ? undefined : store.accounts.get(viewerId);
  const poll = status.pollId === null ? undefined : store.polls.get(status.pollId);
  const json: Record<string, unknown> = {
    id: status.id,
    created_at: iso(status.createdAt),
    in_reply_to_id: status.inReplyToId,
    in_reply_to_account_id: status.inReplyToAccountId,
    sensitive: status.sensitive,
    spoiler_text: status.spoilerText,
    visibility: status.visibility,
    language: status.language,
    uri: status.uri,
    url: status.url,
    replies_count: status.replies.size,
    reblogs_count: status.reblogs.size,
    favourites_count: status.favourites.size,
    quotes_count: 0,
    edited_at: status.editedAt === null ? null : iso(status.editedAt),
    content: status.content,
    reblog: original ? statusJson(store, original, viewerId) : null,
    application: viewerId === status.accountId ? status.application : undefined,
    account: accountJson(store, account),
    media_attachments: status.mediaIds.flatMap((id) => {
      const media = store.media.get(id);
      return media ? [mediaJson(store, media)] : [];
    }),
    mentions: status.mentionIds.flatMap((id) => {
      const mentioned = store.accounts.get(id);
      return mentioned ? [{ id, username: mentioned.username, url: mentioned.url, acct: acctOf(mentioned) }] : [];
    }),
    tags: status.tags.map((name) => ({ name, url: `${store.origin}/tags/${encodeURIComponent(name)}` })),
    emojis: status.emojis.flatMap((code) => emojiJson(store, code) ?? []),
    card: status.card
      ? { url: status.card.url, title: status.card.title, description: status.card.description, type: 'link', image: status.card.image, provider_name: status.card.providerName, provider_url: '', author_name: '', author_url: '', html: '', width: 0, height: 0, embed_url: '', blurhash: null }
      : null,
    poll: poll ? pollJson(store, poll, viewerId) : null,
  };
  if (json.application === undefined) delete json.application;
  if (viewer) {
    json.favourited = status.favouritedBy.has(viewer.id);
    json.reblogged = status.reblogs.has(viewer.id);
    json.muted = false;
    json.bookmarked = viewer.bookmarks.has(status.id);
    if (status.accountId === viewer.id) json.pinned = viewer.pinned.has(status.id);
    json.filtered = [];
  }
  return json;
}

export function notificationJson(store: Store, n: NotificationRecord, viewerId: string): Record<string, unknown> | undefined {
  const from = store.accounts.get(n.fromId);
  const status = n.statusId === null ? undefined : store.statuses.get(n.statusId);
  if (!from || (n.statusId !== null && !status)) return undefined;
  return {
    id: n.id,
    type: n.type,
    group_key: `ungrouped-${n.id}`,
    created_at: iso(n.createdAt),
    account: accountJson(store, from),
    ...(status ? { status: statusJson(store, status, viewerId) } : {}),
  };
}

export function relationshipJson(viewer: AccountRecord, target: AccountRecord): Record<string, unknown> {
  return {
    id: target.id,
    following: viewer.following.has(target.id),
    showing_reblogs: viewer.following.has(target.id),
    notifying: viewer.notifyOn.has(target.id),
    languages: null,
    followed_by: target.following.has(viewer.id),
    blocking: false,
    blocked_by: false,
    muting: false,
    muting_notifications: false,
    requested: false,
    requested_by: false,
    domain_blocking: false,
    endorsed: false,
    note: '',
  };
}
