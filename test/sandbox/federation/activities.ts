/**
 * The ActivityPub shapes the two sandbox servers exchange: the subset Threads and Mastodon
 * actually use with each other (https://www.w3.org/TR/activitypub/,
 * https://docs.joinmastodon.org/spec/activitypub/). Incoming JSON is parsed tolerantly (extra
 * fields are fine), because real servers send more than they need to.
 */
import { z } from 'zod';

export const AS_CONTEXT = 'https://www.w3.org/ns/activitystreams';
export const AS_PUBLIC = 'https://www.w3.org/ns/activitystreams#Public';
export const ACTIVITY_JSON = 'application/activity+json';
export const JRD_JSON = 'application/jrd+json';

const link = z.union([z.string(), z.object({ id: z.string() }).transform((o) => o.id)]);
const linkList = z
  .union([z.array(link), link])
  .optional()
  .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]));

export const attachmentSchema = z.object({
  type: z.string(),
  mediaType: z.string().optional(),
  url: z.string(),
  /** Alt text. */
  name: z.string().nullable().optional(),
  width: z.number().optional(),
  height: z.number().optional(),
});

export const tagSchema = z.object({
  type: z.string(),
  href: z.string().optional(),
  name: z.string().optional(),
});

export const noteSchema = z.object({
  id: z.string(),
  type: z.literal('Note'),
  attributedTo: link,
  /** HTML. */
  content: z.string(),
  /** Content warning (Mastodon writes the CW here). */
  summary: z.string().nullable().optional(),
  sensitive: z.boolean().optional(),
  published: z.string(),
  updated: z.string().optional(),
  /** The permalink (an HTML page). */
  url: z.string().optional(),
  inReplyTo: z.string().nullable().optional(),
  /** FEP-e232 / Misskey style quote link, as Threads sends for quote posts. */
  quoteUrl: z.string().optional(),
  to: linkList,
  cc: linkList,
  attachment: z.array(attachmentSchema).optional().default([]),
  tag: z.array(tagSchema).optional().default([]),
});
export type Note = z.infer<typeof noteSchema>;
export type NoteInput = z.input<typeof noteSchema>;

export const actorSchema = z.object({
  id: z.string(),
  type: z.enum(['Person', 'Service', 'Application', 'Group', 'Organization']),
  preferredUsername: z.string(),
  name: z.string().nullable().optional(),
  /** HTML bio. */
  summary: z.string().nullable().optional(),
  /** Profile page. */
  url: z.string().optional(),
  inbox: z.string(),
  outbox: z.string().optional(),
  followers: z.string().optional(),
  following: z.string().optional(),
  endpoints: z.object({ sharedInbox: z.string().optional() }).optional(),
  icon: z.object({ type: z.string(), url: z.string(), mediaType: z.string().optional() }).nullable().optional(),
  published: z.string().optional(),
  manuallyApprovesFollowers: z.boolean().optional(),
});
export type Actor = z.infer<typeof actorSchema>;
export type ActorInput = z.input<typeof actorSchema>;

const base = { '@context': z.unknown().optional(), id: z.string(), actor: z.string(), published: z.string().optional() };

export const createSchema = z.object({ ...base, type: z.literal('Create'), object: noteSchema, to: linkList, cc: linkList });
export const updateSchema = z.object({ ...base, type: z.literal('Update'), object: z.union([noteSchema, actorSchema]) });
/** `object` is the deleted Note's id, or a Tombstone carrying it. */
export const deleteSchema = z.object({ ...base, type: z.literal('Delete'), object: link });
export const followSchema = z.object({ ...base, type: z.literal('Follow'), object: z.string() });
export const likeSchema = z.object({ ...base, type: z.literal('Like'), object: z.string() });
export const announceSchema = z.object({ ...base, type: z.literal('Announce'), object: z.string(), to: linkList, cc: linkList });

const undoable = z.union([followSchema, likeSchema, announceSchema]);
export const undoSchema = z.object({ ...base, type: z.literal('Undo'), object: undoable });
export const acceptSchema = z.object({ ...base, type: z.literal('Accept'), object: z.union([followSchema, z.string()]) });
export const rejectSchema = z.object({ ...base, type: z.literal('Reject'), object: z.union([followSchema, z.string()]) });

export const activitySchema = z.discriminatedUnion('type', [
  createSchema,
  updateSchema,
  deleteSchema,
  followSchema,
  likeSchema,
  announceSchema,
  undoSchema,
  acceptSchema,
  rejectSchema,
]);
export type Activity = z.infer<typeof activitySchema>;
/** What a server builds and sends; `@context` is added by the delivery queue. */
export type ActivityInput = z.input<typeof activitySchema>;

/** The WebFinger answer (RFC 7033) both servers give and read. */
export const webfingerSchema = z.object({
  subject: z.string(),
  aliases: z.array(z.string()).optional(),
  links: z.array(z.object({ rel: z.string(), type: z.string().optional(), href: z.string().optional(), template: z.string().optional() })),
});
export type Webfinger = z.infer<typeof webfingerSchema>;

/** The actor URL in a WebFinger answer (`rel: self`, an ActivityPub type). */
export function actorUrlFrom(webfinger: Webfinger): string | undefined {
  return webfinger.links.find((l) => l.rel === 'self' && (l.type === ACTIVITY_JSON || (l.type ?? '').includes('activitystreams')))?.href;
}
