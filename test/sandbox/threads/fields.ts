/**
 * Graph API `fields` handling and the JSON shapes of Threads nodes: users, media objects and
 * publishing containers, following
 * https://developers.facebook.com/docs/threads/threads-media and
 * https://developers.facebook.com/docs/threads/reply-management. Fields without a value are left
 * out, as Meta does; asking for a field the node does not have is error #100.
 */
import { invalidParameter, nonexistingField, type GraphError } from './errors.ts';
import type { ThreadsContext } from './context.ts';
import { permalinkOf } from './context.ts';
import { apIdOfPost, isVisibleOnFediverse } from './ap-objects.ts';
import { containerStatus, topLevelReplyOf, type Container, type Post, type User } from './store.ts';

export interface FieldSpec {
  name: string;
  sub?: FieldSpec[];
}

/** How deep `a{b{c{…}}}` may nest: the deepest real request is `children{owner{id}}`. */
const MAX_FIELD_DEPTH = 4;

const syntaxError = (raw: string, at: number, what: string): GraphError =>
  invalidParameter(`Syntax error "${what}" at character ${at}: ${raw.slice(0, 200)}`);

/**
 * `id,owner{id},children{id,media_url}` → specs; `fallback` when the parameter is missing.
 * Malformed lists are error #100 as on Meta (silently dropping a field would hide a client bug),
 * and `children{…}` is checked against the media fields too. Sub-fields of references
 * (`owner{…}`, `quoted_post{…}`) are answered with the id only.
 */
export function parseFields(raw: string | undefined, allowed: ReadonlySet<string>, node: string, fallback: readonly string[] = ['id']): FieldSpec[] {
  if (raw === undefined || raw.trim() === '') return fallback.map((name) => ({ name }));
  let pos = 0;
  const list = (depth: number): FieldSpec[] => {
    if (depth > MAX_FIELD_DEPTH) throw syntaxError(raw, pos, 'Fields are nested too deeply.');
    const out: FieldSpec[] = [];
    for (;;) {
      const start = pos;
      while (pos < raw.length && !',{}'.includes(raw[pos] as string)) pos += 1;
      const name = raw.slice(start, pos).trim();
      if (!/^[a-z_]+$/.test(name)) throw syntaxError(raw, start, `Expected a field name instead of "${raw[start] ?? 'end of string'}".`);
      let sub: FieldSpec[] | undefined;
      if (raw[pos] === '{') {
        pos += 1;
        sub = list(depth + 1);
        if (raw[pos] !== '}') throw syntaxError(raw, pos, 'Expected "}".');
        pos += 1;
      }
      out.push(sub ? { name, sub } : { name });
      if (raw[pos] !== ',') return out;
      pos += 1;
    }
  };
  const specs = list(0);
  if (pos < raw.length) throw syntaxError(raw, pos, `Expected end of string instead of "${raw[pos] as string}".`);
  for (const spec of specs) {
    if (!allowed.has(spec.name)) throw nonexistingField(spec.name, node);
    if (spec.name === 'children' && spec.sub) for (const child of spec.sub) if (!MEDIA_FIELDS.has(child.name)) throw nonexistingField(child.name, 'ThreadsMedia');
  }
  return specs;
}

/** Meta's timestamp style: 2023-10-17T05:42:03+0000. */
export function metaTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+0000');
}

export const USER_FIELDS = new Set(['id', 'username', 'name', 'threads_profile_picture_url', 'threads_biography', 'is_verified']);

export function renderUser(user: User, fields: readonly FieldSpec[]): Record<string, unknown> {
  const values: Record<string, unknown> = {
    id: user.id,
    username: user.username,
    name: user.name,
    threads_profile_picture_url: user.profilePictureUrl,
    threads_biography: user.biography,
    is_verified: user.isVerified,
  };
  // The Graph API always includes a node's id, requested or not.
  return { ...Object.fromEntries(fields.map((f) => [f.name, values[f.name]])), id: user.id };
}

export const MEDIA_FIELDS = new Set([
  'id', 'media_product_type', 'media_type', 'media_url', 'gif_url', 'permalink', 'owner', 'username', 'text', 'timestamp',
  'shortcode', 'thumbnail_url', 'children', 'is_quote_post', 'quoted_post', 'reposted_post', 'alt_text', 'link_attachment_url',
  'has_replies', 'is_reply', 'is_reply_owned_by_me', 'root_post', 'replied_to', 'hide_status', 'reply_audience', 'topic_tag',
  'poll_attachment',
  // Braid extensions (docs/threads-api.md).
  'is_shared_to_fediverse', 'activitypub_id', 'is_from_fediverse', 'fediverse_author',
]);

