/**
 * One reply tree from both sides of a card (docs/interactions.md, "The reply tree"). Pure.
 *
 * - The same reply seen from both sides is one node: copies are joined when any of their keys
 *   meet — the ActivityPub id (`uri`: Mastodon's `uri`, the Threads extension's
 *   `activitypub_id`) or the permalink (`url`), compared with canonicalKey and either way round,
 *   because a Fediverse reply's Threads-side permalink is the Mastodon status's URL and a
 *   Threads reply's AP id is its Mastodon copy's `uri`.
 * - Parents come from each copy's in-reply-to, which names a post on that copy's own server;
 *   a parent Braid did not load puts the reply under the card with `parentMissing`.
 * - Siblings oldest first, depth first; bad data (a cycle) is cut, never followed forever.
 */
import type { CopySharing } from '@shared/sharing';
import type { Network } from '@shared/model';
import type { ReplyNode } from '@shared/interactions';
import type { Post } from '@shared/timeline';
import { canonicalKey } from '../timeline/text';

export interface ReplyTreeInput {
  /** The card's post on each side: replies to these answer the card itself. */
  rootIds: Readonly<Record<Network, string | null>>;
  /** Replies from both sides, Threads side first (the first copy of a node is the one shown). */
  posts: readonly Post[];
  /** Keys of the card's own copies (see keysOf): the card is never a reply to itself. */
  cardKeys?: ReadonlySet<string>;
  /** Badges for a node's copies; none when omitted. */
  sharingOf?: (posts: readonly Post[]) => Record<string, CopySharing>;
}

/** The comparable ActivityPub id and permalink of a post. */
export function keysOf(post: Pick<Post, 'uri' | 'url'>): string[] {
  return [canonicalKey(post.uri), canonicalKey(post.url)].filter((key): key is string => key !== null);
}

const NETWORK_ORDER: Record<Network, number> = { threads: 0, mastodon: 1 };
const localKey = (network: Network, remoteId: string): string => `${network}:${remoteId}`;

/** Union-find over post indexes: two posts sharing any key end in one group. */
function groupByKeys(posts: readonly Post[]): Post[][] {
  const parent = posts.map((_, index) => index);
  const find = (i: number): number => {
    let root = i;
    while (parent[root] !== root) root = parent[root] as number;
    for (let at = i; parent[at] !== root; ) [at, parent[at]] = [parent[at] as number, root];
    return root;
  };
  const firstWithKey = new Map<string, number>();
  posts.forEach((post, index) => {
    for (const key of keysOf(post)) {
      const seen = firstWithKey.get(key);
      if (seen === undefined) firstWithKey.set(key, index);
      else parent[find(index)] = find(seen);
    }
  });
  const groups = new Map<number, Post[]>();
  posts.forEach((post, index) => {
    const root = find(index);
    const group = groups.get(root);
    if (group) group.push(post);
    else groups.set(root, [post]);
  });
  return [...groups.values()];
}

interface Draft {
  id: string;
  /** Every copy, for parent look-ups; `shown` keeps one per network. */
  all: Post[];
  shown: Post[];
  parent: number | null;
  parentMissing: boolean;
  createdAt: number;
}

function nodeId(copies: readonly Post[], taken: Set<string>): string {
  const first = copies[0] as Post;
  const base = copies.map((p) => canonicalKey(p.uri)).find((k) => k !== null) ?? copies.map((p) => canonicalKey(p.url)).find((k) => k !== null) ?? localKey(first.network, first.remoteId);
  let id = base;
  for (let n = 2; taken.has(id); n += 1) id = `${base}#${n}`;
  taken.add(id);
  return id;
}

function draftsOf(input: ReplyTreeInput): Draft[] {
  const unique = [...new Map(input.posts.map((post) => [post.id, post])).values()];
  const taken = new Set<string>();
  const isCard = (post: Post): boolean =>
    post.remoteId === input.rootIds[post.network] || keysOf(post).some((key) => input.cardKeys?.has(key) === true);
  return groupByKeys(unique)
    .filter((copies) => !copies.some(isCard))
    .map((copies) => {
      const all = [...copies].sort((a, b) => NETWORK_ORDER[a.network] - NETWORK_ORDER[b.network]);
      const shown = all.filter((post, index) => all.findIndex((other) => other.network === post.network) === index);
      const times = all.map((post) => Date.parse(post.createdAt)).filter(Number.isFinite);
      return { id: nodeId(all, taken), all, shown, parent: null, parentMissing: false, createdAt: times.length > 0 ? Math.min(...times) : 0 };
    });
}

/** The first copy whose parent is a loaded reply wins; else one that answers the card; else missing. */
function linkParents(drafts: Draft[], rootIds: ReplyTreeInput['rootIds']): void {
  const byLocal = new Map<string, number>();
  drafts.forEach((draft, index) => draft.all.forEach((post) => byLocal.set(localKey(post.network, post.remoteId), index)));
  drafts.forEach((draft, index) => {
    let answersCard = false;
    for (const post of draft.all) {
      const target = post.inReplyTo?.remoteId ?? null;
      if (target === null) continue;
      if (target === rootIds[post.network]) answersCard = true;
      const parent = byLocal.get(localKey(post.network, target));
      if (parent !== undefined && parent !== index) {
        draft.parent = parent;
        return;
      }
    }
    draft.parentMissing = !answersCard;
  });
}

/** Cuts every cycle at the reply that closes it, which then hangs under the card. */
function breakCycles(drafts: Draft[]): void {
  const state = drafts.map(() => 0); // 0 unseen, 1 on the current walk, 2 done
  drafts.forEach((_, start) => {
    const path: number[] = [];
    let at: number | null = start;
    while (at !== null && state[at] === 0) {
      state[at] = 1;
      path.push(at);
      const next: number | null = (drafts[at] as Draft).parent;
      if (next !== null && state[next] === 1) {
        (drafts[at] as Draft).parent = null;
        (drafts[at] as Draft).parentMissing = true;
        break;
      }
      at = next;
    }
    for (const index of path) state[index] = 2;
  });
}

export function mergeReplyTree(input: ReplyTreeInput): ReplyNode[] {
  const drafts = draftsOf(input);
  linkParents(drafts, input.rootIds);
  breakCycles(drafts);
  const children = new Map<number | null, number[]>();
  drafts.forEach((draft, index) => {
    const siblings = children.get(draft.parent);
    if (siblings) siblings.push(index);
    else children.set(draft.parent, [index]);
  });
  const order = (list: readonly number[]): number[] =>
    [...list].sort((a, b) => {
      const x = drafts[a] as Draft;
      const y = drafts[b] as Draft;
      return x.createdAt - y.createdAt || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0);
    });
  const nodes: ReplyNode[] = [];
  // An explicit stack: deep threads must not run out of call stack.
  const stack = order(children.get(null) ?? []).reverse().map((index) => ({ index, depth: 1 }));
  while (stack.length > 0) {
    const { index, depth } = stack.pop() as { index: number; depth: number };
    const draft = drafts[index] as Draft;
    nodes.push({
      id: draft.id,
      posts: draft.shown,
      networks: draft.shown.map((post) => post.network),
      parentId: draft.parent === null ? null : (drafts[draft.parent] as Draft).id,
      depth,
      parentMissing: draft.parentMissing,
      sharing: input.sharingOf?.(draft.shown) ?? {},
    });
    for (const child of order(children.get(index) ?? []).reverse()) stack.push({ index: child, depth: depth + 1 });
  }
  return nodes;
}
