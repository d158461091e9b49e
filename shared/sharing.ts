/**
 * Fediverse sharing: whether the user's Threads account shares its profile and posts with the
 * Fediverse (and the flow that turns it on and off), and the badges Braid shows on authors and
 * posts. Every judgement — eligibility, what a badge says, how Braid knows — is made in the
 * core; the renderer shows these values as they come.
 */
import { z } from 'zod';

/** `api`: the server has Braid's sharing extension. `guided`: Threads' own settings page, checked by WebFinger. */
export const SharingMode = z.enum(['api', 'guided']);
export type SharingMode = z.infer<typeof SharingMode>;

/** `unknown`: Braid could not find out (offline, the server failed); never guessed as on or off. */
export const SharingStatus = z.enum(['enabled', 'disabled', 'ineligible', 'unknown']);
export type SharingStatus = z.infer<typeof SharingStatus>;

export const RequirementId = z.enum(['public-profile', 'age-18']);
export type RequirementId = z.infer<typeof RequirementId>;

/** One of Threads' conditions for sharing, as checked just now. */
export const SharingRequirement = z.object({
  id: RequirementId,
  /** "Public profile", "18 or older". */
  label: z.string(),
  /** null when Braid cannot check it (guided mode: Threads checks it in its own settings). */
  met: z.boolean().nullable(),
  /** When unmet: how to fix it (or that it cannot be changed). When unknown: who checks it. */
  detail: z.string().nullable(),
});
export type SharingRequirement = z.infer<typeof SharingRequirement>;

/** One linked Threads account's sharing, as the settings screen shows it. */
export const SharingState = z.object({
  accountId: z.string().min(1),
  /** The handle people on the Fediverse use to follow: `@user@threads.net`. */
  fediverseHandle: z.string(),
  mode: SharingMode,
  status: SharingStatus,
  requirements: z.array(SharingRequirement),
  /** People following from the Fediverse, where the server says. */
  fediverseFollowers: z.number().int().nonnegative().nullable(),
  /** The account's ActivityPub actor while it shares. */
  actorId: z.string().nullable(),
  /** When Braid last asked; null when it never could. */
  checkedAt: z.iso.datetime().nullable(),
  /** One sentence on how Braid knows: the server's sharing settings, or what WebFinger answered. */
  how: z.string(),
  /** Why the status is unknown or stale, in words a person can act on; null when all is well. */
  problem: z.string().nullable(),
  /** Guided mode: Threads' own Fediverse sharing settings page. */
  settingsUrl: z.url().nullable(),
});
export type SharingState = z.infer<typeof SharingState>;

export const SharingAccountRef = z.object({ accountId: z.string().min(1) }).strict();

export const EnableSharingInput = z
  .object({
    accountId: z.string().min(1),
    /** The user read and accepted Threads' warnings (other servers keep copies under their own rules). */
    acceptWarnings: z.literal(true),
  })
  .strict();

export const DisableSharingInput = z
  .object({
    accountId: z.string().min(1),
    /** Ask other servers to delete posts that were shared (they may not comply). */
    removeSharedPosts: z.boolean(),
  })
  .strict();

/** The page opened for guided mode. */
export const SharingSettingsPage = z.object({
  url: z.url(),
  /** True when the backend already opened it (Electron); the browser host opens a tab itself. */
  openedExternally: z.boolean(),
});
export type SharingSettingsPage = z.infer<typeof SharingSettingsPage>;

export const VerifySharingInput = z
  .object({
    accountId: z.string().min(1),
    /** What the user just set on Threads' page. */
    expect: z.enum(['enabled', 'disabled']),
  })
  .strict();

export const SharingVerification = z.object({
  state: SharingState,
  /** True when the check found what the user expected. */
  confirmed: z.boolean(),
  /** What WebFinger found: the profile (true), no profile (false), or nothing Braid could read (null). */
  found: z.boolean().nullable(),
  /** What Braid checked and what it found, in a sentence. */
  message: z.string(),
});
export type SharingVerification = z.infer<typeof SharingVerification>;

/**
 * A badge: `shared` (a Threads author or post that federates), `from-fediverse` (a Mastodon-side
 * copy of a Threads post, or a Fediverse reply shown on the Threads side), `not-shared`, and
 * `unknown` (not checked yet, or the check failed — never shown as shared).
 */
export const SharingBadge = z.enum(['shared', 'from-fediverse', 'not-shared', 'unknown']);
export type SharingBadge = z.infer<typeof SharingBadge>;

export const SharingFact = z.object({
  badge: SharingBadge,
  /** How Braid knows, for the tooltip: "Threads says this post was shared to the Fediverse". */
  how: z.string(),
});
export type SharingFact = z.infer<typeof SharingFact>;

/** The badges of one copy on a card; null where sharing means nothing (a Mastodon post of its own). */
export const CopySharing = z.object({
  post: SharingFact.nullable(),
  author: SharingFact.nullable(),
});
export type CopySharing = z.infer<typeof CopySharing>;
