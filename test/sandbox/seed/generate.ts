/**
 * The seed generator: the same Fediverse for the same seed. It creates the cast (people.ts),
 * their follows (including Mastodon users following sharing Threads users over ActivityPub),
 * then `posts` posts spread over the past, oldest first, through the servers' admin APIs, so
 * timelines, notifications and federation are built by the same code the HTTP APIs use.
 *
 * Federation runs in "direct" mode while seeding (same routes, no sockets) so 100 000 posts
 * seed in seconds rather than minutes.
 */
import type { SandboxClock } from '../core/clock.ts';
import { placeholderUrl } from '../core/placeholder-media.ts';
import { createRng, type Rng } from '../core/random.ts';
import type { Federation } from '../federation/delivery.ts';
import type { MastodonAccountRef, MastodonAdmin } from '../mastodon/admin.ts';
import type { ThreadsAdmin, ThreadsPostRef, ThreadsUserRef } from '../threads/admin.ts';
import {
  CROSS_FOLLOWS,
  DEMO_PASSWORD,
  DEMO_USERNAME,
  MASTODON_FOLLOWS,
  MASTODON_PEOPLE,
  passwordFor,
  THREADS_FOLLOWS,
  THREADS_PEOPLE,
} from './people.ts';
import { ALT_TEXTS, CONTENT_WARNINGS, POLL_OPTIONS, postText, replyText, threadPart } from './text.ts';

export const DEFAULT_SEED = 42;
export const DEFAULT_POSTS = 400;
export const CUSTOM_EMOJI = ['blobcat', 'braid', 'party_parrot'];

export interface SeedTargets {
  clock: SandboxClock;
  federation: Federation;
  threads: { origin: string; host: string; admin: ThreadsAdmin };
  mastodon: { origin: string; host: string; admin: MastodonAdmin };
}

