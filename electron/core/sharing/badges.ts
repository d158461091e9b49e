/**
 * The Fediverse sharing badges of every copy on a card (shared/sharing.ts), derived from what
 * the servers said and from the facts Braid looked up where they say nothing (docs/threads-api.md,
 * "Federation surface"; PROTOCOLS.md, Threads federation). Pure: the caller reads the facts
 * from SQLite first, and queues the look-ups this returns as `wants`.
 *
 * Order for a Threads copy's post: the server's own word (`is_shared_to_fediverse`), then its
 * federated copy on the same card, then an author known not to share, then a looked-up fact.
 * Nothing unknown is ever shown as shared.
 */
import type { AccountRecord } from '../db/accounts-repo';
import type { ThreadsServerRecord } from '../db/threads-servers-repo';
import type { CopySharing, SharingFact, SharingStatus } from '@shared/sharing';
import type { Post, TimelineEntry } from '@shared/timeline';
import { threadsHostsOf } from '../timeline/context';
import { canonicalKey, hostKey } from '../timeline/text';
import { threadsWebOf, type ThreadsWeb } from './threads-web';

export type FactKind = 'actor' | 'post';
export type FactState = 'shared' | 'not-shared' | 'unknown';

/** A looked-up fact as stored (migration 004, `sharing_facts`). */
export interface StoredFact {
  kind: FactKind;
  key: string;
  state: FactState;
  /** The tooltip sentence, written when the fact was found. */
  how: string;
  checkedAt: number;
  expiresAt: number;
}

/** A Threads author to ask WebFinger about: `acct:<username>@<domain>` at `origin`. */
export interface ActorRef {
  kind: 'actor';
  /** `<threads domain>:<username>`, both lower case. */
  key: string;
  origin: string;
  domain: string;
  username: string;
}

/** A Threads post to look for from the user's Mastodon account, by its permalink. */
export interface PostRef {
  kind: 'post';
  /** The permalink's canonicalKey. */
  key: string;
  permalink: string;
  /** The Mastodon account whose search looks. */
  searcher: { accountId: string; server: string };
}

export type FactRef = ActorRef | PostRef;

/** How the user's own Threads account shares, as the sharing service last found it. */
export type OwnSharing = SharingStatus;

export interface LinkedThreadsAccount {
  id: string;
  handle: string;
  remoteId: string;
  /** The API host its posts' author ids carry (`threads:<host>:<id>`). */
  serverHost: string;
}

/** What the derivation knows besides the card: built once per read by buildBadgeWorld. */
export interface BadgeWorld {
  now: number;
  /** Hosts of Threads-style servers, through hostKey (ports kept). */
  threadsHosts: ReadonlySet<string>;
  threadsAccounts: readonly LinkedThreadsAccount[];
  /** Each linked Threads account's web side, for authors Braid has no profile URL for. */
  webOfAccount: ReadonlyMap<string, ThreadsWeb>;
  ownSharing: (accountId: string) => OwnSharing | null;
  /** The Mastodon account that searches for posts; null when none is linked and signed in. */
  searcher: { accountId: string; server: string } | null;
}

export const factId = (kind: FactKind, key: string): string => `${kind}|${key}`;

/** The tooltips Braid writes itself; looked-up facts bring their own (prober.ts). */
export const HOW = {
  serverShared: 'Threads says this post was shared to the Fediverse.',
  serverNotShared: 'Threads says this post was not shared to the Fediverse.',
  copyReached: 'Its copy reached your Mastodon server, so this post is on the Fediverse.',
  authorNotSharing: 'The author does not share to the Fediverse, so this post was not shared.',
  ownNotSharing: 'You do not share your Threads profile with the Fediverse, so this post was not shared.',
  checkingPost: 'Braid is checking whether this post reached the Fediverse…',
  checkingAuthor: 'Braid is checking whether this author shares their Threads profile with the Fediverse…',
  checkingOwn: 'Braid is checking your Fediverse sharing settings…',
  noSearcher: 'Braid could not check: link a Mastodon account so Braid can look for this post on the Fediverse.',
  noPermalink: 'Braid could not check: this post has no link Braid could look up.',
  noServer: 'Braid could not check: it does not know which Threads server this author is on.',
  authorByCopy: 'Shares their Threads profile with the Fediverse: their post reached your Mastodon server.',
  ownEnabled: 'You share your Threads profile with the Fediverse.',
  ownDisabled: 'You do not share your Threads profile with the Fediverse.',
  ownIneligible: 'Your Threads profile cannot share with the Fediverse: Threads shares only public profiles of people 18 or older.',
  ownUnknown: 'Braid could not check: your Fediverse sharing settings could not be read just now.',
  federatedCopy: 'A copy of a Threads post, delivered over the Fediverse.',
  federatedAuthor: 'Shares their Threads profile with the Fediverse.',
  fediverseReply: 'A reply made on the Fediverse, shown with the Threads post it answers.',
} as const;

function urlHost(url: string): string | null {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.host : null;
  } catch {
    return null;
  }
}

