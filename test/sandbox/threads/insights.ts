/**
 * Media insights in Meta's shape (https://developers.facebook.com/docs/threads/insights):
 * `{data:[{name, period:"lifetime", values:[{value}], title, description, id}]}`. Native and
 * Fediverse interactions are counted apart; the `fediverse_*` metrics are Braid extensions.
 */
import type { ThreadsContext } from './context.ts';
import { invalidParameter } from './errors.ts';
import type { Post } from './store.ts';

const DESCRIPTIONS: Record<string, string> = {
  views: 'The number of times your post was played or displayed.',
  likes: 'The number of likes on your post from Threads profiles.',
  replies: 'The number of replies on your post from Threads profiles.',
  reposts: 'The number of times your post was reposted by Threads profiles.',
  quotes: 'The number of times your post was quoted.',
  shares: 'The number of times your post was shared.',
  fediverse_likes: 'Extension: the number of likes on your post from Fediverse accounts.',
  fediverse_replies: 'Extension: the number of replies on your post from Fediverse accounts.',
  fediverse_reposts: 'Extension: the number of boosts of your post by Fediverse accounts.',
};

export function insightsOf(ctx: ThreadsContext, post: Post, metricParam: string | undefined): { data: unknown[] } {
  const metrics = (metricParam ?? '').split(',').map((m) => m.trim()).filter(Boolean);
  if (metrics.length === 0) throw invalidParameter('The parameter metric is required');
  for (const metric of metrics) {
    if (!(metric in DESCRIPTIONS)) throw invalidParameter(`metric[${metrics.indexOf(metric)}] must be one of the following values: ${Object.keys(DESCRIPTIONS).join(', ')}`);
  }
  // Meta: an empty list for reposts, which are other people's posts.
  if (post.mediaType === 'REPOST_FACADE') return { data: [] };
  const { posts } = ctx.store;
  // A root post counts its whole conversation, a reply only its direct replies (as Meta does).
  const replyIds = post.replyToId === undefined ? post.conversation : post.directReplies;
  const replies = replyIds.sorted().map((id) => posts.get(id)).filter((p) => p !== undefined && !p.deleted);
  const values: Record<string, number> = {
    views: 0,
    likes: post.likes.size,
    replies: replies.filter((p) => !p?.remote).length,
    reposts: post.reposts.size,
    quotes: post.quotes.size,
    shares: 0,
    fediverse_likes: post.fediLikes.size,
    fediverse_replies: replies.filter((p) => p?.remote).length,
    fediverse_reposts: post.fediReposts.size,
  };
  return {
    data: metrics.map((name) => ({
      name,
      period: 'lifetime',
      values: [{ value: values[name] ?? 0 }],
      title: name,
      description: DESCRIPTIONS[name],
      id: `${post.id}/insights/${name}/lifetime`,
    })),
  };
}
