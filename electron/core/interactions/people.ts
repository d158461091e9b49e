/**
 * Who liked and reposted: the Threads likes extension's list (`braid_likes`, docs/threads-api.md,
 * with native and Fediverse likers) and Mastodon's `favourited_by` / `reblogged_by`, read
 * tolerantly and merged into one list per kind with each person once.
 */
import type { Interactor, PeopleList } from '@shared/interactions';
import type { PostAuthor } from '@shared/timeline';
import { readMastodonAccount } from '../timeline/normalize-mastodon';
import { asRecord, readId, readString } from '../timeline/read';
import { hostKey } from '../timeline/text';

/**
 * One person per key, lower case: a Threads user by username (also when Mastodon shows them as
 * `user@<threads host>`), anyone else by their Fediverse `user@host`.
 */
export function personKey(person: Interactor): string {
  const handle = person.author.handle.trim().replace(/^@/, '').toLowerCase();
  return person.origin === 'threads' ? `threads:${handle.split('@')[0] ?? handle}` : `fediverse:${handle}`;
}

/**
 * Lists of the same kind from both sides, first list first. A person in two lists is kept once,
 * with the richer description (a Mastodon account has a name and picture; the likes extension
 * only a handle).
 */
export function mergePeople(lists: readonly { people: readonly Interactor[]; more: boolean }[]): PeopleList {
  const byKey = new Map<string, Interactor>();
  for (const list of lists) {
    for (const person of list.people) {
      const key = personKey(person);
      const known = byKey.get(key);
      if (!known) byKey.set(key, person);
      else if (known.author.avatarUrl === null && person.author.avatarUrl !== null) byKey.set(key, { ...known, author: person.author });
    }
  }
  return { people: [...byKey.values()], more: lists.some((list) => list.more) };
}

function plainAuthor(network: PostAuthor['network'], id: string, handle: string): PostAuthor {
  return { id, network, handle, displayName: handle.split('@')[0] || handle, avatarUrl: null, url: null, emojis: [], bot: false };
}

/**
 * One entry of `braid_likes`: `{source:"threads", id, username}` or
 * `{source:"fediverse", fediverse_author:"user@server", actor_id}`. Null when unreadable.
 */
export function readThreadsLiker(raw: unknown, apiHost: string): Interactor | null {
  const entry = asRecord(raw);
  if (!entry) return null;
  if (readString(entry, 'source') === 'fediverse') {
    const handle = readString(entry, 'fediverse_author')?.trim().replace(/^@/, '');
    if (!handle || !handle.includes('@')) return null;
    const host = handle.slice(handle.indexOf('@') + 1).toLowerCase();
    return { author: plainAuthor('mastodon', `mastodon:${host}:${handle.toLowerCase()}`, handle), origin: 'fediverse' };
  }
  const username = readString(entry, 'username')?.trim();
  if (!username) return null;
  const id = readId(entry, 'id') ?? username;
  return { author: plainAuthor('threads', `threads:${apiHost}:${id}`, username), origin: 'threads' };
}

/**
 * A Mastodon `Account` (masto.js camelCase or raw JSON), read as the timeline reads a post's
 * author. An account on a Threads server's domain is a Threads user seen over federation, so its
 * origin is Threads.
 */
export function readMastodonPerson(raw: unknown, server: string, isThreadsHost: (host: string) => boolean): Interactor | null {
  const read = readMastodonAccount(raw, new URL(server).host.toLowerCase());
  if (!read) return null;
  const { author } = read;
  const host = author.handle.slice(author.handle.indexOf('@') + 1);
  return { author, origin: isThreadsHost(hostKey(host)) ? 'threads' : 'fediverse' };
}