/** Sub-fields of `owner{…}`, `quoted_post{…}` and friends: the default is just the id. */
const ref = (id: string | undefined): Record<string, string> | undefined => (id === undefined ? undefined : { id });

export function renderMedia(ctx: ThreadsContext, viewer: User | undefined, post: Post, fields: readonly FieldSpec[]): Record<string, unknown> {
  const { store } = ctx;
  const owner = post.ownerId === undefined ? undefined : store.users.get(post.ownerId);
  const root = post.rootId === undefined ? undefined : store.posts.get(post.rootId);
  const isReply = post.replyToId !== undefined;
  const value = (spec: FieldSpec): unknown => {
    switch (spec.name) {
      case 'id': return post.id;
      case 'media_product_type': return 'THREADS';
      case 'media_type': return post.mediaType;
      case 'media_url': return post.mediaUrl;
      case 'gif_url': return undefined;
      case 'permalink': return post.remote ? (post.remote.url ?? post.remote.noteId) : owner ? permalinkOf(ctx, owner.username, post.shortcode) : undefined;
      case 'owner': return post.remote ? undefined : ref(post.ownerId);
      case 'username': return post.remote ? post.remote.actor.acct : owner?.username;
      case 'text': return post.text;
      case 'timestamp': return metaTimestamp(post.createdAt);
      case 'shortcode': return post.shortcode;
      case 'thumbnail_url': return post.mediaType === 'VIDEO' ? post.mediaUrl : undefined;
      case 'children': {
        if (!post.children) return undefined;
        const sub = spec.sub ?? [{ name: 'id' }];
        const data = post.children.map((id) => store.posts.get(id)).filter((p) => p !== undefined).map((child) => renderMedia(ctx, viewer, child, sub));
        return { data };
      }
      case 'is_quote_post': return post.quotePostId !== undefined;
      case 'quoted_post': return ref(post.quotePostId);
      case 'reposted_post': return ref(post.repostOfId);
      case 'alt_text': return post.altText;
      case 'link_attachment_url': return post.linkAttachmentUrl;
      case 'has_replies': return post.directReplies.size > 0;
      case 'is_reply': return isReply;
      case 'is_reply_owned_by_me': return isReply ? root?.ownerId !== undefined && root.ownerId === viewer?.id : undefined;
      case 'root_post': return ref(post.rootId);
      case 'replied_to': return ref(post.replyToId);
      // Hiding a top-level reply hides everything under it (Meta's reply management).
      case 'hide_status': return isReply ? topLevelReplyOf(store, post).hideStatus : undefined;
      case 'reply_audience': return 'EVERYONE';
      case 'topic_tag': return post.topicTag;
      case 'poll_attachment': {
        if (!post.pollOptions) return undefined;
        const letters = ['a', 'b', 'c', 'd'];
        const poll: Record<string, unknown> = { total_votes: 0, expiration_timestamp: metaTimestamp(post.createdAt + 24 * 3600_000) };
        post.pollOptions.forEach((option, i) => {
          poll[`option_${letters[i] as string}`] = option;
          poll[`option_${letters[i] as string}_votes_percentage`] = 0;
        });
        return poll;
      }
      case 'is_shared_to_fediverse': return isVisibleOnFediverse(ctx, post);
      case 'activitypub_id': return (post.remote || isVisibleOnFediverse(ctx, post) ? apIdOfPost(ctx, post) : undefined) ?? null;
      case 'is_from_fediverse': return post.remote !== undefined;
      case 'fediverse_author': return post.remote ? post.remote.actor.acct : null;
      default: return undefined;
    }
  };
  const out: Record<string, unknown> = {};
  for (const spec of fields) {
    const v = value(spec);
    if (v !== undefined) out[spec.name] = v;
  }
  out.id = post.id;
  return out;
}

export const CONTAINER_FIELDS = new Set(['id', 'status', 'error_message']);

export function renderContainer(container: Container, fields: readonly FieldSpec[], now: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const { name } of fields) {
    if (name === 'id') out.id = container.id;
    else if (name === 'status') out.status = containerStatus(container, now);
    else if (name === 'error_message' && container.errorMessage !== undefined) out.error_message = container.errorMessage;
  }
  out.id = container.id;
  return out;
}
