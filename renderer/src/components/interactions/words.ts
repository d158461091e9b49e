import type { CountSplit, ReplyNode } from '@shared/interactions';
import type { Network } from '@shared/model';
import type { ActKind } from '../../state/interactions.svelte';

const format = new Intl.NumberFormat(undefined);

/** A noun in the singular and the plural: ['like', 'likes']. */
export type Noun = readonly [one: string, many: string];

export const NOUNS = {
  likes: ['like', 'likes'],
  reposts: ['repost', 'reposts'],
  boosts: ['boost', 'boosts'],
  replies: ['reply', 'replies'],
  quotes: ['quote', 'quotes'],
} as const satisfies Record<string, Noun>;

/**
 * "42 likes · 30 Threads · 12 Fediverse". Parts no server gave are left out, never guessed: with
 * no total it says only the parts ("Likes: 30 Threads"), and with nothing "Likes not known".
 */
export function countWords(split: CountSplit, [one, many]: Noun): string {
  const parts: string[] = [];
  if (split.threads !== null) parts.push(`${format.format(split.threads)} Threads`);
  if (split.fediverse !== null) parts.push(`${format.format(split.fediverse)} Fediverse`);
  const title = many.charAt(0).toUpperCase() + many.slice(1);
  if (split.total !== null) return [`${format.format(split.total)} ${split.total === 1 ? one : many}`, ...parts].join(' · ');
  if (parts.length > 0) return `${title}: ${parts.join(' · ')}`;
  return `${title} not known`;
}

/** Threads says repost, Mastodon says boost. */
export function repostWord(network: Network): 'Repost' | 'Boost' {
  return network === 'mastodon' ? 'Boost' : 'Repost';
}

/** What a refused action was, for "Could not … as @x". */
export function actWords(kind: ActKind, value: boolean, network: Network): string {
  if (kind === 'like') return value ? 'like this post' : 'take back the like';
  const word = repostWord(network).toLowerCase();
  return value ? `${word} this post` : `undo the ${word}`;
}

/** One reply and the replies to it, as the nested list shows them. */
export interface ReplyBranch {
  node: ReplyNode;
  children: ReplyBranch[];
}

/**
 * The core's depth-first list as a tree. A node goes under its parent only when that parent came
 * before it (as depth-first order promises), so bad data can neither loop nor lose a reply: such a
 * node, or one whose parent is not in the list, starts at the top level. A repeated id shows once.
 */
export function replyTree(replies: readonly ReplyNode[]): ReplyBranch[] {
  const seen = new Map<string, ReplyBranch>();
  const roots: ReplyBranch[] = [];
  for (const node of replies) {
    if (seen.has(node.id)) continue;
    const branch: ReplyBranch = { node, children: [] };
    const parent = node.parentId === null ? undefined : seen.get(node.parentId);
    if (parent) parent.children.push(branch);
    else roots.push(branch);
    seen.set(node.id, branch);
  }
  return roots;
}
