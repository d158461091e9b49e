/**
 * Composing: drafts kept in SQLite as the user types (they survive a crash or a restart), a
 * check of the draft against each network's rules, and sending to Threads, Mastodon or both.
 * Limits, warnings and what can be sent are decided in the core.
 */
import { z } from 'zod';
import { Network } from './model';

export const Visibility = z.enum(['public', 'unlisted', 'private', 'direct']);
export type Visibility = z.infer<typeof Visibility>;

/** An image attached to a draft; its bytes stay in the core's data folder. */
export const DraftMedia = z.object({
  id: z.string().min(1),
  name: z.string(),
  mime: z.string(),
  size: z.number().int().nonnegative(),
  /** Alt text; empty when the user wrote none. */
  alt: z.string().max(1500),
});
export type DraftMedia = z.infer<typeof DraftMedia>;

/** A copy already posted by an earlier send that failed elsewhere: a retry skips its network. */
export const SentCopy = z.object({
  network: Network,
  accountId: z.string().min(1),
  remoteId: z.string().min(1),
  url: z.string().nullable(),
});
export type SentCopy = z.infer<typeof SentCopy>;

/** What the user edits. */
export const DraftFields = z.object({
  text: z.string().max(20_000),
  /** Mastodon's content warning; Threads has none. */
  spoilerText: z.string().max(1_000),
  /** The accounts it goes to: at most one per network, at least one to send. */
  threadsAccountId: z.string().min(1).nullable(),
  mastodonAccountId: z.string().min(1).nullable(),
  /** Mastodon's visibility; Threads posts are public. */
  visibility: Visibility,
  /** A reply to this card (the core answers each network's own copy). */
  replyToGroupId: z.string().min(1).nullable(),
  /** A quote of this card. */
  quoteGroupId: z.string().min(1).nullable(),
});
export type DraftFields = z.infer<typeof DraftFields>;

export const Draft = DraftFields.extend({
  id: z.string().min(1),
  media: z.array(DraftMedia),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  sent: z.array(SentCopy),
  /** Why the last send failed, in words a person can act on; null otherwise. */
  lastError: z.string().nullable(),
});
export type Draft = z.infer<typeof Draft>;

/** Save as the user types: a new draft without `id`, an existing one with it. */
export const SaveDraftInput = DraftFields.extend({ id: z.string().min(1).optional() }).strict();
export type SaveDraftInput = z.input<typeof SaveDraftInput>;

export const DraftRef = z.object({ draftId: z.string().min(1) }).strict();

export const AttachInput = z
  .object({
    draftId: z.string().min(1),
    name: z.string().max(255),
    mime: z.enum(['image/png', 'image/jpeg', 'image/gif', 'image/webp']),
    /** The file's bytes, base64; at most 8 MB decoded. */
    base64: z.string().max(11_200_000),
    alt: z.string().max(1500).default(''),
  })
  .strict();

export const MediaAltInput = z.object({ draftId: z.string().min(1), mediaId: z.string().min(1), alt: z.string().max(1500) }).strict();
export const MediaRef = z.object({ draftId: z.string().min(1), mediaId: z.string().min(1) }).strict();

export const ComposeWarning = z.object({
  code: z.enum(['double-post', 'threads-no-cw', 'threads-media', 'over-limit', 'empty', 'no-target', 'reply-unresolved', 'quote-unsupported']),
  /** The network it is about; null for both. */
  network: Network.nullable(),
  message: z.string(),
  /** True when it stops sending (over the limit, empty, no account chosen). */
  blocks: z.boolean(),
});
export type ComposeWarning = z.infer<typeof ComposeWarning>;

export const ComposeCheck = z.object({
  /** Characters allowed and used per chosen network, counted the network's way. */
  limits: z.array(z.object({ network: Network, max: z.number().int().positive(), used: z.number().int().nonnegative() })),
  warnings: z.array(ComposeWarning),
  canSend: z.boolean(),
});
export type ComposeCheck = z.infer<typeof ComposeCheck>;

export const SendResult = z.object({
  /** Every copy that exists now, including ones from an earlier partial send. */
  posted: z.array(SentCopy),
  failed: z.array(z.object({ network: Network, message: z.string() })),
  /** The timeline card the post is on (one card for a post sent to both); null when nothing was posted. */
  groupId: z.string().nullable(),
  /** The draft, kept with `lastError` when something failed; null once everything was sent. */
  draft: Draft.nullable(),
});
export type SendResult = z.infer<typeof SendResult>;
