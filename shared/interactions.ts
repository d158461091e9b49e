/**
 * Everything that happened to one card's post across both networks — one merged reply tree,
 * counts split by origin, who liked and reposted — and acting on it from a chosen account.
 * The merging, the counting and the resolving of copies happen in the core; the renderer shows
 * these values and sends the user's choices.
 */
import { z } from 'zod';
import { Network } from './model';
import { CopySharing } from './sharing';
import { Post, PostAuthor, TimelineEntry } from './timeline';

export const InteractionSide = Network;
export type InteractionSide = z.infer<typeof InteractionSide>;

/** One reply in the merged tree: the same reply seen from both sides is one node with two copies. */
export const ReplyNode = z.object({
  /** Stable within a view: the reply's ActivityPub id or permalink key, else `<network>:<remote id>`. */
  id: z.string().min(1),
  /** The copies, Threads first. */
  posts: z.array(Post).min(1),
  networks: z.array(Network).min(1),
  /** The node it answers; null when it answers the card's post, or its parent was not found. */
  parentId: z.string().nullable(),
  /** 1 for a direct reply; shown indented, capped by the renderer. */
  depth: z.number().int().min(1),
  /** Its parent is a reply Braid could not load: shown under the post with a note. */
  parentMissing: z.boolean(),
  /** Badges by post id ("from the Fediverse" for replies made there). */
  sharing: z.record(z.string(), CopySharing),
});
export type ReplyNode = z.infer<typeof ReplyNode>;

/** A count and where it came from; null parts where no server says. */
export const CountSplit = z.object({
  total: z.number().int().nonnegative().nullable(),
  threads: z.number().int().nonnegative().nullable(),
  fediverse: z.number().int().nonnegative().nullable(),
});
export type CountSplit = z.infer<typeof CountSplit>;

export const InteractionCounts = z.object({
  likes: CountSplit,
  reposts: CountSplit,
  replies: CountSplit,
  quotes: CountSplit,
});
export type InteractionCounts = z.infer<typeof InteractionCounts>;

/** Someone who liked or reposted, and where they did it. */
export const Interactor = z.object({
  author: PostAuthor,
  origin: z.enum(['threads', 'fediverse']),
});
export type Interactor = z.infer<typeof Interactor>;

export const PeopleList = z.object({
  people: z.array(Interactor),
  /** More exist than listed (the servers page these lists; Braid shows the first pages). */
  more: z.boolean(),
});
export type PeopleList = z.infer<typeof PeopleList>;

/** How one network's side of the view is doing; a failed side keeps the other side's data. */
export const SideState = z.object({
  side: InteractionSide,
  state: z.enum(['loading', 'ready', 'failed', 'unavailable']),
  /** The linked account that read this side; null when none can. */
  accountId: z.string().nullable(),
  /** Why failed or unavailable, in words a person can act on. */
  message: z.string().nullable(),
});
export type SideState = z.infer<typeof SideState>;

/** What one linked account has done to this post, for the action buttons (null: unknown). */
export const ViewerState = z.object({
  accountId: z.string().min(1),
  liked: z.boolean().nullable(),
  reposted: z.boolean().nullable(),
  /** This account cannot act on the post at all, and why (e.g. a Threads account and a Mastodon-only post). */
  unavailable: z.string().nullable(),
});
export type ViewerState = z.infer<typeof ViewerState>;

export const InteractionsView = z.object({
  groupId: z.string().min(1),
  /** The card itself, as the timeline shows it. */
  entry: TimelineEntry,
  /** Depth-first, oldest first among siblings. */
  replies: z.array(ReplyNode),
  counts: InteractionCounts,
  likedBy: PeopleList,
  repostedBy: PeopleList,
  sides: z.array(SideState),
  viewer: z.array(ViewerState),
  updatedAt: z.iso.datetime(),
});
export type InteractionsView = z.infer<typeof InteractionsView>;

export const GroupRef = z.object({ groupId: z.string().min(1) }).strict();

export const PostAction = z.enum(['like', 'unlike', 'repost', 'unrepost']);
export type PostAction = z.infer<typeof PostAction>;

export const ActInput = z
  .object({
    groupId: z.string().min(1),
    /** The account that acts; shown to the user before the action. */
    accountId: z.string().min(1),
    action: PostAction,
  })
  .strict();

/** What the server says after an action: the acting account's new state and the new counts. */
export const ActResult = z.object({
  viewer: ViewerState,
  counts: InteractionCounts,
});
export type ActResult = z.infer<typeof ActResult>;
