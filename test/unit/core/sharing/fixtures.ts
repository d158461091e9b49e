/**
 * Cards for the sharing-badge tests: a Threads copy, its federated copy on Mastodon, a Mastodon
 * post of its own, and the linked accounts and Threads server they come through.
 */
import type { Post, TimelineEntry } from '@shared/timeline';
import type { AccountRecord } from '../../../../electron/core/db/accounts-repo';
import type { ThreadsServerRecord } from '../../../../electron/core/db/threads-servers-repo';
import { presetServers } from '../../../../electron/core/networks/threads/presets';
import { makeAuthor, makePost } from '../fixtures/post';

export const T0 = Date.parse('2026-11-02T10:00:00Z');

/** The app's own Threads preset (graph.threads.net / threads.net), as stored. */
export const THREADS_SERVER: ThreadsServerRecord = presetServers('http://127.0.0.1:4100', '2026-01-01T00:00:00.000Z').threads;

export const ME_THREADS: AccountRecord = {
  id: 'acc-threads',
  network: 'threads',
  server: 'https://graph.threads.net',
  remoteId: '1784',
  handle: 'me',
  displayName: 'Me',
  avatarUrl: null,
  status: 'ok',
  statusMessage: null,
  linkedAt: '2026-01-01T00:00:00.000Z',
  threadsServerId: 'threads',
  tokenIssuedAt: null,
  tokenExpiresAt: null,
};

export const ME_MASTODON: AccountRecord = {
  ...ME_THREADS,
  id: 'acc-masto',
  network: 'mastodon',
  server: 'https://mastodon.social',
  remoteId: '109',
  handle: 'me@mastodon.social',
  threadsServerId: null,
};

let next = 1;

function basePost(overrides: Partial<Post>): Post {
  return makePost({ remoteId: String(next++), createdAt: new Date(T0).toISOString(), ...overrides });
}

/** A Threads copy by `username` as graph.threads.net gives it (no extension fields: sharedToFediverse null). */
export function threadsCopy(username = 'alice', overrides: Partial<Post> & { ownerId?: string; profileUrl?: string | null } = {}): Post {
  const { ownerId = `owner-${username}`, profileUrl = `https://www.threads.net/@${username}`, ...rest } = overrides;
  const shortcode = `S${next}`;
  return basePost({
    accountId: ME_THREADS.id,
    network: 'threads',
    url: `https://www.threads.net/@${username}/post/${shortcode}`,
    author: makeAuthor({ id: `threads:graph.threads.net:${ownerId}`, network: 'threads', handle: username, url: profileUrl }),
    ...rest,
  });
}

/** The same post as the user's Mastodon server received it over the Fediverse. */
export function federatedCopy(of: Post, host = 'threads.net'): Post {
  return basePost({
    accountId: ME_MASTODON.id,
    network: 'mastodon',
    url: of.url,
    uri: `https://threads.net/ap/users/1/post/${of.remoteId}/`,
    author: makeAuthor({ id: `mastodon:mastodon.social:${of.author.handle}`, network: 'mastodon', handle: `${of.author.handle}@${host}`, displayName: of.author.handle }),
  });
}

/** A Mastodon post of its own. */
export function mastodonPost(handle = 'mona@mastodon.social'): Post {
  return basePost({
    accountId: ME_MASTODON.id,
    network: 'mastodon',
    url: `https://mastodon.social/@mona/${next}`,
    author: makeAuthor({ id: `mastodon:mastodon.social:${handle}`, network: 'mastodon', handle, displayName: 'Mona' }),
  });
}

export function entry(groupId: string, posts: Post[]): TimelineEntry {
  return {
    groupId,
    cursor: `${T0}.${groupId}`,
    sortAt: new Date(T0).toISOString(),
    posts,
    networks: [...new Set(posts.map((post) => post.network))],
    rule: posts.length > 1 ? 'permalink' : null,
    boostedBy: [],
    sharing: {},
  };
}
