/**
 * The merged timeline as the renderer sees it: one `Post` shape for both networks, and one
 * `TimelineEntry` (a card) per group of copies of the same post.
 */
import { z } from 'zod';
import { Network } from './model';
import { CopySharing } from './sharing';

/** A `:shortcode:` image from a Mastodon server; Threads has none. */
export const CustomEmoji = z.object({
  shortcode: z.string(),
  url: z.string(),
});
export type CustomEmoji = z.infer<typeof CustomEmoji>;

export const PostAuthor = z.object({
  /** Braid's key for the person on one server: `<network>:<server host>:<remote id>`. */
  id: z.string().min(1),
  network: Network,
  /** `user@host` on Mastodon (remote accounts keep their own host), the username on Threads. */
  handle: z.string(),
  displayName: z.string(),
  avatarUrl: z.string().nullable(),
  /** Their profile page. */
  url: z.string().nullable(),
  /** Emoji used in the display name. */
  emojis: z.array(CustomEmoji),
  bot: z.boolean(),
});
export type PostAuthor = z.infer<typeof PostAuthor>;

export const MediaAttachment = z.object({
  type: z.enum(['image', 'video', 'gifv', 'audio', 'unknown']),
  url: z.string(),
  /** A still to show before the full file loads (video thumbnail, image preview). */
  previewUrl: z.string().nullable(),
  /** Alt text as the author wrote it; null when they gave none. */
  alt: z.string().nullable(),
  width: z.number().int().positive().nullable(),
  height: z.number().int().positive().nullable(),
});
export type MediaAttachment = z.infer<typeof MediaAttachment>;

export const PollOption = z.object({
  title: z.string(),
  /** null when the server hides counts until the poll ends. */
  votes: z.number().int().nonnegative().nullable(),
  /** Share of the votes, 0–100, when the server gives one (Threads gives only this). */
  percent: z.number().min(0).max(100).nullable(),
});
export type PollOption = z.infer<typeof PollOption>;

export const Poll = z.object({
  options: z.array(PollOption).min(1),
  totalVotes: z.number().int().nonnegative().nullable(),
  expiresAt: z.iso.datetime().nullable(),
  expired: z.boolean(),
  multiple: z.boolean(),
});
export type Poll = z.infer<typeof Poll>;

/** A link preview (Mastodon's card, or a Threads link attachment). */
export const LinkCard = z.object({
  url: z.string(),
  title: z.string(),
  description: z.string(),
  imageUrl: z.string().nullable(),
  providerName: z.string().nullable(),
});
export type LinkCard = z.infer<typeof LinkCard>;

/** A post quoted by this one; only what is needed to show a line and open it. */
export const QuotedPost = z.object({
  remoteId: z.string().nullable(),
  url: z.string().nullable(),
});
export type QuotedPost = z.infer<typeof QuotedPost>;

export const PostCounts = z.object({
  replies: z.number().int().nonnegative().nullable(),
  reposts: z.number().int().nonnegative().nullable(),
  likes: z.number().int().nonnegative().nullable(),
});
export type PostCounts = z.infer<typeof PostCounts>;

export const Post = z.object({
  /** Braid's id for this copy: `<account id>:<remote id>`. */
  id: z.string().min(1),
  /** The linked account whose feed brought it. */
  accountId: z.string().min(1),
  network: Network,
  remoteId: z.string().min(1),
  /** ActivityPub id when known (Mastodon's `uri`, the Threads extension's `activitypub_id`). */
  uri: z.string().nullable(),
  /** The page a person opens: Mastodon's `url`, Threads' `permalink`. */
  url: z.string().nullable(),
  author: PostAuthor,
  createdAt: z.iso.datetime(),
  editedAt: z.iso.datetime().nullable(),
  /**
   * Server HTML for Mastodon, HTML built from escaped text for Threads. It is untrusted either
   * way: the renderer sanitizes it before showing it.
   */
  contentHtml: z.string(),
  /** Content warning; empty when there is none. */
  spoilerText: z.string(),
  sensitive: z.boolean(),
  media: z.array(MediaAttachment),
  poll: Poll.nullable(),
  card: LinkCard.nullable(),
  quote: QuotedPost.nullable(),
  counts: PostCounts,
  /** Set when the post answers another one. */
  inReplyTo: z.object({ remoteId: z.string().nullable(), authorHandle: z.string().nullable() }).nullable(),
  /** Emoji used in the content and content warning. */
  emojis: z.array(CustomEmoji),
  /** Threads topic tag, when there is one. */
  topicTag: z.string().nullable(),
  /** Threads extension: the post went to the Fediverse (null where the server does not say). */
  sharedToFediverse: z.boolean().nullable(),
  /** A Threads-side copy of a reply made on the Fediverse (its author is `user@server`). */
  fromFediverse: z.boolean(),
});
export type Post = z.infer<typeof Post>;

