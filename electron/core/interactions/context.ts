/**
 * The badges of a reply's copies (sharing/badges.ts, with the reply-specific rules below), the
 * badge world they are judged in, and which replies count as from the Fediverse. The
 * normalizers' context is built in timeline/context.ts.
 */
import type { ReplyNode } from '@shared/interactions';
import type { CopySharing } from '@shared/sharing';
import type { Post } from '@shared/timeline';
import type { AccountRecord } from '../db/accounts-repo';
import type { ThreadsServerRecord } from '../db/threads-servers-repo';
import { buildBadgeWorld, deriveEntrySharing, fromTheFediverse, isFederatedCopy, type BadgeWorld } from '../sharing/badges';

export function badgeWorldOf(accounts: readonly AccountRecord[], servers: readonly ThreadsServerRecord[], now: number): BadgeWorld {
  // Reply badges never look anything up, so the user's own sharing status is not needed here.
  return buildBadgeWorld({ accounts, servers, ownSharing: () => null, now });
}

/**
 * A Threads-side copy of a reply made on the Fediverse: marked by the extension, or — where the
 * server has none — told by its author, a `user@server` (Threads usernames never hold an `@`).
 */
export function isFediverseCopy(post: Post): boolean {
  return post.network === 'threads' && (post.fromFediverse || post.author.handle.includes('@'));
}

/**
 * A reply is from the Fediverse when no copy of it is a Threads post: its Threads copy came from
 * the Fediverse, or it is a Mastodon status by someone not on a Threads server.
 */
export function isFediverseReply(posts: readonly Post[], world: Pick<BadgeWorld, 'threadsHosts'>): boolean {
  return !posts.some((post) => (post.network === 'threads' && !isFediverseCopy(post)) || isFederatedCopy(post, world));
}

/**
 * Badges of a reply's copies (docs/sharing.md's rules, applied to replies):
 * - a Threads copy of a Fediverse reply: "from the Fediverse", post and author;
 * - a Mastodon reply to a Threads post: "from the Fediverse" too — on a Mastodon post's own card
 *   it is just a reply, with no badge;
 * - the federated copy of a Threads reply: as on the timeline (deriveEntrySharing);
 * - a Threads reply: the server's word or its federated copy for the post; its author is not
 *   looked up (a view may hold hundreds of people, and WebFinger is paced per host).
 */
export function replySharing(posts: readonly Post[], world: BadgeWorld, cardOnThreads: boolean): Record<string, CopySharing> {
  const derived = deriveEntrySharing(
    { groupId: 'reply', cursor: '0.0', sortAt: new Date(world.now).toISOString(), posts: [...posts], networks: [...new Set(posts.map((p) => p.network))], rule: null, boostedBy: [], sharing: {} },
    world,
    new Map(),
  ).sharing;
  const sharing: Record<string, CopySharing> = {};
  for (const post of posts) {
    if (isFediverseCopy(post)) {
      sharing[post.id] = fromTheFediverse(post);
    } else if (post.network === 'threads') {
      const badge = derived[post.id]?.post;
      sharing[post.id] = { post: badge && badge.badge !== 'unknown' ? badge : null, author: null };
    } else if (!isFederatedCopy(post, world)) {
      sharing[post.id] = cardOnThreads ? fromTheFediverse(post) : { post: null, author: null };
    } else {
      sharing[post.id] = derived[post.id] ?? { post: null, author: null };
    }
  }
  return sharing;
}

/** Replies in the tree by origin, for the replies count. */
export function treeReplyCounts(nodes: readonly ReplyNode[], world: Pick<BadgeWorld, 'threadsHosts'>): { threads: number; fediverse: number } {
  const fediverse = nodes.filter((node) => isFediverseReply(node.posts, world)).length;
  return { threads: nodes.length - fediverse, fediverse };
}
