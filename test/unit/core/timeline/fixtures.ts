/**
 * Realistic raw network objects for the timeline tests: a Mastodon `Status` as masto.js returns
 * it (camelCase) and a Threads Graph API media object, each with every field a real server
 * sends, so tests override only what they are about.
 */
import type { NormalizeContext } from '../../../../electron/core/timeline/types';

type Json = Record<string, unknown>;

export const mastodonCtx = (overrides: Partial<NormalizeContext> = {}): NormalizeContext => ({
  accountId: 'acc-masto',
  server: 'https://mastodon.social',
  threadsHosts: ['threads.net'],
  selfKeys: new Set(),
  ...overrides,
});

export const threadsCtx = (overrides: Partial<NormalizeContext> = {}): NormalizeContext => ({
  accountId: 'acc-threads',
  server: 'https://graph.threads.net',
  threadsHosts: ['threads.net'],
  selfKeys: new Set(),
  ...overrides,
});

export function mastodonAccount(overrides: Json = {}): Json {
  return {
    id: '109348723',
    username: 'bob',
    acct: 'bob@fosstodon.org',
    displayName: 'Bob :verified_bob:',
    locked: false,
    bot: false,
    discoverable: true,
    group: false,
    createdAt: '2022-11-07T00:00:00.000Z',
    note: '<p>Birds, mostly.</p>',
    url: 'https://fosstodon.org/@bob',
    uri: 'https://fosstodon.org/users/bob',
    avatar: 'https://files.mastodon.social/cache/accounts/avatars/109/348/723/original/bob.png',
    avatarStatic: 'https://files.mastodon.social/cache/accounts/avatars/109/348/723/static/bob.png',
    header: 'https://mastodon.social/headers/original/missing.png',
    headerStatic: 'https://mastodon.social/headers/original/missing.png',
    followersCount: 210,
    followingCount: 180,
    statusesCount: 4512,
    lastStatusAt: '2026-11-02',
    emojis: [{ shortcode: 'verified_bob', url: 'https://files.mastodon.social/emoji/vb.png', staticUrl: 'https://files.mastodon.social/emoji/vb_s.png', visibleInPicker: true }],
    fields: [{ name: 'Site', value: '<a href="https://bob.example" rel="me nofollow noopener" target="_blank">bob.example</a>', verifiedAt: null }],
    ...overrides,
  };
}

export function mastodonStatus(overrides: Json = {}): Json {
  return {
    id: '113456789012345678',
    createdAt: '2026-11-02T10:00:00.123Z',
    inReplyToId: null,
    inReplyToAccountId: null,
    sensitive: false,
    spoilerText: '',
    visibility: 'public',
    language: 'en',
    uri: 'https://fosstodon.org/users/bob/statuses/113456789000000001',
    url: 'https://fosstodon.org/@bob/113456789000000001',
    repliesCount: 3,
    reblogsCount: 7,
    favouritesCount: 21,
    quotesCount: 0,
    editedAt: null,
    content: '<p>Saw a robin today :robin: <a href="https://fosstodon.org/tags/birds" class="mention hashtag" rel="tag">#<span>birds</span></a></p>',
    reblog: null,
    application: null,
    account: mastodonAccount(),
    mediaAttachments: [],
    mentions: [],
    tags: [{ name: 'birds', url: 'https://fosstodon.org/tags/birds' }],
    emojis: [{ shortcode: 'robin', url: 'https://files.mastodon.social/emoji/robin.png', staticUrl: 'https://files.mastodon.social/emoji/robin_s.png', visibleInPicker: true }],
    card: null,
    poll: null,
    favourited: false,
    reblogged: false,
    muted: false,
    bookmarked: false,
    filtered: [],
    ...overrides,
  };
}

/** A Threads media object with the fields Braid's sync asks for (docs/threads-api.md). */
export function threadsMedia(overrides: Json = {}): Json {
  return {
    id: '18028743095012345',
    media_product_type: 'THREADS',
    media_type: 'TEXT_POST',
    permalink: 'https://www.threads.net/@alice/post/C0dExAmPlE1',
    owner: { id: '17841400000000001' },
    username: 'alice',
    text: 'Morning walk by the river',
    timestamp: '2026-11-02T10:00:00+0000',
    shortcode: 'C0dExAmPlE1',
    is_quote_post: false,
    has_replies: false,
    is_reply: false,
    is_shared_to_fediverse: true,
    activitypub_id: 'https://threads.net/ap/users/17841400000000001/post/18028743095012345/',
    is_from_fediverse: false,
    fediverse_author: null,
    ...overrides,
  };
}
