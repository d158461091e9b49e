/**
 * The ActivityPub documents the Threads-like server serves and sends: its users' actors and
 * their posts as Notes, in the shapes Threads federates
 * (https://www.w3.org/TR/activitypub/, the agreement in the sandbox design). Only users who
 * share to the Fediverse have them.
 */
import { ACTIVITY_JSON, AS_CONTEXT, AS_PUBLIC } from '../federation/activities.ts';
import { escapeHtml } from '../core/html.ts';
import { actorIdOf, noteIdOf, permalinkOf, profileUrlOf, type ThreadsContext } from './context.ts';
import type { Post, User } from './store.ts';

export function renderActor(ctx: ThreadsContext, user: User): Record<string, unknown> {
  const id = actorIdOf(ctx, user.id);
  return {
    '@context': [AS_CONTEXT, 'https://w3id.org/security/v1'],
    id,
    type: 'Person',
    preferredUsername: user.username,
    name: user.name,
    summary: user.biography ? `<p>${escapeHtml(user.biography)}</p>` : '',
    url: profileUrlOf(ctx, user.username),
    inbox: `${id}inbox`,
    outbox: `${id}outbox`,
    followers: `${id}followers`,
    following: `${id}following`,
    endpoints: { sharedInbox: `${ctx.origin}/ap/inbox` },
    icon: { type: 'Image', mediaType: 'image/jpeg', url: user.profilePictureUrl },
    published: new Date(user.createdAt).toISOString(),
    manuallyApprovesFollowers: false,
  };
}

/** Plain text to the HTML a Note carries: paragraphs, line breaks, links. */
export function textToHtml(text: string): string {
  return text
    .split(/\n{2,}/)
    .map((paragraph) => {
      const escaped = escapeHtml(paragraph).replace(/\n/g, '<br>');
      return `<p>${escaped.replace(/https?:\/\/[^\s<]+/g, (url) => `<a href="${url}" rel="nofollow noopener" target="_blank">${url}</a>`)}</p>`;
    })
    .join('');
}

/** The AP id of a post as other servers know it: ours, or the Note id of a Fediverse reply. */
export function apIdOfPost(ctx: ThreadsContext, post: Post): string | undefined {
  if (post.remote) return post.remote.noteId;
  if (post.ownerId === undefined || !post.federated) return undefined;
  return noteIdOf(ctx, post.ownerId, post.id);
}

export function isVisibleOnFediverse(ctx: ThreadsContext, post: Post): boolean {
  if (post.deleted || !post.federated || post.ownerId === undefined) return false;
  return ctx.store.users.get(post.ownerId)?.sharing === true;
}

export function renderNote(ctx: ThreadsContext, post: Post, user: User): Record<string, unknown> {
  const { store } = ctx;
  const actor = actorIdOf(ctx, user.id);
  const parent = post.replyToId === undefined ? undefined : store.posts.get(post.replyToId);
  const quoted = post.quotePostId === undefined ? undefined : store.posts.get(post.quotePostId);
  const quotedOwner = quoted?.ownerId === undefined ? undefined : store.users.get(quoted.ownerId);
  const media = post.children ? post.children.map((id) => store.posts.get(id)).filter((p) => p !== undefined) : [post];
  const attachment = media
    .filter((item) => item.mediaUrl !== undefined)
    .map((item) => ({
      type: 'Document',
      mediaType: item.mediaType === 'VIDEO' ? 'video/mp4' : 'image/jpeg',
      url: item.mediaUrl,
      name: item.altText ?? null,
    }));
  const tag: Record<string, unknown>[] = [];
  const cc = [`${actor}followers`];
  if (parent?.remote) {
    tag.push({ type: 'Mention', href: parent.remote.actor.id, name: `@${parent.remote.actor.acct}` });
    cc.push(parent.remote.actor.id);
  }
  if (post.topicTag) tag.push({ type: 'Hashtag', name: `#${post.topicTag}`, href: `${ctx.origin}/search?q=${encodeURIComponent(post.topicTag)}&serp_type=tags` });
  let content = textToHtml(post.text ?? '');
  if (post.linkAttachmentUrl) content += `<p><a href="${escapeHtml(post.linkAttachmentUrl)}">${escapeHtml(post.linkAttachmentUrl)}</a></p>`;
  const quoteUrl = quoted && quotedOwner ? (apIdOfPost(ctx, quoted) ?? permalinkOf(ctx, quotedOwner.username, quoted.shortcode)) : undefined;
  return {
    '@context': AS_CONTEXT,
    id: noteIdOf(ctx, user.id, post.id),
    type: 'Note',
    attributedTo: actor,
    content,
    published: new Date(post.createdAt).toISOString(),
    url: permalinkOf(ctx, user.username, post.shortcode),
    inReplyTo: parent ? (apIdOfPost(ctx, parent) ?? null) : null,
    ...(quoteUrl ? { quoteUrl } : {}),
    to: [AS_PUBLIC],
    cc,
    sensitive: false,
    attachment,
    tag,
  };
}

export const activityJson = (body: unknown): Response =>
  new Response(JSON.stringify(body), { headers: { 'content-type': `${ACTIVITY_JSON}; charset=utf-8` } });