/** The world of one read, from the linked accounts and known Threads servers. */
export function buildBadgeWorld(input: {
  accounts: readonly AccountRecord[];
  servers: readonly ThreadsServerRecord[];
  ownSharing: (accountId: string) => OwnSharing | null;
  now: number;
}): BadgeWorld {
  // As the normalizers know them (timeline/context.ts), through hostKey (threads.com folds into threads.net).
  const threadsHosts = new Set(threadsHostsOf(input.servers).map(hostKey));
  const serversById = new Map(input.servers.map((server) => [server.id, server]));
  const threadsAccounts: LinkedThreadsAccount[] = [];
  const webOfAccount = new Map<string, ThreadsWeb>();
  let searcher: BadgeWorld['searcher'] = null;
  for (const account of input.accounts) {
    if (account.network === 'mastodon') {
      if (searcher === null && account.status !== 'needs-sign-in') searcher = { accountId: account.id, server: account.server };
      continue;
    }
    const serverHost = urlHost(account.server);
    if (serverHost === null) continue;
    threadsAccounts.push({ id: account.id, handle: account.handle.replace(/^@/, '').toLowerCase(), remoteId: account.remoteId, serverHost: serverHost.toLowerCase() });
    const server = account.threadsServerId === null ? undefined : serversById.get(account.threadsServerId);
    webOfAccount.set(account.id, threadsWebOf(server ?? { authorizeUrl: account.server, apiBase: account.server }));
  }
  // Asked once per account per read, however many of its posts the page holds.
  const own = new Map<string, OwnSharing | null>();
  const ownSharing = (accountId: string): OwnSharing | null => {
    if (!own.has(accountId)) own.set(accountId, input.ownSharing(accountId));
    return own.get(accountId) ?? null;
  };
  return { now: input.now, threadsHosts, threadsAccounts, webOfAccount, ownSharing, searcher };
}

/** A Mastodon copy by `user@<a Threads host>`: the federated copy of a Threads post. */
export function isFederatedCopy(post: Post, world: Pick<BadgeWorld, 'threadsHosts'>): boolean {
  if (post.network !== 'mastodon') return false;
  const handle = post.author.handle.replace(/^@/, '');
  const at = handle.indexOf('@');
  return at > 0 && world.threadsHosts.has(hostKey(handle.slice(at + 1)));
}

/** The linked Threads account that wrote this copy, if it is the user's own. */
export function ownAccountOf(post: Post, world: Pick<BadgeWorld, 'threadsAccounts'>): string | null {
  if (post.network !== 'threads' || post.author.network !== 'threads') return null;
  // Author ids are `threads:<api host>:<user id or username>`; the host may carry a port.
  const id = post.author.id;
  const first = id.indexOf(':');
  const last = id.lastIndexOf(':');
  if (first === -1 || last <= first) return null;
  const host = id.slice(first + 1, last).toLowerCase();
  const remote = id.slice(last + 1);
  const handle = post.author.handle.replace(/^@/, '').toLowerCase();
  const own = world.threadsAccounts.find((account) => account.serverHost === host && (account.remoteId === remote || account.handle === handle));
  return own?.id ?? null;
}

/** Who to ask WebFinger about for a Threads author; null when Braid cannot tell where they live. */
export function actorRefOf(post: Post, world: Pick<BadgeWorld, 'webOfAccount'>): ActorRef | null {
  const username = post.author.handle.trim().replace(/^@/, '');
  if (!/^[A-Za-z0-9._]{1,64}$/.test(username)) return null;
  let web: ThreadsWeb | undefined;
  // The author's profile URL names the web host their handle lives on; else the account's server.
  if (post.author.url !== null && urlHost(post.author.url) !== null) web = threadsWebOf({ authorizeUrl: post.author.url, apiBase: post.author.url });
  web ??= world.webOfAccount.get(post.accountId);
  if (!web) return null;
  return { kind: 'actor', key: `${hostKey(web.domain)}:${username.toLowerCase()}`, origin: web.origin, domain: web.domain, username };
}

function postRefOf(post: Post, searcher: BadgeWorld['searcher']): PostRef | 'no-permalink' | 'no-searcher' {
  const key = canonicalKey(post.url);
  if (key === null || post.url === null) return 'no-permalink';
  if (searcher === null) return 'no-searcher';
  return { kind: 'post', key, permalink: post.url, searcher };
}

/** Every fact this card's badges could use: read them in one query before deriving. */
export function factRefsOf(entry: TimelineEntry, world: BadgeWorld): FactRef[] {
  const refs: FactRef[] = [];
  for (const post of entry.posts) {
    if (post.network !== 'threads' || post.fromFediverse) continue;
    if (ownAccountOf(post, world) === null) {
      const actor = actorRefOf(post, world);
      if (actor) refs.push(actor);
    }
    if (post.sharedToFediverse === null) {
      const ref = postRefOf(post, world.searcher);
      if (typeof ref !== 'string') refs.push(ref);
    }
  }
  return refs;
}