/** Why copies were put on one card; shown to the user when they ask. */
export const CrossPostRule = z.enum(['activitypub-id', 'permalink', 'threads-post-id', 'same-author-text']);
export type CrossPostRule = z.infer<typeof CrossPostRule>;

export const Boost = z.object({
  author: PostAuthor,
  network: Network,
  at: z.iso.datetime(),
});
export type Boost = z.infer<typeof Boost>;

/** An opaque position in the merged timeline. */
export const TimelineCursor = z.string().min(1).max(200);

/** One card of the merged timeline. */
export const TimelineEntry = z.object({
  groupId: z.string().min(1),
  /** This card's position: pass it as `before` or `after` to page from here. */
  cursor: TimelineCursor,
  /** When it entered the timeline: the post's time, or the boost that brought it. */
  sortAt: z.iso.datetime(),
  /** The copies, Threads first; the first is the one the card shows. */
  posts: z.array(Post).min(1),
  networks: z.array(Network).min(1),
  /** Set when the card holds more than one copy. */
  rule: CrossPostRule.nullable(),
  /** Who boosted or reposted it into the timeline, oldest first. */
  boostedBy: z.array(Boost),
  /** Fediverse sharing badges by post id (shared/sharing.ts); a copy missing here has none. */
  sharing: z.record(z.string(), CopySharing),
});
export type TimelineEntry = z.infer<typeof TimelineEntry>;

export const TimelineFilter = z.enum(['all', 'threads', 'mastodon', 'cross-posted']);
export type TimelineFilter = z.infer<typeof TimelineFilter>;

export const TimelinePageInput = z.object({
  filter: TimelineFilter.default('all'),
  /** Entries older than this cursor; omitted for the newest page. */
  before: TimelineCursor.optional(),
  /** Entries newer than this cursor (oldest of them first is not implied: always newest first). */
  after: TimelineCursor.optional(),
  limit: z.number().int().min(1).max(200).default(50),
});
export type TimelinePageInput = z.input<typeof TimelinePageInput>;

export const TimelinePage = z.object({
  entries: z.array(TimelineEntry),
  /** Pass as `before` for the next older page; null when the cache has nothing older yet. */
  olderCursor: TimelineCursor.nullable(),
  /** Cursor of the newest entry on the page; null for an empty page. */
  newerCursor: TimelineCursor.nullable(),
  /** True when every account has synced back as far as Braid keeps (nothing more will come). */
  complete: z.boolean(),
});
export type TimelinePage = z.infer<typeof TimelinePage>;

export const EntriesInput = z.object({ groupIds: z.array(z.string().min(1)).max(200) });

/** What a Threads account's posts in the timeline are made of. */
export const ThreadsCoverage = z.enum(['following-feed', 'own-posts']);
export type ThreadsCoverage = z.infer<typeof ThreadsCoverage>;

export const SyncState = z.enum(['idle', 'syncing', 'offline', 'rate-limited', 'needs-sign-in']);
export type SyncState = z.infer<typeof SyncState>;

export const AccountSync = z.object({
  accountId: z.string(),
  state: SyncState,
  /** Mastodon: the streaming connection is up and posts arrive as they are made. */
  live: z.boolean(),
  lastSyncedAt: z.iso.datetime().nullable(),
  /** Posts stored so far for the first backfill, and how many Braid fetches. */
  backfilled: z.number().int().nonnegative(),
  backfillTarget: z.number().int().nonnegative(),
  /** Threads accounts only. */
  coverage: ThreadsCoverage.nullable(),
  /** Why the state is not idle, in words a person can act on. */
  message: z.string().nullable(),
  /** When the next attempt is planned (offline, rate-limited). */
  retryAt: z.iso.datetime().nullable(),
});
export type AccountSync = z.infer<typeof AccountSync>;

/** Where the user was reading; kept across restarts. */
export const ReadingPosition = z.object({
  /** The entry at the top of the viewport. */
  groupId: z.string().min(1),
  sortAt: z.iso.datetime(),
  /** Pixels of that entry scrolled out of view above. */
  offset: z.number().min(0).max(100_000),
  filter: TimelineFilter,
});
export type ReadingPosition = z.infer<typeof ReadingPosition>;

export const TimelineUpdate = z.object({
  /** Entries newer than anything shown before (live posts, incremental sync). */
  newer: z.number().int().nonnegative(),
  /** Entries added below or between what was there (backfill, gap filling). */
  older: z.number().int().nonnegative(),
  /** Those older entries' ids (at most 500), so a list can put them in their place. */
  olderGroupIds: z.array(z.string()).max(500),
  /** Cards whose content changed (edits, counts, a copy or boost joined, a post deleted). */
  changedGroupIds: z.array(z.string()),
  /** Cards that no longer exist. */
  removedGroupIds: z.array(z.string()),
});
export type TimelineUpdate = z.infer<typeof TimelineUpdate>;