export interface SeedOptions {
  seed?: number;
  /** How many posts to create across both servers (threads and replies count per part). */
  posts?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface SeedResult {
  seed: number;
  counts: { threadsPosts: number; mastodonStatuses: number; federated: number; crossInteractions: number };
  threadsUsers: Record<string, ThreadsUserRef>;
  mastodonAccounts: Record<string, MastodonAccountRef>;
  demo: { username: string; password: string };
}

interface Weighted<T> {
  ref: T;
  username: string;
  weight: number;
}

function weightedPick<T>(rng: Rng, items: readonly Weighted<T>[]): Weighted<T> {
  const total = items.reduce((sum, item) => sum + item.weight, 0);
  let roll = rng.next() * total;
  for (const item of items) {
    roll -= item.weight;
    if (roll < 0) return item;
  }
  return items[items.length - 1] as Weighted<T>;
}

/** Most threads run 3–5 parts; one in five is a long one (8–15), the kind readers collapse. */
function threadLength(rng: Rng): number {
  return rng.chance(0.2) ? rng.int(8, 15) : rng.int(3, 5);
}

/** A bounded list of recent ids to reply to, quote or boost. */
class Recent<T> {
  readonly #items: T[] = [];
  readonly #size: number;
  constructor(size: number) {
    this.#size = size;
  }
  add(item: T): void {
    this.#items.push(item);
    if (this.#items.length > this.#size) this.#items.shift();
  }
  remove(item: T): void {
    const index = this.#items.indexOf(item);
    if (index >= 0) this.#items.splice(index, 1);
  }
  pick(rng: Rng): T | undefined {
    return this.#items.length === 0 ? undefined : rng.pick(this.#items);
  }
}

export async function seedSandbox(targets: SeedTargets, options: SeedOptions = {}): Promise<SeedResult> {
  const seed = options.seed ?? DEFAULT_SEED;
  const total = Math.max(0, Math.floor(options.posts ?? DEFAULT_POSTS));
  const rng = createRng(seed);
  const { threads, mastodon, federation, clock } = targets;
  const savedDelay = federation.delay();
  federation.setDelay(0);
  federation.setDirect(true);
  try {
    const now = clock.now();
    // Spread posts over the past: two minutes apart on average, at least two days in all.
    const span = Math.min(365 * 86_400_000, Math.max(2 * 86_400_000, total * 120_000));
    const start = now - span;
    const accountCreated = start - 30 * 86_400_000;

    const threadsUsers: Record<string, ThreadsUserRef> = {};
    for (const person of THREADS_PEOPLE) {
      threadsUsers[person.username] = threads.admin.createUser({
        username: person.username,
        password: passwordFor(person.username),
        name: person.name,
        biography: person.biography,
        isVerified: person.isVerified ?? false,
        isPrivate: person.isPrivate ?? false,
        age: person.age ?? 30,
        sharing: person.sharing,
        createdAt: accountCreated,
      });
    }
    for (const emoji of CUSTOM_EMOJI) mastodon.admin.addCustomEmoji(emoji);
    const mastodonAccounts: Record<string, MastodonAccountRef> = {};
    for (const person of MASTODON_PEOPLE) {
      const linksToThreads = person.username === DEMO_USERNAME;
      mastodonAccounts[person.username] = mastodon.admin.createAccount({
        username: person.username,
        password: passwordFor(person.username),
        displayName: person.displayName,
        note: person.note,
        bot: person.bot ?? false,
        locked: person.locked ?? false,
        fields: linksToThreads ? [{ name: 'Threads', value: `${threads.origin}/@${DEMO_USERNAME}`, verified: true }] : [],
        createdAt: accountCreated,
      });
    }
    const tUser = (username: string): ThreadsUserRef => threadsUsers[username] as ThreadsUserRef;
    const mAccount = (username: string): MastodonAccountRef => mastodonAccounts[username] as MastodonAccountRef;
    for (const [follower, followed] of THREADS_FOLLOWS) threads.admin.follow(tUser(follower).id, tUser(followed).id);
    for (const [follower, followed] of MASTODON_FOLLOWS) mastodon.admin.follow(mAccount(follower).id, mAccount(followed).id);
    for (const [follower, followed] of CROSS_FOLLOWS) {
      await mastodon.admin.followRemote(mAccount(follower).id, `${followed}@${threads.host}`);
    }
    await federation.idle();

    const threadsAuthors: Weighted<ThreadsUserRef>[] = THREADS_PEOPLE.map((p) => ({ ref: tUser(p.username), username: p.username, weight: p.weight }));
    const mastodonAuthors: Weighted<MastodonAccountRef>[] = MASTODON_PEOPLE.map((p) => ({ ref: mAccount(p.username), username: p.username, weight: p.weight }));
    const threadsNames = THREADS_PEOPLE.map((p) => p.username);
    const mastodonNames = MASTODON_PEOPLE.map((p) => p.username);
    const recentThreads = new Recent<ThreadsPostRef>(60);
    const recentFederated = new Recent<ThreadsPostRef>(60);
    const recentMastodon = new Recent<string>(60);
    const counts = { threadsPosts: 0, mastodonStatuses: 0, federated: 0, crossInteractions: 0 };
    const step = total > 0 ? span / total : 0;
    let made = 0;
    let nextCheckpoint = 250;
    const at = (): number => Math.floor(start + made * step + rng.next() * step * 0.5);

    const threadsPost = (author: Weighted<ThreadsUserRef>, input: Parameters<ThreadsAdmin['createPost']>[1]): ThreadsPostRef => {
      const ref = threads.admin.createPost(author.ref.id, { createdAt: at(), ...input });
      made += 1;
      counts.threadsPosts += 1;
      recentThreads.add(ref);
      if (ref.activityPubId) {
        counts.federated += 1;
        recentFederated.add(ref);
      }
      return ref;
    };
    const mastodonStatus = (author: Weighted<MastodonAccountRef>, input: Parameters<MastodonAdmin['createStatus']>[1]): string => {
      const id = mastodon.admin.createStatus(author.ref.id, { createdAt: at(), ...input });
      made += 1;
      counts.mastodonStatuses += 1;
      recentMastodon.add(id);
      return id;
    };

    while (made < total) {
      if (rng.chance(0.45)) {
        const author = weightedPick(rng, threadsAuthors);
        const text = postText(rng, { mentionable: threadsNames.filter((n) => n !== author.username), customEmoji: [] });
        const roll = rng.next();
        const target = recentThreads.pick(rng);
        if (roll < 0.1 && target) {
          threadsPost(author, { text: replyText(rng), replyToId: target.id });
        } else if (roll < 0.14) {
          const parts = threadLength(rng);
          let parent = threadsPost(author, { text: threadPart(rng, 1, parts) });
          for (let part = 2; part <= parts && made < total; part += 1) {
            parent = threadsPost(author, { text: threadPart(rng, part, parts), replyToId: parent.id });
          }
        } else if (roll < 0.18 && target) {
          threadsPost(author, { text, quotePostId: target.id });
        } else if (roll < 0.23 && target) {
          threads.admin.repost(author.ref.id, target.id, at());
          made += 1;
        } else if (roll < 0.33) {
          const label = rng.pick(['Sunrise', 'Coffee', 'Bike', 'Bird']);
          const name = `t${made}`;
          threadsPost(author, {
            text,
            mediaType: 'IMAGE',
            media: [{ type: 'IMAGE', url: placeholderUrl(threads.origin, name, { label }), ...(rng.chance(0.5) ? { altText: rng.pick(ALT_TEXTS) } : {}) }],
          });
        } else if (roll < 0.35) {
          const items = rng.int(2, 4);
          threadsPost(author, {
            text,
            mediaType: 'CAROUSEL',
            media: Array.from({ length: items }, (_, index) => ({
              type: 'IMAGE' as const,
              url: placeholderUrl(threads.origin, `c${made}-${index}`, { label: String(index + 1) }),
              ...(index % 2 === 0 ? { altText: rng.pick(ALT_TEXTS) } : {}),
            })),
          });
        } else if (roll < 0.37) {
          threadsPost(author, { text, pollOptions: rng.pick(POLL_OPTIONS) });
        } else {
          const ref = threadsPost(author, { text });
          if (rng.chance(0.01)) {
            threads.admin.deletePost(author.ref.id, ref.id);
            recentThreads.remove(ref);
            recentFederated.remove(ref);
          }
        }
        if (target && rng.chance(0.3)) threads.admin.like(weightedPick(rng, threadsAuthors).ref.id, target.id);
      } else {
        const author = weightedPick(rng, mastodonAuthors);
        const text = postText(rng, { mentionable: mastodonNames.filter((n) => n !== author.username), customEmoji: CUSTOM_EMOJI });
        const roll = rng.next();
        const target = recentMastodon.pick(rng);
        const federatedTarget = recentFederated.pick(rng);
        if (roll < 0.08 && federatedTarget) {
          // A Mastodon user acting on a Threads post they see through federation.
          const localId = await mastodon.admin.resolveRemoteStatus(federatedTarget.permalink);
          if (localId) {
            counts.crossInteractions += 1;
            const action = rng.next();
            if (action < 0.5) mastodon.admin.favourite(author.ref.id, localId);
            else if (action < 0.75) mastodon.admin.reblog(author.ref.id, localId, at());
            else mastodonStatus(author, { text: replyText(rng), inReplyToId: localId });
          }
          made += 1;
        } else if (roll < 0.16 && target) {
          mastodonStatus(author, { text: replyText(rng), inReplyToId: target });
        } else if (roll < 0.19) {
          const parts = threadLength(rng);
          let parent = mastodonStatus(author, { text: threadPart(rng, 1, parts) });
          for (let part = 2; part <= parts && made < total; part += 1) {
            parent = mastodonStatus(author, { text: threadPart(rng, part, parts), inReplyToId: parent });
          }
        } else if (roll < 0.25) {
          mastodonStatus(author, { text, spoilerText: rng.pick(CONTENT_WARNINGS), sensitive: rng.chance(0.5) });
        } else if (roll < 0.35) {
          mastodonStatus(author, {
            text,
            media: Array.from({ length: rng.int(1, 3) }, () => ({
              type: 'image' as const,
              description: rng.chance(0.6) ? rng.pick(ALT_TEXTS) : null,
            })),
          });
        } else if (roll < 0.39) {
          mastodonStatus(author, { text, poll: { options: rng.pick(POLL_OPTIONS), expiresInSeconds: rng.pick([3600, 86_400, 604_800]), multiple: rng.chance(0.3) } });
        } else if (roll < 0.45 && target) {
          mastodon.admin.reblog(author.ref.id, target, at());
          made += 1;
        } else {
          const id = mastodonStatus(author, { text, visibility: rng.chance(0.05) ? 'unlisted' : 'public' });
          if (rng.chance(0.03)) mastodon.admin.editStatus(author.ref.id, id, { text: `${text} (edited)`, editedAt: at() + 60_000 });
          else if (rng.chance(0.01)) {
            mastodon.admin.deleteStatus(author.ref.id, id);
            recentMastodon.remove(id);
          }
        }
        if (target && rng.chance(0.25)) mastodon.admin.favourite(weightedPick(rng, mastodonAuthors).ref.id, target);
      }
      if (made >= nextCheckpoint || made >= total) {
        nextCheckpoint = made + 250;
        // Let the queued deliveries run, so memory stays flat at any scale.
        await federation.idle();
        options.onProgress?.(Math.min(made, total), total);
      }
    }
    await federation.idle();
    return { seed, counts, threadsUsers, mastodonAccounts, demo: { username: DEMO_USERNAME, password: DEMO_PASSWORD } };
  } finally {
    federation.setDirect(false);
    federation.setDelay(savedDelay);
  }
}