/** A fact that may be shown: present and not expired. */
function fresh(facts: ReadonlyMap<string, StoredFact>, ref: FactRef | null, now: number): StoredFact | null {
  if (ref === null) return null;
  const fact = facts.get(factId(ref.kind, ref.key));
  return fact && fact.expiresAt > now ? fact : null;
}

const badge = (state: SharingFact['badge'], how: string): SharingFact => ({ badge: state, how });

/** The badges of a post made on the Fediverse (a reply shown with the Threads post it answers): "from the Fediverse", post and author. */
export function fromTheFediverse(post: Post): CopySharing {
  const handle = post.author.handle.replace(/^@/, '');
  return { post: badge('from-fediverse', HOW.fediverseReply), author: badge('from-fediverse', `Posts from ${handle} on the Fediverse, not on Threads.`) };
}

/** What Braid knows about the author of a Threads copy: the badge, and whether they share. */
function threadsAuthor(
  post: Post,
  world: BadgeWorld,
  facts: ReadonlyMap<string, StoredFact>,
  hasFederatedCopy: boolean,
  wants: FactRef[],
): { author: SharingFact; shares: 'yes' | 'no' | 'unknown' | 'not-checked' } {
  const own = ownAccountOf(post, world);
  if (own !== null) {
    const status = world.ownSharing(own);
    if (status === 'enabled') return { author: badge('shared', HOW.ownEnabled), shares: 'yes' };
    if (status === 'disabled') return { author: badge('not-shared', HOW.ownDisabled), shares: 'no' };
    if (status === 'ineligible') return { author: badge('not-shared', HOW.ownIneligible), shares: 'no' };
    if (status === 'unknown') return { author: badge('unknown', HOW.ownUnknown), shares: 'unknown' };
    return { author: badge('unknown', HOW.checkingOwn), shares: 'unknown' };
  }
  const actor = actorRefOf(post, world);
  if (actor === null) return { author: badge(hasFederatedCopy ? 'shared' : 'unknown', hasFederatedCopy ? HOW.authorByCopy : HOW.noServer), shares: 'unknown' };
  const fact = fresh(facts, actor, world.now);
  if (fact === null) wants.push(actor);
  if (fact?.state === 'shared') return { author: badge('shared', fact.how), shares: 'yes' };
  if (fact?.state === 'not-shared') return { author: badge('not-shared', fact.how), shares: 'no' };
  // Unchecked or a failed check: the federated copy on this card is evidence enough that they share.
  if (hasFederatedCopy) return { author: badge('shared', HOW.authorByCopy), shares: fact ? 'unknown' : 'not-checked' };
  return fact ? { author: badge('unknown', fact.how), shares: 'unknown' } : { author: badge('unknown', HOW.checkingAuthor), shares: 'not-checked' };
}

function threadsPost(
  post: Post,
  world: BadgeWorld,
  facts: ReadonlyMap<string, StoredFact>,
  hasFederatedCopy: boolean,
  shares: 'yes' | 'no' | 'unknown' | 'not-checked',
  wants: FactRef[],
): SharingFact {
  if (post.sharedToFediverse === true) return badge('shared', HOW.serverShared);
  if (post.sharedToFediverse === false) return badge('not-shared', HOW.serverNotShared);
  if (hasFederatedCopy) return badge('shared', HOW.copyReached);
  if (shares === 'no') return badge('not-shared', ownAccountOf(post, world) === null ? HOW.authorNotSharing : HOW.ownNotSharing);
  const ref = postRefOf(post, world.searcher);
  if (ref === 'no-permalink') return badge('unknown', HOW.noPermalink);
  const fact = typeof ref === 'string' ? null : fresh(facts, ref, world.now);
  if (fact) return badge(fact.state, fact.how);
  if (ref === 'no-searcher') return badge('unknown', HOW.noSearcher);
  // Search only once the author is known to share (or their check failed): most Threads authors
  // do not share, and each search costs the user's Mastodon rate limit.
  if (shares !== 'not-checked') wants.push(ref);
  return badge('unknown', HOW.checkingPost);
}

/** The badges of every copy on one card, and the facts to look up for it. */
export function deriveEntrySharing(
  entry: TimelineEntry,
  world: BadgeWorld,
  facts: ReadonlyMap<string, StoredFact>,
): { sharing: Record<string, CopySharing>; wants: FactRef[] } {
  const sharing: Record<string, CopySharing> = {};
  const wants: FactRef[] = [];
  const hasFederatedCopy = entry.posts.some((post) => isFederatedCopy(post, world));
  for (const post of entry.posts) {
    if (post.network === 'mastodon') {
      sharing[post.id] = isFederatedCopy(post, world)
        ? { post: badge('from-fediverse', HOW.federatedCopy), author: badge('shared', HOW.federatedAuthor) }
        : { post: null, author: null };
      continue;
    }
    if (post.fromFediverse) {
      sharing[post.id] = fromTheFediverse(post);
      continue;
    }
    const { author, shares } = threadsAuthor(post, world, facts, hasFederatedCopy, wants);
    sharing[post.id] = { post: threadsPost(post, world, facts, hasFederatedCopy, shares, wants), author };
  }
  return { sharing, wants };
}
